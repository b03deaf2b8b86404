/**
 * The documents of a validated report version: its description (`@rayon/documents` input) made
 * from the practice's data, rendered (PDF/A-1b + CDA R2 N1) and stored once, immutably, with
 * their SHA-256. Rendering is deterministic (the production date is the validation date), so
 * generating again yields the same bytes and stores nothing new.
 */
import {
  activeAppointmentOfExam,
  findOrder,
  findPatient,
  findReferrer,
  findReport,
  findReportVersion,
  findReportVersionById,
  getSetting,
  insertReportDocument,
  listReportDocumentContents,
  listReportExams,
  findReportSite,
  parseStored,
  performedTimesOfExam,
  identityOf,
  type Database,
  type OrderRow,
  type PatientRow,
  type ReferrerRow,
  type ReportRow,
  type ReportDocumentRow,
  type TenantRef,
  type TenantTx,
} from '@rayon/db';
import {
  buildReportCda,
  DocumentInputError,
  parseReportDocument,
  renderReport,
  type ReportDocument,
  type ReportDocumentInput,
  reportDocumentInput,
} from '@rayon/documents';
import {
  AppError,
  insForExchange,
  legalEntityIdNat,
  noOrganisationId,
  organisationIdNat,
  RGPD_NOTICE_SETTING,
  uuidToDicomUid,
  zonedIso,
} from '@rayon/domain';
import { createHash } from 'node:crypto';
import { z } from 'zod';

const isOid = (v: string) => /^[0-2](\.(0|[1-9]\d*))+$/.test(v) && v.length <= 64;

export interface PracticeIdentity {
  id: string;
  name: string;
  finess: string | null;
  siret: string | null;
}

/**
 * The rows of a version's report, order and patient the caller holds already in the same
 * transaction (validation reads them): not read again.
 */
export interface KnownReportFacts {
  report: ReportRow;
  order: OrderRow;
  patient: PatientRow;
}

/** Builds the description of a validated version from the practice's data. */
export async function describeReportVersion(
  tx: TenantTx,
  practice: PracticeIdentity,
  versionId: string,
  known?: KnownReportFacts,
): Promise<ReportDocumentInput> {
  return (await describe(tx, practice, versionId, known)).input;
}

/** The description of a version, and the referrer it names (whose mailbox routes its sends). */
async function describe(
  tx: TenantTx,
  practice: PracticeIdentity,
  versionId: string,
  known?: KnownReportFacts,
): Promise<{ input: ReportDocumentInput; referrer: ReferrerRow | undefined }> {
  const version = await findReportVersionById(tx, versionId);
  if (!version || !['validated', 'replaced', 'withdrawn'].includes(version.status)) {
    throw new AppError('NOT_FOUND', 'no validated report version');
  }
  const report = known?.report ?? (await findReport(tx, version.reportId))!;
  const order = known?.order ?? (await findOrder(tx, report.orderId))!;
  const patientRow = known?.patient ?? (await findPatient(tx, order.patientId))!;
  const identity = identityOf(patientRow);
  const ins = insForExchange(identity);
  const exams = await listReportExams(tx, report.id);
  const site = await findReportSite(tx, report.siteId);
  const signer = version.signer;
  const referrer = order.referrerId ? await findReferrer(tx, order.referrerId) : undefined;
  const previous =
    version.version > 1 ? await findReportVersion(tx, report.id, version.version - 1) : undefined;
  const rgpdNotice = await getSetting(tx, RGPD_NOTICE_SETTING);

  const idNat = organisationIdNat(site, practice);
  if (!idNat) throw noOrganisationId();
  const legalEntity = legalEntityIdNat(site, practice);
  if (!signer) throw new AppError('BAD_INPUT', 'the version has no signer');
  /** The practice's own OID arc: the 2.25 form of its id (accession numbers .1, patients .2). */
  const root = uuidToDicomUid(practice.id);
  const performed = order.performed;
  const validatedAt = zonedIso(version.validatedAt!);

  const input: ReportDocumentInput = {
    // UUIDs in upper case, as the CDA writes them (the DMP compares the CDA id with the uniqueId).
    document: {
      id: version.id.toUpperCase(),
      setId: report.setId.toUpperCase(),
      version: version.version,
      ...(previous ? { replaces: previous.id.toUpperCase() } : {}),
      effectiveTime: validatedAt,
      confidentiality: 'N',
    },
    organisation: {
      name: site?.name ?? practice.name,
      idNat,
      ...(legalEntity ? { legalEntity: { idNat: legalEntity, name: practice.name } } : {}),
      address: {
        lines: site?.address ? [site.address] : [],
        postalCode: site?.postalCode ?? '00000',
        city: site?.city ?? practice.name,
      },
      ...(site?.phone ? { phone: site.phone } : {}),
      letterhead: (site?.letterhead ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(0, 6),
      ...(rgpdNotice ? { rgpdNotice } : {}),
    },
    patient: {
      identityStatus: identity.status,
      ...(ins ? { ins: { matricule: ins.matricule, oid: ins.oid } } : {}),
      localId: { root: `${root}.2`, extension: patientRow.id },
      birthFamilyName: identity.traits.birthFamilyName,
      firstBirthForename: identity.traits.firstBirthForename,
      birthForenames: identity.traits.birthForenames,
      ...(identity.complementary.usedFamilyName
        ? { usedFamilyName: identity.complementary.usedFamilyName }
        : {}),
      ...(identity.complementary.usedForename ? { usedForename: identity.complementary.usedForename } : {}),
      birthDate: identity.traits.birthDate,
      sex: identity.traits.sex,
      ...(identity.traits.birthPlaceCode ? { birthPlaceCode: identity.traits.birthPlaceCode } : {}),
    },
    exams: await Promise.all(
      exams.map(async ({ exam, type }) => {
        const appointment = await activeAppointmentOfExam(tx, exam.id);
        // The exam's actual times (MPPS) when the modality reported them; else the booked slot.
        const mpps = await performedTimesOfExam(tx, exam.id);
        const startedAt =
          mpps?.startedAt ??
          appointment?.startsAt ??
          (performed?.at ? new Date(performed.at) : exam.updatedAt);
        const endedAt = mpps ? mpps.endedAt : (appointment?.endsAt ?? null);
        return {
          studyInstanceUid:
            performed?.studyInstanceUid && isOid(performed.studyInstanceUid)
              ? performed.studyInstanceUid
              : order.studyInstanceUid,
          accessionNumber: order.accessionNumber,
          label: type?.label ?? exam.requestedProcedure ?? exam.modalityType,
          ...(type?.ccamCode ? { ccam: { code: type.ccamCode, label: type.label } } : {}),
          ...(type?.loincCode
            ? { loinc: { code: type.loincCode, label: type.loincLabel ?? type.label } }
            : {}),
          // A CHECK holds the column to MODALITY_TYPES; typing it ($type) reaches every writer: not yet.
          modality: exam.modalityType as ReportDocumentInput['exams'][number]['modality'],
          startedAt: zonedIso(startedAt),
          ...(endedAt ? { endedAt: zonedIso(endedAt) } : {}),
        };
      }),
    ),
    ...(order.placerOrderNumber && isOid(order.placerAuthority)
      ? { order: { placerOrderNumber: order.placerOrderNumber, placerAuthority: order.placerAuthority } }
      : {}),
    accessionAuthority: `${root}.1`,
    // Every referrer is named: by RPPS, by ADELI, or by name only.
    ...(referrer
      ? {
          referrer: {
            ...(referrer.rpps ? { rpps: referrer.rpps } : {}),
            ...(referrer.adeli ? { adeli: referrer.adeli } : {}),
            familyName: referrer.familyName,
            ...(referrer.givenName ? { givenName: referrer.givenName } : {}),
            ...(referrer.specialty ? { specialty: referrer.specialty } : {}),
          },
        }
      : {}),
    radiologist: signer,
    validatedAt,
    report: { text: version.body },
  };
  return { input, referrer };
}

/**
 * Refuses, at validation, a version whose documents could not be produced from the practice's
 * data (a stored value the document schema refuses: an RPPS received malformed by HL7, say):
 * validated, it would fail the documents job for ever. The refusal names the first field.
 */
export async function assertDocumentsCanBeProduced(
  tx: TenantTx,
  practice: PracticeIdentity,
  versionId: string,
  known?: KnownReportFacts,
): Promise<void> {
  try {
    await reportDocumentOf(tx, practice, versionId, known);
  } catch (e) {
    if (!(e instanceof DocumentInputError)) throw e;
    const { issues } = e;
    const first = issues[0]!;
    throw new AppError(
      'BAD_INPUT',
      `the report's documents cannot be produced: ${first.path || 'document'}: ${first.message}`,
      {
        field: 'documents',
        reason: 'report.documents.invalid',
        params: { path: first.path || 'document', issues },
      },
    );
  }
}

/** The checked description of a validated version (what its documents are rendered from). */
export async function reportDocumentOf(
  tx: TenantTx,
  practice: PracticeIdentity,
  versionId: string,
  known?: KnownReportFacts,
): Promise<ReportDocument> {
  return parseReportDocument(await describeReportVersion(tx, practice, versionId, known));
}

/** The kind of the stored description snapshot (report_documents, application/json). */
export const DESCRIPTION_KIND = 'description';

/**
 * What is frozen with a validated version's documents: its description and its routing facts
 * (where its sends go), read back through this schema (`parseStored`), never cast.
 */
const frozenDescriptionSchema = z.object({
  description: reportDocumentInput,
  routing: z.object({
    /** The referring professional's MSSanté address when the version was validated. */
    referrerMailbox: z.string().nullable(),
  }),
});
export type FrozenDescription = z.output<typeof frozenDescriptionSchema>;

const sha256Of = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The description and routing of a version from the practice's live data. */
async function describeNow(
  tx: TenantTx,
  practice: PracticeIdentity,
  versionId: string,
): Promise<FrozenDescription> {
  const { input, referrer } = await describe(tx, practice, versionId);
  return {
    description: parseReportDocument(input),
    routing: { referrerMailbox: referrer?.mssanteAddress ?? null },
  };
}

async function storedDescription(
  tx: TenantTx,
  versionId: string,
  documents?: ReportDocumentRow[],
): Promise<FrozenDescription | undefined> {
  const row = (documents ?? (await listReportDocumentContents(tx, versionId))).find(
    (d) => d.kind === DESCRIPTION_KIND,
  );
  if (!row) return undefined;
  const stored: unknown = JSON.parse(row.content.toString('utf8'));
  return parseStored(frozenDescriptionSchema, stored, 'frozen report description');
}

async function storeDescription(
  tx: TenantTx,
  versionId: string,
  frozen: FrozenDescription,
): Promise<boolean> {
  const content = Buffer.from(JSON.stringify(frozen), 'utf8');
  return insertReportDocument(tx, {
    versionId,
    kind: DESCRIPTION_KIND,
    mediaType: 'application/json',
    content,
    sha256: sha256Of(content),
  });
}

/**
 * The frozen description of a validated version: the snapshot stored with its documents. A
 * version validated before snapshots existed gets one, built once from the practice's data and
 * stored (every later send uses that one).
 */
export async function frozenDescriptionOf(
  tx: TenantTx,
  practice: PracticeIdentity,
  versionId: string,
  /** The version's stored documents, when the caller has read them already. */
  documents?: ReportDocumentRow[],
): Promise<FrozenDescription> {
  const stored = await storedDescription(tx, versionId, documents);
  if (stored) return stored;
  await storeDescription(tx, versionId, await describeNow(tx, practice, versionId));
  return (await storedDescription(tx, versionId))!;
}

/**
 * A correction sent as an original where the earlier version never arrived: its description
 * without `document.replaces`, and its CDA built from it around the stored PDF (no relatedDocument
 * RPLC naming a document the destination does not have). Deterministic: the same bytes each time.
 * Hypothesis: for a destination that never received the first version, the correction is its
 * first document of the set (same setId, its own id and version number), sent without
 * relatedDocument — the DMP refuses an RPLC, in the metadata or the CDA, of an entry it does not
 * hold (the simulator applies that rule), and no CI-SIS text we have covers this case otherwise.
 */
export function asOriginal(
  description: ReportDocument,
  pdf: Buffer,
): { description: ReportDocument; cda: Buffer } {
  const { replaces: _replaced, ...document } = description.document;
  const original = { ...description, document };
  return { description: original, cda: Buffer.from(buildReportCda(original, pdf), 'utf8') };
}

/**
 * Renders and stores the documents of a validated version, and with them (same transaction) its
 * frozen description: what was rendered is what every send of the version says. A second call
 * renders from the stored description and stores nothing.
 */
export async function generateReportDocuments(
  db: Database,
  tenant: TenantRef,
  practice: PracticeIdentity,
  versionId: string,
  /** What to do in the same transaction as the storing (the job plans the sends there: both or neither). */
  andThen?: (
    tx: TenantTx,
    description: ReportDocument,
    routing: FrozenDescription['routing'],
  ) => Promise<unknown>,
): Promise<{ stored: number; sha256: { pdf: string; cda: string }; description: ReportDocument }> {
  const frozen = await db.withTenant(
    tenant,
    async (tx) => (await storedDescription(tx, versionId)) ?? describeNow(tx, practice, versionId),
  );
  const doc = frozen.description;
  const { pdf, cda } = await renderReport(doc, { producedAt: new Date(doc.validatedAt) });
  const files = {
    pdf: { content: Buffer.from(pdf), mediaType: 'application/pdf' },
    cda: { content: Buffer.from(cda, 'utf8'), mediaType: 'text/xml' },
  };
  const sha256 = { pdf: sha256Of(files.pdf.content), cda: sha256Of(files.cda.content) };
  const stored = await db.withTenant(tenant, async (tx) => {
    let n = 0;
    for (const kind of ['pdf', 'cda'] as const) {
      if (await insertReportDocument(tx, { versionId, kind, ...files[kind], sha256: sha256[kind] })) n++;
    }
    await storeDescription(tx, versionId, frozen);
    await andThen?.(tx, doc, frozen.routing);
    return n;
  });
  return { stored, sha256, description: doc };
}
