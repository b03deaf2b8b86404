'use server';

import { revalidatePath } from 'next/cache';
import { frenchApiError, sentence } from '../../../../../../lib/api-messages.ts';
import type { DistributionSettings } from '@rayon/domain';
import { cancelDeliveryInput, distributionSettingsInput } from '@rayon/schemas/delivery';
import {
  DISTRIBUTION_FIELDS,
  distributionFormValues,
  distributionInput,
  readDistributionForm,
  type DistributionFormValues,
} from '../../../../../../lib/delivery.ts';
import { given, parseForm } from '../../../../../../lib/forms.ts';
import { reportsPath } from '../../../../../../lib/reports.ts';
import { apiErrorInfo } from '../../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../../server/session.ts';

export interface RetryState {
  attempt: number;
  error: string | null;
}

/** « Réessayer »: a send that failed for good goes back to the queue. */
export async function retryDeliveryAction(
  target: { slug: string; id: string },
  previous: RetryState,
): Promise<RetryState> {
  const attempt = previous.attempt + 1;
  const api = await apiForSession({ tenantSlug: target.slug });
  try {
    await api.delivery.retry.mutate({ id: target.id });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info && (info.appCode === 'CONFLICT' || info.code === 'CONFLICT')) {
      revalidatePath(reportsPath(target.slug), 'layout');
      if (info.reason === 'delivery.version_replaced' || info.reason === 'delivery.version_withdrawn') {
        return { attempt, error: frenchApiError(info) };
      }
      // Someone (or another tab) already sent it again: the page shows where it stands now.
      return { attempt, error: "Cet envoi n'est plus en échec : rechargez la page pour voir son état." };
    }
    handleApiError(error);
  }
  revalidatePath(reportsPath(target.slug), 'layout');
  return { attempt, error: null };
}

export interface CancelState {
  attempt: number;
  error: string | null;
}

/** « Annuler l'envoi »: a pending send is cancelled (never sent), with the person's reason. */
export async function cancelDeliveryAction(
  target: { slug: string; id: string },
  previous: CancelState,
  formData: FormData,
): Promise<CancelState> {
  const attempt = previous.attempt + 1;
  const parsed = parseForm(cancelDeliveryInput, {
    reason: given(String(formData.get('reason') ?? '').trim()),
  });
  if (!parsed.ok) return { attempt, error: parsed.errors.reason ?? null };
  const api = await apiForSession({ tenantSlug: target.slug });
  try {
    await api.delivery.cancel.mutate({ id: target.id, ...parsed.data });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info && (info.appCode === 'CONFLICT' || info.code === 'CONFLICT')) {
      revalidatePath(reportsPath(target.slug), 'layout');
      return { attempt, error: "Cet envoi n'est plus en attente : rechargez la page pour voir son état." };
    }
    handleApiError(error);
  }
  revalidatePath(reportsPath(target.slug), 'layout');
  return { attempt, error: null };
}

export interface DistributionSettingsState {
  attempt: number;
  values: DistributionFormValues | null;
  errors: Record<string, string>;
  formError: string | null;
  notice: string | null;
}

/** The practice's distribution: DMP, MSSanté (and the patient's mailbox), PFI (practice administrators). */
export async function saveDistributionSettingsAction(
  slug: string,
  previous: DistributionSettingsState,
  formData: FormData,
): Promise<DistributionSettingsState> {
  const attempt = previous.attempt + 1;
  const values = readDistributionForm(formData);
  const parsed = parseForm(distributionSettingsInput, distributionInput(values), DISTRIBUTION_FIELDS);
  if (!parsed.ok) return { attempt, values, errors: parsed.errors, formError: null, notice: null };
  const api = await apiForSession({ tenantSlug: slug });
  let saved: DistributionSettings = parsed.data;
  try {
    saved = await api.delivery.settings.set.mutate(parsed.data);
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info && (info.appCode === 'BAD_INPUT' || info.code === 'BAD_REQUEST')) {
      const message = sentence(frenchApiError(info));
      // A field the form has (e.g. pfi.host → pfiHost): the error goes next to it.
      const field = info.field ? DISTRIBUTION_FIELDS[info.field] : undefined;
      return {
        attempt,
        values,
        errors: field ? { [field]: message } : {},
        formError: field ? null : message,
        notice: null,
      };
    }
    handleApiError(error);
  }
  revalidatePath(reportsPath(slug), 'layout');
  return {
    attempt,
    values: distributionFormValues(saved),
    errors: {},
    formError: null,
    notice: 'Paramètres de diffusion enregistrés. Ils valent pour les prochains comptes rendus validés.',
  };
}
