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
  performedTimesOfExam,
  identityOf,
  type Database,
  type OrderRow,
  type PatientRow,
  type ReferrerRow,
  type ReportExamRow,
  type ReportRow,
  type ReportVersionRow,
  type SiteRow,
  type TenantRef,
  type TenantTx,
} from '@rayon/db';
import { frozenDescriptionDocument, frozenDescriptionIn, type FrozenDescription } from '@rayon/delivery';
import {
  DocumentInputError,
  parseReportDocument,
  renderReport,
  type ReportDocument,
  type ReportDocumentInput,
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

const isOid = (v: string) => /^[0-2](\.(0|[1-9]\d*))+$/.test(v) && v.length <= 64;

export interface PracticeIdentity {
  id: string;
  name: string;
  finess: string | null;
  siret: string | null;
}

/**
 * The rows validation holds already in its transaction (the version as it just wrote it, its
 * report, order, patient, exams and site): the description reads none of them again.
 */
export interface KnownReportFacts {
  version: ReportVersionRow;
  report: ReportRow;
  order: OrderRow;
  patient: PatientRow;
  exams: ReportExamRow[];
  site: SiteRow | undefined;
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
  const version = known?.version ?? (await findReportVersionById(tx, versionId));
  if (!version || !['validated', 'replaced', 'withdrawn'].includes(version.status)) {
    throw new AppError('NOT_FOUND', 'no validated report version');
  }
  const report = known?.report ?? (await findReport(tx, version.reportId))!;
  const order = known?.order ?? (await findOrder(tx, report.orderId))!;
  const patientRow = known?.patient ?? (await findPatient(tx, order.patientId))!;
  const identity = identityOf(patientRow);
  const ins = insForExchange(identity);
  const exams = known?.exams ?? (await listReportExams(tx, report.id));
  const site = known ? known.site : await findReportSite(tx, report.siteId);
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
          modality: exam.modalityType,
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

/** The checked description of a validated version (what its documents are rendered from). */
export async function reportDocumentOf(
  tx: TenantTx,
  practice: PracticeIdentity,
  versionId: string,
  known?: KnownReportFacts,
): Promise<ReportDocument> {
  return parseReportDocument(await describeReportVersion(tx, practice, versionId, known));
}

/** The description and routing of a version from the practice's live data. */
async function describeNow(
  tx: TenantTx,
  practice: PracticeIdentity,
  versionId: string,
  known?: KnownReportFacts,
): Promise<FrozenDescription> {
  const { input, referrer } = await describe(tx, practice, versionId, known);
  return {
    description: parseReportDocument(input),
    routing: { referrerMailbox: referrer?.mssanteAddress ?? null },
  };
}

/**
 * Freezes, at validation and in its transaction, the description every document and send of the
 * version will say, from the facts validation holds (nothing read twice). A version whose
 * documents could not be produced from the practice's data (a stored value the document schema
 * refuses: an RPPS received malformed by HL7, say) is refused, naming the first field: validated,
 * it would fail the documents job for ever.
 */
export async function freezeDescription(
  tx: TenantTx,
  practice: PracticeIdentity,
  known: KnownReportFacts,
): Promise<void> {
  let frozen: FrozenDescription;
  try {
    frozen = await describeNow(tx, practice, known.version.id, known);
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
  await storeDescription(tx, known.version.id, frozen);
}

async function storeDescription(tx: TenantTx, versionId: string, frozen: FrozenDescription): Promise<void> {
  await insertReportDocument(tx, frozenDescriptionDocument(versionId, frozen));
}

/**
 * Renders and stores the documents of a validated version from the description frozen at its
 * validation: what was rendered is what every send of the version says. (A version validated
 * before descriptions were frozen gets one now, stored with its documents.) A version whose PDF
 * and CDA are already stored (a job run again) is not rendered again: nothing is stored, and only
 * `andThen` runs.
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
): Promise<{
  stored: number;
  /** false: the PDF and CDA were already stored, nothing was rendered. */
  rendered: boolean;
  sha256: { pdf: string; cda: string };
  description: ReportDocument;
}> {
  const { frozen, wasStored, rendered } = await db.withTenant(tenant, async (tx) => {
    const documents = await listReportDocumentContents(tx, versionId);
    const stored = frozenDescriptionIn(documents);
    const hashOf = (kind: 'pdf' | 'cda') => documents.find((d) => d.kind === kind)?.sha256;
    const [pdf, cda] = [hashOf('pdf'), hashOf('cda')];
    return {
      frozen: stored ?? (await describeNow(tx, practice, versionId)),
      wasStored: !!stored,
      rendered: pdf && cda ? { pdf, cda } : null,
    };
  });
  const doc = frozen.description;
  const files = rendered ? null : await renderReport(doc, { producedAt: new Date(doc.validatedAt) });
  return db.withTenant(tenant, async (tx) => {
    const written = files ? await storeRendered(tx, versionId, files) : { stored: 0, sha256: rendered! };
    if (!wasStored) await storeDescription(tx, versionId, frozen);
    await andThen?.(tx, doc, frozen.routing);
    return { ...written, rendered: files !== null, description: doc };
  });
}

/** Stores a version's rendered PDF and CDA (each once); how many were new, and their SHA-256. */
async function storeRendered(tx: TenantTx, versionId: string, files: { pdf: Uint8Array; cda: string }) {
  const pdf = await insertReportDocument(tx, {
    versionId,
    kind: 'pdf',
    mediaType: 'application/pdf',
    content: Buffer.from(files.pdf),
  });
  const cda = await insertReportDocument(tx, {
    versionId,
    kind: 'cda',
    mediaType: 'text/xml',
    content: Buffer.from(files.cda, 'utf8'),
  });
  return {
    stored: [pdf, cda].filter((d) => d.inserted).length,
    sha256: { pdf: pdf.sha256, cda: cda.sha256 },
  };
}
