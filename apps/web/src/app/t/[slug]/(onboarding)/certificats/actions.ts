'use server';

import { revalidatePath } from 'next/cache';
import { frenchApiError, sentence } from '../../../../../lib/api-messages.ts';
import { CERTIFICATE_PURPOSES, type CertificatePurpose } from '../../../../../lib/labels.ts';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';

const certificatesPath = (slug: string) => `/t/${encodeURIComponent(slug)}/certificats`;

/** A PKCS#12 file is a few kilobytes; anything this large is not one. */
const MAX_P12_BYTES = 512 * 1024;

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

  const errors: UploadState['errors'] = {};
  if (!(CERTIFICATE_PURPOSES as readonly string[]).includes(purpose)) errors.purpose = "Choisissez l'usage.";
  if (!(file instanceof File) || file.size === 0)
    errors.file = 'Choisissez le fichier du certificat (.p12 ou .pfx).';
  else if (file.size > MAX_P12_BYTES)
    errors.file = 'Ce fichier est trop volumineux pour être un certificat PKCS#12.';
  if (passphrase === '') errors.passphrase = 'Ce champ est obligatoire.';
  if (Object.keys(errors).length > 0 || !(file instanceof File)) return failed(errors);

  const p12Base64 = Buffer.from(await file.arrayBuffer()).toString('base64');
  const api = await apiForSession({ tenantSlug: slug });
  try {
    await api.onboarding.certificates.upload.mutate({
      purpose: purpose as CertificatePurpose,
      p12Base64,
      passphrase,
    });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info && ['BAD_INPUT', 'CONFLICT'].includes(info.appCode ?? '')) {
      const message = sentence(frenchApiError(info));
      if (info.field === 'passphrase' || /passphrase/i.test(info.message))
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
