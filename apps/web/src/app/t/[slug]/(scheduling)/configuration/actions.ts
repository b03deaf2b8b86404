'use server';

import { ISO_WEEKDAYS, normaliseAdeli } from '@rayon/domain';
import {
  examTypeInput,
  modalityCallersForm,
  modalityForm,
  openingHoursForm,
  referrerInput,
  roomInput,
} from '@rayon/schemas/scheduling';
import { revalidatePath } from 'next/cache';
import { frenchApiError, sentence } from '../../../../../lib/api-messages.ts';
import { formTexts, given, integerOrText, parseForm, type FormResult } from '../../../../../lib/forms.ts';
import { configurationPath, referrerPath } from '../../../../../lib/scheduling.ts';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';
import type { ConfigFormState } from './state.ts';

const hoursFields = ISO_WEEKDAYS.map((d) => `hours.${d}`);
/** The opening hours typed per weekday (`hours.1` = Monday), for the form's schema. */
const hoursTexts = (values: Record<string, string>) =>
  Object.fromEntries(ISO_WEEKDAYS.map((d) => [d, values[`hours.${d}`]]));
/** The opening hours' schema paths (a day and its intervals) → the form's fields. */
const HOURS_PATHS = Object.fromEntries(ISO_WEEKDAYS.map((d) => [`openingHours.${d}`, `hours.${d}`]));
const DAY_PATHS = Object.fromEntries(ISO_WEEKDAYS.map((d) => [d, `hours.${d}`]));

/**
 * Runs one API call of a configuration form with its parsed input; refusals (the form's, then the
 * API's) come back in French, by field when known.
 */
async function submit<T>(
  slug: string,
  previous: ConfigFormState,
  values: Record<string, string>,
  input: FormResult<T>,
  call: (api: Awaited<ReturnType<typeof apiForSession>>, input: T) => Promise<unknown>,
  notice: string,
  fieldOf: (apiField: string) => string | undefined = (f) => f,
): Promise<ConfigFormState> {
  const attempt = previous.attempt + 1;
  const failed = (e: Record<string, string>, formError: string | null = null): ConfigFormState => ({
    attempt,
    values,
    errors: e,
    formError,
    notice: null,
  });
  if (!input.ok) return failed(input.errors);
  const api = await apiForSession({ tenantSlug: slug });
  try {
    await call(api, input.data);
  } catch (error) {
    const info = apiErrorInfo(error);
    const known =
      info?.appCode === 'BAD_INPUT' ||
      info?.appCode === 'CONFLICT' ||
      info?.code === 'BAD_REQUEST' ||
      info?.code === 'CONFLICT';
    if (info && known) {
      const field = info.field ? fieldOf(info.field) : undefined;
      const message = sentence(frenchApiError(info));
      if (field && field in values) return failed({ [field]: message });
      return failed({}, message);
    }
    handleApiError(error);
  }
  revalidatePath(configurationPath(slug));
  return { attempt, values: null, errors: {}, formError: null, notice };
}

export async function createRoomAction(slug: string, previous: ConfigFormState, formData: FormData) {
  const values = formTexts(formData, ['siteId', 'name']);
  return submit(
    slug,
    previous,
    values,
    parseForm(roomInput, { siteId: given(values.siteId), name: given(values.name) }),
    (api, input) => api.scheduling.rooms.create.mutate(input),
    `Salle « ${values.name} » ajoutée.`,
  );
}

/** The form field of an API field: a list's entry (`allowedSources[2]`) and a day's hours. */
const modalityFieldOf = (f: string) =>
  f.startsWith('openingHours.') ? `hours.${f.split('.')[1]}` : f.replace(/\[\d+\]$/, '');

export async function createModalityAction(slug: string, previous: ConfigFormState, formData: FormData) {
  const values = formTexts(formData, [
    'roomId',
    'name',
    'type',
    'aeTitle',
    'callingAeTitles',
    'allowedSources',
    ...hoursFields,
  ]);
  // The lists (one entry per line) and the opening hours are read from their text by the schema.
  const input = {
    roomId: given(values.roomId!),
    name: given(values.name!),
    type: values.type,
    aeTitle: values.aeTitle!.toUpperCase(),
    openingHours: hoursTexts(values),
    callingAeTitles: values.callingAeTitles,
    allowedSources: values.allowedSources,
  };
  return submit(
    slug,
    previous,
    values,
    parseForm(modalityForm, input, HOURS_PATHS),
    (api, input) => api.scheduling.modalities.create.mutate(input),
    `Modalité « ${values.name} » ajoutée.`,
    modalityFieldOf,
  );
}

/** Who may speak DICOM for a modality: its calling AE titles, addresses and certificates. */
export async function setModalityCallersAction(
  target: { slug: string; id: string },
  previous: ConfigFormState,
  formData: FormData,
) {
  const values = formTexts(formData, ['callingAeTitles', 'allowedSources', 'clientCertFingerprints']);
  return submit(
    target.slug,
    previous,
    values,
    parseForm(modalityCallersForm, values),
    (api, callers) => api.scheduling.modalities.setCallers.mutate({ id: target.id, ...callers }),
    'Appelants DICOM enregistrés.',
    modalityFieldOf,
  );
}

const LIFECYCLE_NOTICES = {
  retire: 'Modalité retirée : elle ne prend plus de rendez-vous ni de connexion DICOM.',
  reactivate: 'Modalité remise en service.',
  delete: 'Modalité supprimée.',
} as const;

/** Retires, puts back in service or deletes a modality. */
export async function modalityLifecycleAction(
  target: { slug: string; id: string; op: keyof typeof LIFECYCLE_NOTICES },
  previous: ConfigFormState,
) {
  return submit(
    target.slug,
    previous,
    {},
    { ok: true, data: { id: target.id } },
    (api, input) => api.scheduling.modalities[target.op].mutate(input),
    LIFECYCLE_NOTICES[target.op],
  );
}

export async function setOpeningHoursAction(
  target: { slug: string; id: string },
  previous: ConfigFormState,
  formData: FormData,
) {
  const values = formTexts(formData, hoursFields);
  return submit(
    target.slug,
    previous,
    values,
    parseForm(openingHoursForm, hoursTexts(values), DAY_PATHS),
    (api, openingHours) => api.scheduling.modalities.setOpeningHours.mutate({ id: target.id, openingHours }),
    "Horaires d'ouverture enregistrés. Les rendez-vous déjà pris ne sont pas déplacés.",
    modalityFieldOf,
  );
}

/** The exam type's schema paths → the form's fields. */
const EXAM_TYPE_FIELDS = { 'loinc.code': 'loincCode', 'loinc.label': 'loincLabel' };

export async function createExamTypeAction(slug: string, previous: ConfigFormState, formData: FormData) {
  const values = formTexts(formData, [
    'label',
    'ccamCode',
    'loincCode',
    'loincLabel',
    'modalityType',
    'durationMinutes',
    'preparation',
  ]);
  const input = {
    label: given(values.label),
    ccamCode: given(values.ccamCode.toUpperCase()) ?? null,
    // The LOINC label defaults to the exam's own.
    loinc: values.loincCode
      ? { code: values.loincCode, label: values.loincLabel || given(values.label) }
      : null,
    modalityType: values.modalityType,
    durationMinutes: integerOrText(values.durationMinutes),
    preparation: given(values.preparation) ?? null,
  };
  return submit(
    slug,
    previous,
    values,
    parseForm(examTypeInput, input, EXAM_TYPE_FIELDS),
    (api, parsed) => api.scheduling.examTypes.create.mutate(parsed),
    `Examen « ${values.label} » ajouté au catalogue.`,
  );
}

const REFERRER_FIELDS = ['rpps', 'adeli', 'familyName', 'givenName', 'specialty', 'mssanteAddress'] as const;

/** A referrer's form read into the shared schema's input (the ADELI shown back without spaces, upper case). */
function readReferrer(formData: FormData) {
  const values = formTexts(formData, REFERRER_FIELDS);
  values.adeli = normaliseAdeli(values.adeli);
  const input = parseForm(
    referrerInput,
    Object.fromEntries(REFERRER_FIELDS.map((f) => [f, given(values[f]) ?? null])),
  );
  return { values, input };
}

export async function createReferrerAction(slug: string, previous: ConfigFormState, formData: FormData) {
  const { values, input } = readReferrer(formData);
  return submit(
    slug,
    previous,
    values,
    input,
    (api, referrer) => api.scheduling.referrers.create.mutate(referrer),
    `Prescripteur « ${values.familyName} » ajouté.`,
  );
}

/** Edits a referrer: RPPS, ADELI, names, specialty, MSSanté address (what is left empty is cleared). */
export async function updateReferrerAction(
  target: { slug: string; id: string },
  previous: ConfigFormState,
  formData: FormData,
) {
  const { values, input } = readReferrer(formData);
  const state = await submit(
    target.slug,
    previous,
    values,
    input,
    (api, referrer) => api.scheduling.referrers.update.mutate({ id: target.id, ...referrer }),
    `Prescripteur « ${values.familyName} » enregistré.`,
  );
  if (!state.formError && Object.keys(state.errors).length === 0)
    revalidatePath(referrerPath(target.slug, target.id));
  return state;
}
