'use server';

import { redirect } from 'next/navigation';
import { frenchApiError } from '../../../../../../lib/api-messages.ts';
import {
  COMPLEMENTARY_FIELDS,
  fieldErrorMessage,
  IPP_FIELDS,
  strictTraitErrors,
  TRAIT_FIELDS,
  traitsFrom,
  type IdentityFormField,
  type IdentityFormState,
} from '../../../../../../lib/identity-forms.ts';
import { formTexts } from '../../../../../../lib/forms.ts';
import { patientPath } from '../../../../../../lib/patients.ts';
import { apiErrorInfo } from '../../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../../server/session.ts';

const FIELDS = [...TRAIT_FIELDS, ...COMPLEMENTARY_FIELDS, ...IPP_FIELDS] as const;

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

  const errors: IdentityFormState['errors'] = strictTraitErrors(values);
  if (values['ipp.value'] && !values['ipp.authority']) {
    errors['ipp.authority'] = "Indiquez l'autorité qui a attribué cet IPP.";
  }
  if (values['ipp.authority'] && !values['ipp.value']) errors['ipp.value'] = "Indiquez l'IPP.";
  if (Object.keys(errors).length > 0) return failed(errors);

  const orNull = (v: string) => (v === '' ? null : v);
  const api = await apiForSession({ tenantSlug: slug });
  let id: string;
  try {
    const patient = await api.identity.create.mutate({
      traits: traitsFrom(values),
      complementary: {
        usedFamilyName: orNull(values['complementary.usedFamilyName']),
        usedForename: orNull(values['complementary.usedForename']),
      },
      ...(values['ipp.value']
        ? { identifiers: [{ authority: values['ipp.authority'], value: values['ipp.value'] }] }
        : {}),
    });
    id = patient.id;
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') {
      const field = fieldOf(info.field);
      if (field) return failed({ [field]: fieldErrorMessage(field, info.message) });
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

/** The form field of an API error path: `traits.birthDate`, `identifiers.0.value` → `ipp.value`. */
function fieldOf(path: string | null): IdentityFormField | null {
  if (!path) return null;
  if (path.startsWith('identifiers')) return path.endsWith('authority') ? 'ipp.authority' : 'ipp.value';
  return (FIELDS as readonly string[]).includes(path) ? (path as IdentityFormField) : null;
}
