'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { frenchApiError, sentence } from '../../../../../lib/api-messages.ts';
import { MAX_CDA_BYTES } from '@rayon/domain';
import { CDA_TOO_LARGE, cdaRefusal, type CdaHeader } from '../../../../../lib/cda-display.ts';
import { REPORT_READER_ROLES, reportPath, reportsPath, templatesPath } from '../../../../../lib/reports.ts';
import { signerRefusal } from '../../../../../lib/staff.ts';
import { apiErrorInfo, type ApiClient } from '../../../../../server/api.ts';
import { practiceContext } from '../../../../../server/practice.ts';
import { apiForSession, handleApiError } from '../../../../../server/session.ts';

export interface ReportActionState {
  attempt: number;
  error: string | null;
  notice: string | null;
}

const STALE = 'Le compte rendu a été modifié entre-temps : rechargez la page.';

/** The French refusal of a report action, or undefined when the error is not one to show. */
function refusal(error: unknown): string | undefined {
  const info = apiErrorInfo(error);
  if (!info) return undefined;
  // A signer whose profile is not complete: the reason, in French, from the field the API names.
  const signer = signerRefusal(info.field);
  if (signer) return signer;
  if (info.appCode === 'CONFLICT' || info.code === 'CONFLICT') {
    if (info.field === 'revision') return STALE;
    return sentence(frenchApiError(info));
  }
  if (info.appCode === 'BAD_INPUT' || info.code === 'BAD_REQUEST') return sentence(frenchApiError(info));
  // A radiologist without the right to sign: said plainly rather than as a missing page.
  if (info.reason === 'reporting.signer.not_allowed') {
    return sentence(frenchApiError(info));
  }
  return undefined;
}

/** Runs report calls; a refusal comes back in French, anything else goes to the error pages. */
async function run(
  slug: string,
  previous: { attempt: number },
  call: (api: ApiClient) => Promise<unknown>,
  notice: string | null = null,
): Promise<ReportActionState> {
  const attempt = previous.attempt + 1;
  const api = await apiForSession({ tenantSlug: slug });
  try {
    await call(api);
  } catch (error) {
    const message = refusal(error);
    if (message) return { attempt, error: message, notice: null };
    handleApiError(error);
  }
  revalidatePath(reportsPath(slug), 'layout');
  return { attempt, error: null, notice };
}

// ------------------------------------------------------------------------- « À rédiger »

/** « Rédiger »: the report of an acquired exam, from a template when chosen, then its screen. */
export async function createReportAction(
  target: { slug: string; examId: string },
  previous: ReportActionState,
  formData: FormData,
): Promise<ReportActionState> {
  const templateId = String(formData.get('templateId') ?? '').trim();
  const announcementRequired = formData.get('announcementRequired') === 'on';
  let id: string | undefined;
  const state = await run(target.slug, previous, async (api) => {
    const report = await api.reporting.create.mutate({
      examIds: [target.examId],
      announcementRequired,
      ...(templateId ? { templateId } : {}),
    });
    id = report.id;
  });
  if (id) redirect(reportPath(target.slug, id));
  return state;
}

// ----------------------------------------------------------------------------- the editor

export interface EditorState extends ReportActionState {
  /**
   * The revision of the version the editor works on. The API moves it on at each change (taking
   * the lock included), so each call answers the next one; calls of one editor run in order.
   */
  revision: number;
}

/**
 * The editor's calls, in order: « lock » when the radiologist starts typing (a colleague opening
 * the report is told at once), then Enregistrer, Préliminaire, Valider (signer): the text is
 * saved first, with the revision the editor holds (a stale one is refused), then the version
 * changes status.
 */
export async function editReportAction(
  target: { slug: string; id: string },
  previous: EditorState,
  formData: FormData,
): Promise<EditorState> {
  const intent = String(formData.get('intent') ?? 'save');
  const body = String(formData.get('body') ?? '');
  let revision = previous.revision;
  const notices: Record<string, string> = {
    save: 'Compte rendu enregistré.',
    provisional: 'Compte rendu enregistré et marqué préliminaire.',
    validate: 'Compte rendu validé et signé. Ses documents (PDF/A et CDA) sont en cours de génération.',
  };
  const currentRevision = (view: {
    currentVersion: number;
    versions: { version: number; revision: number }[];
  }) => view.versions.find((v) => v.version === view.currentVersion)!.revision;
  if (intent === 'lock') {
    // Taking the lock moves the revision on by one: by more, someone saved in between, and the
    // text on screen is stale (the editor keeps its revision, so a save is refused too).
    const attempt = previous.attempt + 1;
    const api = await apiForSession({ tenantSlug: target.slug });
    try {
      const after = currentRevision(await api.reporting.lock.mutate({ id: target.id }));
      if (after !== revision + 1) return { attempt, error: STALE, notice: null, revision };
      return { attempt, error: null, notice: null, revision: after };
    } catch (error) {
      const message = refusal(error);
      if (message) return { attempt, error: message, notice: null, revision };
      handleApiError(error);
    }
  }
  const state = await run(
    target.slug,
    previous,
    async (api) => {
      revision = currentRevision(await api.reporting.save.mutate({ id: target.id, body, revision }));
      if (intent === 'provisional') {
        revision = currentRevision(await api.reporting.setProvisional.mutate({ id: target.id, revision }));
      } else if (intent === 'validate') {
        // Who may see it, as chosen in the validation dialog (refused combinations come back named).
        const chosen = (name: string) => formData.get(name) === 'on';
        revision = currentRevision(
          await api.reporting.validate.mutate({
            id: target.id,
            revision,
            maskedFromProfessionals: chosen('maskedFromProfessionals'),
            hiddenFromLegalRepresentatives: chosen('hiddenFromLegalRepresentatives'),
            secretConnection: chosen('secretConnection'),
          }),
        );
      }
    },
    notices[intent] ?? notices.save!,
  );
  return { ...state, revision };
}

// ------------------------------------------------------------------- other report actions

export async function correctReportAction(
  target: { slug: string; id: string },
  previous: ReportActionState,
): Promise<ReportActionState> {
  return run(
    target.slug,
    previous,
    (api) => api.reporting.correct.mutate({ id: target.id }),
    'Nouvelle version créée : corrigez le texte puis validez-la. La version validée reste en vigueur jusque-là.',
  );
}

export async function withdrawReportAction(
  target: { slug: string; id: string },
  previous: ReportActionState,
  formData: FormData,
): Promise<ReportActionState> {
  const reason = String(formData.get('reason') ?? '').trim();
  if (!reason) {
    return { attempt: previous.attempt + 1, error: 'Indiquez le motif du retrait.', notice: null };
  }
  return run(
    target.slug,
    previous,
    (api) => api.reporting.withdraw.mutate({ id: target.id, reason }),
    'Compte rendu retiré.',
  );
}

export async function announceReportAction(
  target: { slug: string; id: string },
  previous: ReportActionState,
): Promise<ReportActionState> {
  return run(
    target.slug,
    previous,
    (api) => api.reporting.announce.mutate({ id: target.id }),
    'Annonce enregistrée : le compte rendu peut être mis à disposition du patient.',
  );
}

// --------------------------------------------------------------------------------- templates

export interface TemplateFormState {
  attempt: number;
  values: Record<string, string> | null;
  errors: Record<string, string>;
  formError: string | null;
  notice: string | null;
}

export async function createTemplateAction(
  slug: string,
  previous: TemplateFormState,
  formData: FormData,
): Promise<TemplateFormState> {
  const attempt = previous.attempt + 1;
  const values = {
    name: String(formData.get('name') ?? '').trim(),
    examTypeId: String(formData.get('examTypeId') ?? '').trim(),
    body: String(formData.get('body') ?? ''),
  };
  const errors: Record<string, string> = {};
  if (!values.name) errors.name = 'Indiquez le nom du modèle.';
  if (values.name.length > 200) errors.name = 'Le nom compte 200 caractères au plus.';
  if (values.body.length > 100_000) errors.body = 'Le texte du modèle compte 100 000 caractères au plus.';
  if (Object.keys(errors).length > 0) return { attempt, values, errors, formError: null, notice: null };
  const api = await apiForSession({ tenantSlug: slug });
  try {
    await api.reporting.templates.create.mutate({
      name: values.name,
      examTypeId: values.examTypeId || null,
      body: values.body,
    });
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info && (info.appCode === 'BAD_INPUT' || info.code === 'BAD_REQUEST')) {
      const message = sentence(frenchApiError(info));
      const field = info.field && info.field in values ? info.field : null;
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
  revalidatePath(templatesPath(slug));
  return {
    attempt,
    values: null,
    errors: {},
    formError: null,
    notice: `Modèle « ${values.name} » ajouté.`,
  };
}

// ----------------------------------------------------------------------- received CDA viewer

export type ReceivedCdaState =
  | { attempt: number; status: 'idle' }
  | { attempt: number; status: 'error'; error: string }
  | { attempt: number; status: 'read'; fileName: string; header: CdaHeader; pdfBase64: string };

/**
 * Shows a CDA received from elsewhere (a file a person has): read by the API, shown, and not
 * stored anywhere.
 */
export async function readReceivedCdaAction(
  slug: string,
  previous: ReceivedCdaState,
  formData: FormData,
): Promise<ReceivedCdaState> {
  const attempt = previous.attempt + 1;
  const { has } = await practiceContext(slug);
  if (!has(...REPORT_READER_ROLES)) {
    return {
      attempt,
      status: 'error',
      error: "Vous n'avez pas accès aux comptes rendus de cet établissement.",
    };
  }
  const file = formData.get('file');
  if (!(file instanceof File) || file.size === 0) {
    return { attempt, status: 'error', error: 'Choisissez un fichier CDA (XML).' };
  }
  if (file.size > MAX_CDA_BYTES) {
    return { attempt, status: 'error', error: CDA_TOO_LARGE };
  }
  const base64 = Buffer.from(await file.arrayBuffer()).toString('base64');
  const api = await apiForSession({ tenantSlug: slug });
  try {
    const reading = await api.reporting.readReceivedCda.mutate({ base64 });
    return {
      attempt,
      status: 'read',
      fileName: file.name,
      header: reading.header,
      pdfBase64: reading.pdfBase64,
    };
  } catch (error) {
    const refused = cdaRefusal(apiErrorInfo(error));
    if (refused) return { attempt, status: 'error', error: refused };
    handleApiError(error);
  }
}

// ----------------------------------------------------------------------- document layout

export interface DocumentSettingsState {
  attempt: number;
  error: string | null;
  notice: string | null;
}

/**
 * The layout of the practice's report documents: the RGPD mentions printed at the bottom and each
 * site's letterhead (practice administrators).
 */
export async function saveDocumentSettingsAction(
  slug: string,
  siteIds: string[],
  previous: DocumentSettingsState,
  formData: FormData,
): Promise<DocumentSettingsState> {
  const attempt = previous.attempt + 1;
  const rgpdNotice = String(formData.get('rgpdNotice') ?? '').trim();
  if (rgpdNotice.length > 2000) {
    return { attempt, error: 'Les mentions RGPD comptent 2 000 caractères au plus.', notice: null };
  }
  const letterheads = siteIds.map((id) => ({
    id,
    letterhead: String(formData.get(`letterhead-${id}`) ?? '').trim(),
  }));
  if (letterheads.some((l) => l.letterhead.split('\n').length > 6)) {
    return { attempt, error: 'Un en-tête compte 6 lignes au plus.', notice: null };
  }
  const api = await apiForSession({ tenantSlug: slug });
  try {
    await api.reporting.settings.setRgpdNotice.mutate({ rgpdNotice: rgpdNotice || null });
    for (const l of letterheads) {
      await api.onboarding.sites.setLetterhead.mutate({ id: l.id, letterhead: l.letterhead || null });
    }
  } catch (error) {
    const message = refusal(error);
    if (message) return { attempt, error: message, notice: null };
    handleApiError(error);
  }
  revalidatePath(templatesPath(slug));
  return { attempt, error: null, notice: 'Mise en page des documents enregistrée.' };
}
