'use server';

import { isValidAdeli, ISO_WEEKDAYS, MODALITY_TYPES, normaliseAdeli, type ModalityType } from '@rayon/domain';
import { revalidatePath } from 'next/cache';
import { frenchApiError, sentence } from '../../../../lib/api-messages.ts';
import { callersFieldError, callersFieldOf, callingAeTitlesError } from '../../../../lib/modality-callers.ts';
import { parseLines } from '../../../../lib/lines.ts';
import { configurationPath, parseOpeningHours, referrerPath } from '../../../../lib/scheduling.ts';
import { apiErrorInfo } from '../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../server/session.ts';
import type { ConfigFormState } from './state.ts';

function read(formData: FormData, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, String(formData.get(n) ?? '').trim()]));
}

const hoursFields = ISO_WEEKDAYS.map((d) => `hours.${d}`);

/** Runs one API call of a configuration form; refusals come back in French, by field when known. */
async function submit(
  slug: string,
  previous: ConfigFormState,
  values: Record<string, string>,
  errors: Record<string, string>,
  call: (api: Awaited<ReturnType<typeof apiForSession>>) => Promise<unknown>,
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
  if (Object.keys(errors).length > 0) return failed(errors);
  const api = await apiForSession({ tenantSlug: slug });
  try {
    await call(api);
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
  const values = read(formData, ['siteId', 'name']);
  const errors: Record<string, string> = {};
  if (!values.siteId) errors.siteId = 'Choisissez le site.';
  if (!values.name) errors.name = 'Indiquez le nom de la salle.';
  return submit(
    slug,
    previous,
    values,
    errors,
    (api) => api.scheduling.rooms.create.mutate({ siteId: values.siteId!, name: values.name! }),
    `Salle « ${values.name} » ajoutée.`,
  );
}

/** The API field of a modality form's field: list entries and opening hours by day. */
const modalityFieldOf = (f: string) =>
  f.startsWith('openingHours.') ? `hours.${f.split('.')[1]}` : (callersFieldOf(f) ?? f);

export async function createModalityAction(slug: string, previous: ConfigFormState, formData: FormData) {
  const values = read(formData, [
    'roomId',
    'name',
    'type',
    'aeTitle',
    'callingAeTitles',
    'allowedSources',
    ...hoursFields,
  ]);
  const errors: Record<string, string> = {};
  if (!values.roomId) errors.roomId = 'Choisissez la salle.';
  if (!values.name) errors.name = 'Indiquez le nom de la modalité.';
  if (!(MODALITY_TYPES as readonly string[]).includes(values.type!)) errors.type = 'Choisissez le type.';
  if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(values.aeTitle!) || !values.aeTitle!.trim()) {
    errors.aeTitle = 'Le titre AE compte 1 à 16 caractères (lettres, chiffres, _ ; sans accent ni « \\ »).';
  }
  const callingAeTitles = parseLines(values.callingAeTitles!);
  const allowedSources = parseLines(values.allowedSources!);
  const aeError = callingAeTitlesError(callingAeTitles);
  if (aeError) errors.callingAeTitles = aeError;
  const hours = parseOpeningHours(Object.fromEntries(ISO_WEEKDAYS.map((d) => [d, values[`hours.${d}`]])));
  for (const [d, e] of Object.entries(hours.errors)) errors[`hours.${d}`] = e;
  return submit(
    slug,
    previous,
    values,
    errors,
    (api) =>
      api.scheduling.modalities.create.mutate({
        roomId: values.roomId!,
        name: values.name!,
        type: values.type as ModalityType,
        aeTitle: values.aeTitle!.trim().toUpperCase(),
        openingHours: hours.value,
        callingAeTitles,
        allowedSources,
      }),
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
  const values = read(formData, ['callingAeTitles', 'allowedSources', 'clientCertFingerprints']);
  const callingAeTitles = parseLines(values.callingAeTitles!);
  const errors: Record<string, string> = {};
  const aeError = callingAeTitlesError(callingAeTitles);
  if (aeError) errors.callingAeTitles = aeError;
  return submit(
    target.slug,
    previous,
    values,
    errors,
    (api) =>
      api.scheduling.modalities.setCallers.mutate({
        id: target.id,
        callingAeTitles,
        allowedSources: parseLines(values.allowedSources!),
        clientCertFingerprints: parseLines(values.clientCertFingerprints!),
      }),
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
    {},
    (api) => api.scheduling.modalities[target.op].mutate({ id: target.id }),
    LIFECYCLE_NOTICES[target.op],
  );
}

export async function setOpeningHoursAction(
  target: { slug: string; id: string },
  previous: ConfigFormState,
  formData: FormData,
) {
  const values = read(formData, hoursFields);
  const hours = parseOpeningHours(Object.fromEntries(ISO_WEEKDAYS.map((d) => [d, values[`hours.${d}`]])));
  const errors: Record<string, string> = {};
  for (const [d, e] of Object.entries(hours.errors)) errors[`hours.${d}`] = e;
  return submit(
    target.slug,
    previous,
    values,
    errors,
    (api) => api.scheduling.modalities.setOpeningHours.mutate({ id: target.id, openingHours: hours.value }),
    "Horaires d'ouverture enregistrés. Les rendez-vous déjà pris ne sont pas déplacés.",
    modalityFieldOf,
  );
}

export async function createExamTypeAction(slug: string, previous: ConfigFormState, formData: FormData) {
  const values = read(formData, [
    'label',
    'ccamCode',
    'loincCode',
    'loincLabel',
    'modalityType',
    'durationMinutes',
    'preparation',
  ]);
  const errors: Record<string, string> = {};
  if (!values.label) errors.label = "Indiquez le libellé de l'examen.";
  const ccam = values.ccamCode!.toUpperCase();
  if (ccam && !/^[A-Z]{4}\d{3}$/.test(ccam)) errors.ccamCode = 'Un code CCAM compte 4 lettres et 3 chiffres.';
  const loinc = values.loincCode!;
  if (loinc && !/^\d{1,7}-\d$/.test(loinc))
    errors.loincCode = 'Un code LOINC s’écrit chiffres, tiret, clé (ex. 24627-2).';
  if (!(MODALITY_TYPES as readonly string[]).includes(values.modalityType!)) {
    errors.modalityType = 'Choisissez le type de modalité.';
  }
  const duration = Number(values.durationMinutes);
  if (!Number.isInteger(duration) || duration < 5 || duration > 480) {
    errors.durationMinutes = 'Une durée entre 5 et 480 minutes.';
  }
  return submit(
    slug,
    previous,
    values,
    errors,
    (api) =>
      api.scheduling.examTypes.create.mutate({
        label: values.label!,
        ccamCode: ccam || null,
        loinc: loinc ? { code: loinc, label: values.loincLabel || values.label! } : null,
        modalityType: values.modalityType as ModalityType,
        durationMinutes: duration,
        preparation: values.preparation || null,
      }),
    `Examen « ${values.label} » ajouté au catalogue.`,
  );
}

const REFERRER_FIELDS = ['rpps', 'adeli', 'familyName', 'givenName', 'specialty', 'mssanteAddress'] as const;

/** A referrer's form read and checked (French messages by field); the ADELI without spaces, upper case. */
function readReferrer(formData: FormData) {
  const values = read(formData, REFERRER_FIELDS);
  values.adeli = normaliseAdeli(values.adeli ?? '');
  const errors: Record<string, string> = {};
  if (values.rpps && !/^\d{11}$/.test(values.rpps)) errors.rpps = 'Le numéro RPPS compte 11 chiffres.';
  if (values.adeli && !isValidAdeli(values.adeli)) {
    errors.adeli =
      'Le numéro ADELI compte 9 caractères : le département (2 chiffres, 2A ou 2B) puis 7 chiffres.';
  }
  if (!values.familyName) errors.familyName = 'Indiquez le nom.';
  if (values.mssanteAddress && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(values.mssanteAddress)) {
    errors.mssanteAddress = 'Adresse de messagerie invalide.';
  }
  const input = {
    rpps: values.rpps || null,
    adeli: values.adeli || null,
    familyName: values.familyName!,
    givenName: values.givenName || null,
    specialty: values.specialty || null,
    mssanteAddress: values.mssanteAddress || null,
  };
  return { values, errors, input };
}

export async function createReferrerAction(slug: string, previous: ConfigFormState, formData: FormData) {
  const { values, errors, input } = readReferrer(formData);
  return submit(
    slug,
    previous,
    values,
    errors,
    (api) => api.scheduling.referrers.create.mutate(input),
    `Prescripteur « ${values.familyName} » ajouté.`,
  );
}

/** Edits a referrer: RPPS, ADELI, names, specialty, MSSanté address (what is left empty is cleared). */
export async function updateReferrerAction(
  target: { slug: string; id: string },
  previous: ConfigFormState,
  formData: FormData,
) {
  const { values, errors, input } = readReferrer(formData);
  const state = await submit(
    target.slug,
    previous,
    values,
    errors,
    (api) => api.scheduling.referrers.update.mutate({ id: target.id, ...input }),
    `Prescripteur « ${values.familyName} » enregistré.`,
  );
  if (!state.formError && Object.keys(state.errors).length === 0)
    revalidatePath(referrerPath(target.slug, target.id));
  return state;
}
