'use server';

import { API_SCOPES } from '@rayon/domain';
import { revalidatePath } from 'next/cache';
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
  const scopes = formData
    .getAll('scopes')
    .map(String)
    .filter((s) => (API_SCOPES as readonly string[]).includes(s));
  const attempt = previous.attempt + 1;
  const failed = (errors: CreateKeyState['errors'], formError: string | null = null): CreateKeyState => ({
    attempt,
    values: { name, scopes },
    errors,
    formError,
    created: null,
  });

  const errors: CreateKeyState['errors'] = {};
  if (!name) errors.name = 'Ce champ est obligatoire.';
  if (scopes.length === 0) errors.scopes = 'Choisissez au moins un droit.';
  if (errors.name || errors.scopes) return failed(errors);

  const api = await apiForSession();
  try {
    const { key, secret } = await api.onboarding.apiKeys.create.mutate({
      tenantSlug,
      name,
      scopes: scopes as (typeof API_SCOPES)[number][],
    });
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
      if (info.field === 'name') return failed({ name: 'Nom invalide.' });
      if (info.field?.startsWith('scopes')) return failed({ scopes: 'Droits invalides.' });
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
