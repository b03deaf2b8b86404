'use server';

import { IDENTITY_DOCUMENT_TYPES, type IdentityDocumentType } from '@rayon/domain';
import { revalidatePath } from 'next/cache';
import { frenchApiError, frenchReason, sentence } from '../../../../../../lib/api-messages.ts';
import {
  COMPLEMENTARY_FIELDS,
  fieldErrorMessage,
  strictTraitErrors,
  TRAIT_FIELDS,
  traitsFrom,
  type ComplementaryField,
  type IdentityFormState,
  type TraitField,
} from '../../../../../../lib/identity-forms.ts';
import { formTexts } from '../../../../../../lib/forms.ts';
import { identityStatusLabel } from '../../../../../../lib/labels.ts';
import { patientPath } from '../../../../../../lib/patients.ts';
import { apiErrorInfo } from '../../../../../../server/api.ts';
import { apiForSession, handleApiError } from '../../../../../../server/session.ts';
import type { ActionState, InsiState } from './state.ts';

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

  const errors = strictTraitErrors(values);
  if (Object.keys(errors).length > 0) return failed(errors);
  const document = String(formData.get('documentChecked') ?? '');
  const documentChecked = (IDENTITY_DOCUMENT_TYPES as readonly string[]).includes(document)
    ? (document as IdentityDocumentType)
    : undefined;

  const api = await apiForSession({ tenantSlug: target.slug });
  const before = String(formData.get('status') ?? '');
  let after: { status: string; version: number };
  try {
    const patient = await api.identity.changeTraits.mutate({
      id: target.id,
      version: versionOf(formData),
      traits: traitsFrom(values),
      ...(documentChecked ? { documentChecked } : {}),
    });
    after = patient;
  } catch (error) {
    const info = apiErrorInfo(error);
    if ((info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') && info.field) {
      const field = (TRAIT_FIELDS as readonly string[]).includes(info.field)
        ? (info.field as TraitField)
        : null;
      if (field) return failed({ [field]: fieldErrorMessage(field, info.message) });
    }
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
  const orNull = (v: string) => (v === '' ? null : v);
  const api = await apiForSession({ tenantSlug: target.slug });
  let savedVersion: number;
  try {
    ({ version: savedVersion } = await api.identity.changeComplementary.mutate({
      id: target.id,
      version: versionOf(formData),
      complementary: {
        usedFamilyName: orNull(values['complementary.usedFamilyName']),
        usedForename: orNull(values['complementary.usedForename']),
      },
    }));
  } catch (error) {
    const info = apiErrorInfo(error);
    const field =
      info?.field && (COMPLEMENTARY_FIELDS as readonly string[]).includes(info.field)
        ? (info.field as ComplementaryField)
        : null;
    if (field && info) {
      return {
        attempt,
        values,
        errors: { [field]: fieldErrorMessage(field, info.message) },
        formError: null,
        notice: null,
      };
    }
    return { attempt, values, errors: {}, formError: refusal(error), notice: null };
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
  const type = String(formData.get('type') ?? '');
  if (!(IDENTITY_DOCUMENT_TYPES as readonly string[]).includes(type)) {
    return { attempt, error: 'Choisissez le type de pièce présentée.', notice: null };
  }
  const guardian = formData.get('guardianDocumentChecked') === 'on';
  const before = String(formData.get('status') ?? '');
  const api = await apiForSession({ tenantSlug: target.slug });
  let after: { status: string; version: number };
  try {
    const patient = await api.identity.recordDocument.mutate({
      id: target.id,
      version: versionOf(formData),
      type: type as IdentityDocumentType,
      ...(guardian ? { guardianDocumentChecked: true } : {}),
    });
    after = patient;
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

/** What a copy may be, and how big (the API takes at most 500 kB once decoded). */
const COPY_CONTENT_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
type CopyContentType = (typeof COPY_CONTENT_TYPES)[number];
const COPY_MAX_BYTES = 500_000;

/** The first bytes of each accepted format: the browser's declared type is not trusted alone. */
function looksLike(contentType: CopyContentType, bytes: Buffer): boolean {
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
  const type = String(formData.get('copyType') ?? '');
  if (!(IDENTITY_DOCUMENT_TYPES as readonly string[]).includes(type)) {
    return failed('Choisissez le type de pièce.');
  }
  const file = formData.get('file');
  if (!(file instanceof File) || file.size === 0) return failed('Choisissez le fichier de la copie.');
  if (!(COPY_CONTENT_TYPES as readonly string[]).includes(file.type)) {
    return failed('Format non accepté : la copie doit être une image JPEG ou PNG, ou un PDF.');
  }
  if (file.size > COPY_MAX_BYTES) return failed('Le fichier dépasse la taille maximale de 500 ko.');
  const contentType = file.type as CopyContentType;
  const bytes = Buffer.from(await file.arrayBuffer());
  if (!looksLike(contentType, bytes)) {
    return failed('Le contenu du fichier ne correspond pas à son format (JPEG, PNG ou PDF).');
  }

  const api = await apiForSession({ tenantSlug: target.slug });
  try {
    await api.identity.documentCopies.add.mutate({
      patientId: target.id,
      type: type as IdentityDocumentType,
      contentType,
      contentBase64: bytes.toString('base64'),
    });
  } catch (error) {
    return failed(refusal(error));
  }
  revalidatePath(patientPath(target.slug, target.id));
  return { attempt, error: null, notice: "Copie de la pièce d'identité enregistrée." };
}
