'use server';

import { revalidatePath } from 'next/cache';
import { pscMessage } from '../../../../../../lib/psc.ts';
import { apiErrorInfo } from '../../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../../server/session.ts';

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

export interface PscRequiredState {
  attempt: number;
  error: string | null;
}

/**
 * « Pro Santé Connect obligatoire pour les professionnels de santé »: the switch posts the new
 * value alone; the practice's other rules are sent back as they are now (the API's setPolicy
 * takes them all), read just before rather than from a page that may be old.
 */
export async function setPscRequiredAction(
  slug: string,
  previous: PscRequiredState,
  formData: FormData,
): Promise<PscRequiredState> {
  const attempt = previous.attempt + 1;
  const api = await apiForSession({ tenantSlug: slug });
  try {
    const policy = await api.security.policy.query({ tenantSlug: slug });
    await api.security.setPolicy.mutate({
      tenantSlug: slug,
      totpRequired: policy.totpRequired,
      idleTimeoutMinutes: policy.idleTimeoutMinutes,
      pscRequired: formData.get('value') === 'true',
    });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.code === 'NOT_FOUND' || info?.code === 'FORBIDDEN') {
      return { attempt, error: 'Seul un administrateur de l’établissement peut changer ces règles.' };
    }
    if (info?.reason === 'psc.not_configured') {
      return { attempt, error: pscMessage('not_configured') };
    }
    handleApiError(error);
  }
  revalidatePath(`/t/${slug}/equipe/connexions`);
  return { attempt, error: null };
}
