'use server';

import { revalidatePath } from 'next/cache';
import { frenchApiError, sentence } from '../../../../../lib/api-messages.ts';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';

export interface NameMatchingState {
  attempt: number;
  error: string | null;
}

/**
 * The practice's worklist name matching (practice administrator): with accents (the default) or
 * without (`NOEL*` typed at a modality finds NOËL).
 */
export async function setNameMatchingAction(
  slug: string,
  previous: NameMatchingState,
  formData: FormData,
): Promise<NameMatchingState> {
  const attempt = previous.attempt + 1;
  const api = await apiForSession({ tenantSlug: slug });
  try {
    await api.scheduling.worklist.set.mutate({ accentInsensitiveNames: formData.get('value') === 'true' });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') {
      return { attempt, error: sentence(frenchApiError(info)) };
    }
    handleApiError(error);
  }
  revalidatePath(`/t/${encodeURIComponent(slug)}/liste-de-travail`);
  return { attempt, error: null };
}
