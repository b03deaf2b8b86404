'use server';

import { redirect } from 'next/navigation';
import { frenchApiError, sentence } from '../../../../../../../lib/api-messages.ts';
import { patientPath } from '../../../../../../../lib/patients.ts';
import { apiErrorInfo } from '../../../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../../../server/session.ts';

export interface MergeState {
  attempt: number;
  error: string | null;
  confirmError: string | null;
}

/** Merges the duplicate into the record kept, once the person confirmed it is the same person. */
export async function mergeAction(
  target: { slug: string; ids: [string, string] },
  previous: MergeState,
  formData: FormData,
): Promise<MergeState> {
  const attempt = previous.attempt + 1;
  const survivorId = String(formData.get('survivorId') ?? '');
  if (!target.ids.includes(survivorId)) {
    return { attempt, error: 'Choisissez le dossier à conserver.', confirmError: null };
  }
  if (formData.get('confirm') !== 'on') {
    return {
      attempt,
      error: null,
      confirmError: 'Cochez la confirmation : la fusion ne peut pas être annulée.',
    };
  }
  const absorbedId = target.ids.find((i) => i !== survivorId)!;
  const api = await apiForSession({ tenantSlug: target.slug });
  try {
    await api.identity.merge.mutate({ survivorId, absorbedId, confirm: true });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (
      info &&
      (info.appCode === 'CONFLICT' ||
        info.appCode === 'BAD_INPUT' ||
        info.code === 'CONFLICT' ||
        info.code === 'BAD_REQUEST')
    ) {
      return { attempt, error: sentence(frenchApiError(info)), confirmError: null };
    }
    handleApiError(error);
  }
  redirect(`${patientPath(target.slug, survivorId)}?fusion=1`);
}
