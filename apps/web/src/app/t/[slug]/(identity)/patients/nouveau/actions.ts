'use server';

import { createPatientInput } from '@rayon/schemas/identity';
import { redirect } from 'next/navigation';
import { frenchApiError } from '../../../../../../lib/api-messages.ts';
import {
  COMPLEMENTARY_FIELDS,
  complementaryFrom,
  IPP_FIELDS,
  TRAIT_FIELDS,
  traitsFrom,
  type IdentityFormState,
} from '../../../../../../lib/identity-forms.ts';
import { formTexts, given, parseForm } from '../../../../../../lib/forms.ts';
import { patientPath } from '../../../../../../lib/patients.ts';
import { apiErrorInfo } from '../../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../../server/session.ts';

const FIELDS = [...TRAIT_FIELDS, ...COMPLEMENTARY_FIELDS, ...IPP_FIELDS] as const;

/** The IPP's schema paths → the form's fields. */
const IPP_PATHS = { 'identifiers.0.authority': 'ipp.authority', 'identifiers.0.value': 'ipp.value' };

export async function createPatientAction(
  slug: string,
  previous: IdentityFormState,
  formData: FormData,
): Promise<IdentityFormState> {
  const values = formTexts(formData, FIELDS);
  const attempt = previous.attempt + 1;
  const failed = (
    errors: IdentityFormState['errors'],
    formError: string | null = null,
  ): IdentityFormState => ({
    attempt,
    values,
    errors,
    formError,
    notice: null,
  });

  // An IPP typed, or its authority alone: the schema asks for the other.
  const ipp = { authority: given(values['ipp.authority']), value: given(values['ipp.value']) };
  const input = parseForm(
    createPatientInput,
    {
      traits: traitsFrom(values),
      complementary: complementaryFrom(values),
      ...(ipp.authority || ipp.value ? { identifiers: [ipp] } : {}),
    },
    IPP_PATHS,
  );
  if (!input.ok) return failed(input.errors);

  const api = await apiForSession({ tenantSlug: slug });
  let id: string;
  try {
    ({ id } = await api.identity.create.mutate(input.data));
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') {
      return failed({}, `Les informations saisies sont invalides : ${frenchApiError(info)}`);
    }
    if (info?.appCode === 'CONFLICT' || info?.code === 'CONFLICT') {
      if (info.field?.startsWith('identifiers')) {
        return failed({ 'ipp.value': frenchApiError(info) });
      }
      return failed({}, frenchApiError(info));
    }
    handleApiError(error);
  }
  redirect(`${patientPath(slug, id)}?cree=1`);
}
