'use server';

import { revalidatePath } from 'next/cache';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession } from '../../../../../server/session.ts';

export interface PolicyState {
  ok: boolean;
  error: string | null;
  field: string | null;
}

/** « Double authentification obligatoire » and the idle timeout of the practice. */
export async function setPolicyAction(
  slug: string,
  _previous: PolicyState,
  formData: FormData,
): Promise<PolicyState> {
  const minutes = Number(String(formData.get('idleTimeoutMinutes') ?? '').trim());
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 480) {
    return {
      ok: false,
      field: 'idleTimeoutMinutes',
      error: 'Indiquez un nombre entier de minutes, de 5 à 480.',
    };
  }
  try {
    const api = await apiForSession();
    await api.security.setPolicy.mutate({
      tenantSlug: slug,
      totpRequired: formData.get('totpRequired') === 'on',
      idleTimeoutMinutes: minutes,
    });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.field === 'idleTimeoutMinutes') {
      return {
        ok: false,
        field: 'idleTimeoutMinutes',
        error: 'Indiquez un nombre entier de minutes, de 5 à 480.',
      };
    }
    if (info?.code === 'NOT_FOUND' || info?.code === 'FORBIDDEN') {
      return {
        ok: false,
        field: null,
        error: 'Seul un administrateur de l’établissement peut changer ces règles.',
      };
    }
    throw error;
  }
  revalidatePath(`/t/${slug}/equipe/connexions`);
  return { ok: true, field: null, error: null };
}
