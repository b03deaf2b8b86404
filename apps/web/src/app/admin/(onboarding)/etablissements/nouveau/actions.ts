'use server';

import { onboardInput } from '@rayon/schemas/onboarding';
import { redirect } from 'next/navigation';
import { frenchApiError, sentence } from '../../../../../lib/api-messages.ts';
import { formTexts, given, parseForm } from '../../../../../lib/forms.ts';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';
import {
  CONFLICT_FIELD_MESSAGES,
  isOnboardingField,
  ONBOARDING_FIELDS,
  type OnboardingState,
} from './fields.ts';

export async function onboardAction(previous: OnboardingState, formData: FormData): Promise<OnboardingState> {
  const values = formTexts(formData, ONBOARDING_FIELDS);
  const attempt = previous.attempt + 1;
  const failed = (errors: OnboardingState['errors'], formError: string | null = null): OnboardingState => ({
    attempt,
    values,
    errors,
    formError,
  });
  const input = parseForm(onboardInput, {
    name: given(values.name),
    slug: given(values.slug),
    finess: given(values.finess),
    siret: given(values.siret),
    firstSite: {
      name: given(values['firstSite.name']),
      finess: given(values['firstSite.finess']),
      city: given(values['firstSite.city']),
    },
    admin: { email: given(values['admin.email']), displayName: given(values['admin.displayName']) },
  });
  if (!input.ok) return failed(input.errors);

  const api = await apiForSession();
  let result;
  try {
    result = await api.onboarding.tenants.onboard.mutate(input.data);
  } catch (error) {
    const info = apiErrorInfo(error);
    if (
      info?.appCode === 'BAD_INPUT' ||
      info?.appCode === 'CONFLICT' ||
      info?.code === 'BAD_REQUEST' ||
      info?.code === 'CONFLICT'
    ) {
      const isConflict = info.appCode === 'CONFLICT' || info.code === 'CONFLICT';
      // A taken identifier or FINESS is named next to its field; the form's own rules are the schema's.
      const field = isConflict && isOnboardingField(info.field) ? info.field : null;
      const message = field ? CONFLICT_FIELD_MESSAGES[field] : undefined;
      if (field && message) return failed({ [field]: message });
      return failed({}, isConflict ? 'Cet établissement existe déjà.' : sentence(frenchApiError(info)));
    }
    handleApiError(error);
  }
  // The invitation went by e-mail: the page says so. Otherwise its link is shown this once.
  const next = result.invitation.link
    ? `invitation=${encodeURIComponent(result.invitation.link.split('/').at(-1)!)}`
    : `invitationSentTo=${encodeURIComponent(result.invitation.email)}`;
  redirect(`/admin/etablissements/${encodeURIComponent(result.tenant.slug)}?${next}`);
}
