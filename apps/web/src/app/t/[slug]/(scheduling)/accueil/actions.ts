'use server';

import { revalidatePath } from 'next/cache';
import { frenchApiError, sentence } from '../../../../../lib/api-messages.ts';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';

export type ExamStatusTarget = {
  slug: string;
  examId: string;
  status: 'arrived' | 'no_show' | 'requested' | 'in_progress' | 'completed';
};

export interface SmallActionState {
  attempt: number;
  error: string | null;
}

/**
 * Arrivée, absent, annulation du rendez-vous (the exam goes back to the demandes to schedule),
 * start and end of the exam at the modality. Refusals (another person changed the exam meanwhile)
 * come back in French next to the button.
 */
export async function setExamStatusAction(
  target: ExamStatusTarget,
  previous: SmallActionState,
): Promise<SmallActionState> {
  const attempt = previous.attempt + 1;
  const api = await apiForSession({ tenantSlug: target.slug });
  try {
    await api.scheduling.exams.setStatus.mutate({ examId: target.examId, status: target.status });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.appCode === 'CONFLICT' || info?.code === 'CONFLICT') {
      return { attempt, error: "L'examen a changé entre-temps : rechargez la page." };
    }
    if (info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') {
      return { attempt, error: sentence(frenchApiError(info)) };
    }
    handleApiError(error);
  }
  revalidatePath(`/t/${encodeURIComponent(target.slug)}`, 'layout');
  return { attempt, error: null };
}
