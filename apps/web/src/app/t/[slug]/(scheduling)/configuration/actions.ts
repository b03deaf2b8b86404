'use server';

import { ISO_WEEKDAYS, normaliseAdeli } from '@rayon/domain';
import { examTypeInput, modalityInput, referrerInput, roomInput } from '@rayon/schemas/scheduling';
import { revalidatePath } from 'next/cache';
import { frenchApiError, sentence } from '../../../../../lib/api-messages.ts';
import {
  callersFieldError,
  callersFieldOf,
  callingAeTitlesError,
} from '../../../../../lib/modality-callers.ts';
import { formTexts, given, integerOrText, parseForm, type FormResult } from '../../../../../lib/forms.ts';
import { parseLines } from '../../../../../lib/lines.ts';
import { configurationPath, parseOpeningHours, referrerPath } from '../../../../../lib/scheduling.ts';
import { apiErrorInfo } from '../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';
import type { ConfigFormState } from './state.ts';

/** The errors of what a form reads from text here (lists one entry per line, opening hours) join the schema's. */
function withErrors<T>(result: FormResult<T>, errors: Record<string, string>): FormResult<T> {
  if (Object.keys(errors).length === 0) return result;
  return { ok: false, errors: { ...(result.ok ? {} : result.errors), ...errors } };
}

const hoursFields = ISO_WEEKDAYS.map((d) => `hours.${d}`);

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
  /** The French sentence for a refused field, when the API's own message is not the one to show. */
  messageOf: (apiField: string) => string | undefined = () => undefined,
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
      const message = (info.field && messageOf(info.field)) || sentence(frenchApiError(info));
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

/** The API field of a modality form's field: list entries and opening hours by day. */
const modalityFieldOf = (f: string) =>
  f.startsWith('openingHours.') ? `hours.${f.split('.')[1]}` : (callersFieldOf(f) ?? f);

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
  // The lists (one entry per line) and the opening hours are read from their text here.
  const errors: Record<string, string> = {};
  const callingAeTitles = parseLines(values.callingAeTitles!);
  const aeError = callingAeTitlesError(callingAeTitles);
  if (aeError) errors.callingAeTitles = aeError;
  const hours = parseOpeningHours(Object.fromEntries(ISO_WEEKDAYS.map((d) => [d, values[`hours.${d}`]])));
  for (const [d, e] of Object.entries(hours.errors)) errors[`hours.${d}`] = e;
  const input = {
    roomId: given(values.roomId!),
    name: given(values.name!),
    type: values.type,
    aeTitle: values.aeTitle!.toUpperCase(),
    openingHours: hours.value,
    callingAeTitles,
    allowedSources: parseLines(values.allowedSources!),
  };
  return submit(
    slug,
    previous,
    values,
    withErrors(parseForm(modalityInput, input), errors),
    (api, input) => api.scheduling.modalities.create.mutate(input),
    `Modalité « ${values.name} » ajoutée.`,
    modalityFieldOf,
    callersFieldError,
  );
}

/** Who may speak DICOM for a modality: its calling AE titles, addresses and certificates. */
export async function setModalityCallersAction(
  target: { slug: string; id: string },
  previous: ConfigFormState,
  formData: FormData,
) {
  const values = formTexts(formData, ['callingAeTitles', 'allowedSources', 'clientCertFingerprints']);
  const callingAeTitles = parseLines(values.callingAeTitles);
  const errors: Record<string, string> = {};
  const aeError = callingAeTitlesError(callingAeTitles);
  if (aeError) errors.callingAeTitles = aeError;
  return submit(
    target.slug,
    previous,
    values,
    withErrors(
      {
        ok: true,
        data: {
          id: target.id,
          callingAeTitles,
          allowedSources: parseLines(values.allowedSources),
          clientCertFingerprints: parseLines(values.clientCertFingerprints),
        },
      },
      errors,
    ),
    (api, input) => api.scheduling.modalities.setCallers.mutate(input),
    'Appelants DICOM enregistrés.',
    modalityFieldOf,
    callersFieldError,
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
  const hours = parseOpeningHours(Object.fromEntries(ISO_WEEKDAYS.map((d) => [d, values[`hours.${d}`]])));
  const errors: Record<string, string> = {};
  for (const [d, e] of Object.entries(hours.errors)) errors[`hours.${d}`] = e;
  return submit(
    target.slug,
    previous,
    values,
    withErrors({ ok: true, data: { id: target.id, openingHours: hours.value } }, errors),
    (api, input) => api.scheduling.modalities.setOpeningHours.mutate(input),
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
