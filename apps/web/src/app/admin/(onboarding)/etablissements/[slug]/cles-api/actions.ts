'use server';

import { apiKeyInput } from '@rayon/schemas/onboarding';
import { revalidatePath } from 'next/cache';
import { given, parseForm } from '../../../../../../lib/forms.ts';
import { apiErrorInfo } from '../../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../../server/session.ts';
import type { CreateKeyState } from './state.ts';

const keysPath = (slug: string) => `/admin/etablissements/${encodeURIComponent(slug)}/cles-api`;

export async function createApiKeyAction(
  tenantSlug: string,
  previous: CreateKeyState,
  formData: FormData,
): Promise<CreateKeyState> {
  const name = String(formData.get('name') ?? '').trim();
  const scopes = formData.getAll('scopes').map(String);
  const attempt = previous.attempt + 1;
  const failed = (errors: CreateKeyState['errors'], formError: string | null = null): CreateKeyState => ({
    attempt,
    values: { name, scopes },
    errors,
    formError,
    created: null,
  });

  const input = parseForm(apiKeyInput, { tenantSlug, name: given(name), scopes });
  if (!input.ok) return failed(input.errors);

  const api = await apiForSession();
  try {
    const { key, secret } = await api.onboarding.apiKeys.create.mutate(input.data);
    revalidatePath(keysPath(tenantSlug));
    return {
      attempt,
      values: { name: '', scopes: [] },
      errors: {},
      formError: null,
      created: { name: key.name, secret },
    };
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') {
      return failed({}, 'Les informations saisies sont invalides.');
    }
    if (info?.appCode === 'CONFLICT' || info?.code === 'CONFLICT') {
      return failed(
        {},
        info.field === 'name' ? 'Une clé porte déjà ce nom.' : "La clé n'a pas pu être créée.",
      );
    }
    handleApiError(error);
  }
}

export async function revokeApiKeyAction(tenantSlug: string, formData: FormData): Promise<void> {
  const id = String(formData.get('id') ?? '');
  if (!id) return;
  const api = await apiForSession();
  try {
    await api.onboarding.apiKeys.revoke.mutate({ tenantSlug, id });
  } catch (error) {
    handleApiError(error);
  }
  revalidatePath(keysPath(tenantSlug));
}
