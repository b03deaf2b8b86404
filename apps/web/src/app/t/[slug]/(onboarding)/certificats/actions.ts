'use server';

import { revalidatePath } from 'next/cache';
import { frenchApiError, sentence } from '../../../../../lib/api-messages.ts';
import { uploadCertificateInput } from '@rayon/schemas/onboarding';
import { parseForm } from '../../../../../lib/forms.ts';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';

const certificatesPath = (slug: string) => `/t/${encodeURIComponent(slug)}/certificats`;

export type UploadField = 'purpose' | 'file' | 'passphrase';

export interface UploadState {
  attempt: number;
  purpose: string;
  errors: Partial<Record<UploadField, string>>;
  formError: string | null;
  notice: string | null;
}

/** Uploads a PKCS#12 organisation certificate; the API keeps the private key encrypted. */
export async function uploadCertificateAction(
  slug: string,
  previous: UploadState,
  formData: FormData,
): Promise<UploadState> {
  const attempt = previous.attempt + 1;
  const purpose = String(formData.get('purpose') ?? '');
  const file = formData.get('file');
  const passphrase = String(formData.get('passphrase') ?? '');
  const failed = (errors: UploadState['errors'], formError: string | null = null): UploadState => ({
    attempt,
    purpose,
    errors,
    formError,
    notice: null,
  });

  const p12Base64 = file instanceof File ? Buffer.from(await file.arrayBuffer()).toString('base64') : '';
  const form = parseForm(uploadCertificateInput, { purpose, p12Base64, passphrase }, { p12Base64: 'file' });
  if (!form.ok) return failed(form.errors);
  const api = await apiForSession({ tenantSlug: slug });
  try {
    await api.onboarding.certificates.upload.mutate(form.data);
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info && ['BAD_INPUT', 'CONFLICT'].includes(info.appCode ?? '')) {
      const message = sentence(frenchApiError(info));
      if (info.field === 'passphrase' || info.reason === 'certificates.p12.passphrase')
        return failed({ passphrase: message });
      if (info.field === 'purpose') return failed({ purpose: message });
      return failed({ file: message });
    }
    handleApiError(error);
  }
  revalidatePath(certificatesPath(slug));
  return { attempt, purpose: '', errors: {}, formError: null, notice: 'Certificat installé.' };
}

export async function revokeCertificateAction(slug: string, formData: FormData): Promise<void> {
  const id = String(formData.get('id') ?? '');
  if (!id) return;
  const api = await apiForSession({ tenantSlug: slug });
  try {
    await api.onboarding.certificates.revoke.mutate({ id });
  } catch (error) {
    handleApiError(error);
  }
  revalidatePath(certificatesPath(slug));
}
