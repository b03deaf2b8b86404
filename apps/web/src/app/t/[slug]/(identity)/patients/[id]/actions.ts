'use server';

import { IDENTITY_DOCUMENT_CONTENT_TYPES, isOneOf, type IdentityDocumentContentType } from '@rayon/domain';
import { complementaryInput, documentType, recordDocumentInput, traitsInput } from '@rayon/schemas/identity';
import { revalidatePath } from 'next/cache';
import { frenchApiError, frenchReason, sentence } from '../../../../../../lib/api-messages.ts';
import {
  COMPLEMENTARY_FIELDS,
  complementaryFrom,
  TRAIT_FIELDS,
  traitsFrom,
  type ComplementaryField,
  type IdentityFormState,
  type TraitField,
} from '../../../../../../lib/identity-forms.ts';
import { formTexts, parseForm } from '../../../../../../lib/forms.ts';
import { identityStatusLabel } from '../../../../../../lib/labels.ts';
import { patientPath } from '../../../../../../lib/patients.ts';
import { apiErrorInfo } from '../../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../../server/session.ts';
import type { ActionState, InsiState } from './state.ts';

/** The schemas' paths → the forms' fields (named by the API's dotted input paths). */
const TRAIT_PATHS = Object.fromEntries(TRAIT_FIELDS.map((f) => [f.replace('traits.', ''), f]));
const COMPLEMENTARY_PATHS = Object.fromEntries(
  COMPLEMENTARY_FIELDS.map((f) => [f.replace('complementary.', ''), f]),
);

interface Target {
  slug: string;
  id: string;
}

function versionOf(formData: FormData): number {
  const v = Number(formData.get('version'));
  return Number.isInteger(v) && v > 0 ? v : 1;
}

/** The French message of an API refusal the person can act on; other errors are rethrown. */
function refusal(error: unknown): string {
  const info = apiErrorInfo(error);
  if (
    info &&
    (info.appCode === 'CONFLICT' ||
      info.appCode === 'BAD_INPUT' ||
      info.code === 'CONFLICT' ||
      info.code === 'BAD_REQUEST')
  ) {
    return sentence(frenchApiError(info));
  }
  handleApiError(error);
}

function statusChange(before: string, after: string): string {
  return before === after
    ? `Statut inchangé : ${identityStatusLabel(after)}.`
    : `Le statut passe de « ${identityStatusLabel(before)} » à « ${identityStatusLabel(after)} ».`;
}

// ---------------------------------------------------------------------------------- attributes

export async function setAttributeAction(
  target: Target,
  previous: ActionState,
  formData: FormData,
): Promise<ActionState> {
  const attempt = previous.attempt + 1;
  const name = String(formData.get('attribute') ?? '');
  if (name !== 'douteuse' && name !== 'fictive' && name !== 'homonyme') {
    return { attempt, error: 'Attribut inconnu.', notice: null };
  }
  const value = formData.get('value') === 'true';
  const api = await apiForSession({ tenantSlug: target.slug });
  try {
    await api.identity.setAttributes.mutate({
      id: target.id,
      version: versionOf(formData),
      attributes: { [name]: value },
    });
  } catch (error) {
    return { attempt, error: refusal(error), notice: null };
  }
  revalidatePath(patientPath(target.slug, target.id));
  return { attempt, error: null, notice: null };
}

// ------------------------------------------------------------------------------ strict traits

export async function changeTraitsAction(
  target: Target,
  previous: IdentityFormState<TraitField>,
  formData: FormData,
): Promise<IdentityFormState<TraitField>> {
  const values = formTexts(formData, TRAIT_FIELDS);
  const attempt = previous.attempt + 1;
  const failed = (
    errors: IdentityFormState<TraitField>['errors'],
    formError: string | null = null,
  ): IdentityFormState<TraitField> => ({ attempt, values, errors, formError, notice: null });

  const traits = parseForm(traitsInput, traitsFrom(values), TRAIT_PATHS);
  if (!traits.ok) return failed(traits.errors);
  // The identity document checked with the correction, if any (none: the field is left empty).
  const document = documentType.safeParse(formData.get('documentChecked'));

  const api = await apiForSession({ tenantSlug: target.slug });
  const before = String(formData.get('status') ?? '');
  let after: { status: string; version: number };
  try {
    after = await api.identity.changeTraits.mutate({
      id: target.id,
      version: versionOf(formData),
      traits: traits.data,
      ...(document.success ? { documentChecked: document.data } : {}),
    });
  } catch (error) {
    return failed({}, refusal(error));
  }
  revalidatePath(patientPath(target.slug, target.id));
  return {
    attempt,
    values: null,
    errors: {},
    formError: null,
    notice: `Traits stricts enregistrés. ${statusChange(before, after.status)}`,
    savedVersion: after.version,
  };
}

// ----------------------------------------------------------------------- complementary traits

export async function changeComplementaryAction(
  target: Target,
  previous: IdentityFormState<ComplementaryField>,
  formData: FormData,
): Promise<IdentityFormState<ComplementaryField>> {
  const values = formTexts(formData, COMPLEMENTARY_FIELDS);
  const attempt = previous.attempt + 1;
  const failed = (
    errors: IdentityFormState<ComplementaryField>['errors'],
    formError: string | null = null,
  ): IdentityFormState<ComplementaryField> => ({ attempt, values, errors, formError, notice: null });
  const complementary = parseForm(complementaryInput, complementaryFrom(values), COMPLEMENTARY_PATHS);
  if (!complementary.ok) return failed(complementary.errors);
  const api = await apiForSession({ tenantSlug: target.slug });
  let savedVersion: number;
  try {
    ({ version: savedVersion } = await api.identity.changeComplementary.mutate({
      id: target.id,
      version: versionOf(formData),
      complementary: complementary.data,
    }));
  } catch (error) {
    return failed({}, refusal(error));
  }
  revalidatePath(patientPath(target.slug, target.id));
  return {
    attempt,
    values: null,
    errors: {},
    formError: null,
    notice: 'Traits complémentaires enregistrés.',
    savedVersion,
  };
}

// --------------------------------------------------------------------------- identity document

export async function recordDocumentAction(
  target: Target,
  previous: ActionState,
  formData: FormData,
): Promise<ActionState> {
  const attempt = previous.attempt + 1;
  const input = parseForm(recordDocumentInput, {
    id: target.id,
    version: versionOf(formData),
    type: formData.get('type') ?? undefined,
    ...(formData.get('guardianDocumentChecked') === 'on' ? { guardianDocumentChecked: true } : {}),
  });
  if (!input.ok) return { attempt, error: Object.values(input.errors)[0] ?? null, notice: null };
  const before = String(formData.get('status') ?? '');
  const api = await apiForSession({ tenantSlug: target.slug });
  let after: { status: string; version: number };
  try {
    after = await api.identity.recordDocument.mutate(input.data);
  } catch (error) {
    return { attempt, error: refusal(error), notice: null };
  }
  revalidatePath(patientPath(target.slug, target.id));
  return {
    attempt,
    error: null,
    notice: `Vérification de la pièce d'identité enregistrée. ${statusChange(before, after.status)}`,
    savedVersion: after.version,
  };
}

// ------------------------------------------------------------------------------------- INSi

export async function callInsiAction(target: Target, previous: InsiState): Promise<InsiState> {
  const attempt = previous.attempt + 1;
  const api = await apiForSession({ tenantSlug: target.slug });
  try {
    const result = await api.identity.callInsi.mutate({ id: target.id });
    revalidatePath(patientPath(target.slug, target.id));
    return {
      attempt,
      error: null,
      result: {
        outcome: result.outcome,
        code: result.code,
        reason: result.note ? (frenchReason(result.note.reason, result.note.params) ?? result.reason) : null,
        changes: result.changes,
        status: result.patient.status,
      },
    };
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.appCode === 'CONFLICT' || info?.code === 'CONFLICT') {
      return { attempt, result: null, error: `Appel INSi impossible : ${frenchApiError(info)}` };
    }
    if (info?.appCode === 'UNAVAILABLE' || info?.code === 'SERVICE_UNAVAILABLE') {
      return { attempt, result: null, error: 'Le téléservice INSi ne répond pas, réessayez plus tard.' };
    }
    if (info?.appCode === 'FORBIDDEN' || info?.code === 'FORBIDDEN') {
      // The teleservice refused the practice's certificate or software (TLS alert, DESIR_550/560).
      return { attempt, result: null, error: `Appel INSi refusé : ${frenchApiError(info)}` };
    }
    if (info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') {
      return { attempt, result: null, error: `Appel INSi impossible : ${frenchApiError(info)}` };
    }
    if (info?.code === 'INTERNAL_SERVER_ERROR') {
      return {
        attempt,
        result: null,
        error:
          "Appel INSi impossible : erreur interne du serveur. Réessayez ; si l'erreur persiste, signalez-la au support.",
      };
    }
    handleApiError(error);
  }
}

// ---------------------------------------------------------------- copies of identity documents

/** How big a copy may be (the API takes at most 500 kB once decoded). */
const COPY_MAX_BYTES = 500_000;

/** The first bytes of each accepted format: the browser's declared type is not trusted alone. */
function looksLike(contentType: IdentityDocumentContentType, bytes: Buffer): boolean {
  const startsWith = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  switch (contentType) {
    case 'image/png':
      return startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/jpeg':
      return startsWith(0xff, 0xd8, 0xff);
    case 'application/pdf':
      return startsWith(0x25, 0x50, 0x44, 0x46, 0x2d); // %PDF-
  }
}

export async function setKeepCopiesAction(
  target: Target,
  previous: ActionState,
  formData: FormData,
): Promise<ActionState> {
  const attempt = previous.attempt + 1;
  const keepCopies = formData.get('value') === 'true';
  const api = await apiForSession({ tenantSlug: target.slug });
  try {
    await api.identity.documentCopies.setKeepCopies.mutate({ keepCopies });
  } catch (error) {
    return { attempt, error: refusal(error), notice: null };
  }
  revalidatePath(patientPath(target.slug, target.id));
  return { attempt, error: null, notice: null };
}

export async function addDocumentCopyAction(
  target: Target,
  previous: ActionState,
  formData: FormData,
): Promise<ActionState> {
  const attempt = previous.attempt + 1;
  const failed = (error: string): ActionState => ({ attempt, error, notice: null });
  const type = documentType.safeParse(formData.get('copyType'));
  if (!type.success) return failed(type.error.issues[0]!.message);
  const file = formData.get('file');
  if (!(file instanceof File) || file.size === 0) return failed('Choisissez le fichier de la copie.');
  const contentType = file.type;
  if (!isOneOf(IDENTITY_DOCUMENT_CONTENT_TYPES, contentType)) {
    return failed('Format non accepté : la copie doit être une image JPEG ou PNG, ou un PDF.');
  }
  if (file.size > COPY_MAX_BYTES) return failed('Le fichier dépasse la taille maximale de 500 ko.');
  const bytes = Buffer.from(await file.arrayBuffer());
  if (!looksLike(contentType, bytes)) {
    return failed('Le contenu du fichier ne correspond pas à son format (JPEG, PNG ou PDF).');
  }

  const api = await apiForSession({ tenantSlug: target.slug });
  try {
    await api.identity.documentCopies.add.mutate({
      patientId: target.id,
      type: type.data,
      contentType,
      contentBase64: bytes.toString('base64'),
    });
  } catch (error) {
    return failed(refusal(error));
  }
  revalidatePath(patientPath(target.slug, target.id));
  return { attempt, error: null, notice: "Copie de la pièce d'identité enregistrée." };
}
