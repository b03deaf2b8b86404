'use server';

import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { frenchApiError, sentence } from '../../../../../lib/api-messages.ts';
import { demandePath, deskPath } from '../../../../../lib/scheduling.ts';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';
import { zonedDate } from '@rayon/domain';

export type OrderField = 'examTypeIds' | 'referrerId' | 'urgency' | 'clinicalInfo';

export interface OrderFormState {
  attempt: number;
  values: { examTypeIds: string[]; referrerId: string; urgency: string; clinicalInfo: string } | null;
  errors: Partial<Record<OrderField, string>>;
  formError: string | null;
}

/** Creates the demande d'examen, then opens it to pick a slot for its first exam. */
export async function createOrderAction(
  target: { slug: string; patientId: string },
  previous: OrderFormState,
  formData: FormData,
): Promise<OrderFormState> {
  const attempt = previous.attempt + 1;
  const values = {
    examTypeIds: formData.getAll('examTypeIds').map(String).filter(Boolean),
    referrerId: String(formData.get('referrerId') ?? ''),
    urgency: String(formData.get('urgency') ?? 'routine'),
    clinicalInfo: String(formData.get('clinicalInfo') ?? '').trim(),
  };
  const failed = (errors: OrderFormState['errors'], formError: string | null = null): OrderFormState => ({
    attempt,
    values,
    errors,
    formError,
  });
  const errors: OrderFormState['errors'] = {};
  if (values.examTypeIds.length === 0) errors.examTypeIds = 'Choisissez au moins un examen.';
  if (values.urgency !== 'routine' && values.urgency !== 'urgent') errors.urgency = "Indiquez l'urgence.";
  if (values.clinicalInfo.length > 4000) errors.clinicalInfo = '4 000 caractères au plus.';
  if (Object.keys(errors).length > 0) return failed(errors);

  const api = await apiForSession({ tenantSlug: target.slug });
  let orderId: string;
  try {
    const order = await api.scheduling.orders.create.mutate({
      patientId: target.patientId,
      examTypeIds: values.examTypeIds,
      urgency: values.urgency as 'routine' | 'urgent',
      referrerId: values.referrerId || null,
      clinicalInfo: values.clinicalInfo || null,
    });
    orderId = order.id;
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') {
      const field = info.field?.split('.')[0];
      if (field === 'examTypeIds') return failed({ examTypeIds: "Cet examen n'est plus au catalogue." });
      if (field === 'referrerId') return failed({ referrerId: 'Prescripteur inconnu.' });
      return failed({}, sentence(frenchApiError(info)));
    }
    handleApiError(error);
  }
  revalidatePath(`/t/${encodeURIComponent(target.slug)}`, 'layout');
  redirect(demandePath(target.slug, orderId, { creee: '1' }));
}

export interface BookState {
  attempt: number;
  error: string | null;
}

/** Books (or moves) one exam on the chosen slot, then shows it in the desk's day. */
export async function bookAction(
  target: { slug: string; examId: string; examTypeId: string | null },
  previous: BookState,
  formData: FormData,
): Promise<BookState> {
  const attempt = previous.attempt + 1;
  // A slot is `<modality id>|<start instant>`.
  const [modalityId = '', startsAt = ''] = String(formData.get('slot') ?? '').split('|');
  if (!modalityId || !startsAt) return { attempt, error: 'Choisissez un créneau.' };
  const api = await apiForSession({ tenantSlug: target.slug });
  let appointment: { id: string; startsAt: string };
  try {
    appointment = await api.scheduling.appointments.book.mutate({
      examId: target.examId,
      modalityId,
      startsAt,
      ...(target.examTypeId ? { examTypeId: target.examTypeId } : {}),
    });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.appCode === 'CONFLICT' || info?.code === 'CONFLICT') {
      return {
        attempt,
        error:
          info.reason === 'scheduling.slot.taken'
            ? "Ce créneau vient d'être pris : choisissez-en un autre."
            : "L'examen a changé entre-temps : rechargez la page.",
      };
    }
    if (info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') {
      return { attempt, error: sentence(frenchApiError(info)) };
    }
    handleApiError(error);
  }
  revalidatePath(`/t/${encodeURIComponent(target.slug)}`, 'layout');
  const date = zonedDate(new Date(appointment.startsAt));
  redirect(`${deskPath(target.slug, date)}&rdv=${encodeURIComponent(appointment.id)}`);
}
