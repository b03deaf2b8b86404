'use server';

import { redirect } from 'next/navigation';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';
import {
  CONFLICT_FIELD_MESSAGES,
  INVALID_FIELD_MESSAGES,
  isOnboardingField,
  ONBOARDING_FIELDS,
  REQUIRED_FIELDS,
  type OnboardingState,
  type OnboardingValues,
} from './fields.ts';

export async function onboardAction(previous: OnboardingState, formData: FormData): Promise<OnboardingState> {
  const values = Object.fromEntries(
    ONBOARDING_FIELDS.map((f) => [f, String(formData.get(f) ?? '').trim()]),
  ) as OnboardingValues;
  const attempt = previous.attempt + 1;

  const missing = REQUIRED_FIELDS.filter((f) => values[f] === '');
  if (missing.length > 0) {
    return {
      attempt,
      values,
      errors: Object.fromEntries(missing.map((f) => [f, 'Ce champ est obligatoire.'])),
      formError: null,
    };
  }

  const optional = (v: string) => (v === '' ? undefined : v);
  const api = await apiForSession();
  let result;
  try {
    result = await api.onboarding.tenants.onboard.mutate({
      name: values.name,
      slug: values.slug,
      finess: optional(values.finess),
      siret: optional(values.siret),
      firstSite: {
        name: values['firstSite.name'],
        finess: optional(values['firstSite.finess']),
        city: optional(values['firstSite.city']),
      },
      admin: { email: values['admin.email'], displayName: values['admin.displayName'] },
    });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (
      info?.appCode === 'BAD_INPUT' ||
      info?.appCode === 'CONFLICT' ||
      info?.code === 'BAD_REQUEST' ||
      info?.code === 'CONFLICT'
    ) {
      const isConflict = info.appCode === 'CONFLICT' || info.code === 'CONFLICT';
      if (isOnboardingField(info.field)) {
        const message =
          (isConflict ? CONFLICT_FIELD_MESSAGES[info.field] : undefined) ??
          INVALID_FIELD_MESSAGES[info.field];
        return { attempt, values, errors: { [info.field]: message }, formError: null };
      }
      return {
        attempt,
        values,
        errors: {},
        formError: isConflict
          ? 'Cet établissement existe déjà.'
          : `Les informations saisies sont invalides${info.field ? ` (${info.field})` : ''}.`,
      };
    }
    handleApiError(error);
  }
  // The invitation went by e-mail: the page says so. Otherwise its link is shown this once.
  const next = result.invitation.link
    ? `invitation=${encodeURIComponent(result.invitation.link.split('/').at(-1)!)}`
    : `invitationSentTo=${encodeURIComponent(result.invitation.email)}`;
  redirect(`/admin/etablissements/${encodeURIComponent(result.tenant.slug)}?${next}`);
}
