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
  findReport,
  findReportVersion,
  findReportVersionById,
  getSetting,
  insertReportDocument,
  listExamTypes,
  listOrderExams,
  listReferrers,
  listReportExamIds,
  listSites,
  identityOf,
  type Database,
  type TenantRef,
  type TenantTx,
} from '@rayon/db';
import {
  parseReportDocument,
  renderReport,
  type ReportDocument,
  type ReportDocumentInput,
} from '@rayon/documents';
import {
  AppError,
  insForExchange,
  noOrganisationId,
  organisationIdNat,
  siteOfReport,
  RGPD_NOTICE_SETTING,
  uuidToDicomUid,
  zonedParts,
  zoneOffsetMinutes,
} from '@rayon/domain';
import { createHash } from 'node:crypto';

const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');

/** ISO 8601 with the Paris offset of that instant: 2026-11-22T10:42:00+01:00. */
export function parisIso(at: Date): string {
  const p = zonedParts(at);
  const offset = zoneOffsetMinutes(at);
  const sign = offset < 0 ? '-' : '+';
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

const isOid = (v: string) => /^[0-2](\.(0|[1-9]\d*))+$/.test(v) && v.length <= 64;

export interface PracticeIdentity {
  id: string;
  name: string;
  finess: string | null;
  siret: string | null;
}

/** Builds the description of a validated version from the practice's data. */
export async function describeReportVersion(
  tx: TenantTx,
  practice: PracticeIdentity,
  versionId: string,
): Promise<ReportDocumentInput> {
  const version = await findReportVersionById(tx, versionId);
  if (!version || !['validated', 'replaced', 'withdrawn'].includes(version.status)) {
    throw new AppError('NOT_FOUND', 'no validated report version');
  }
  const report = (await findReport(tx, version.reportId))!;
  const order = (await findOrder(tx, report.orderId))!;
  const patientRow = (await findPatient(tx, order.patientId))!;
  const identity = identityOf(patientRow);
  const ins = insForExchange(identity);
  const examIds = await listReportExamIds(tx, report.id);
  const exams = (await listOrderExams(tx, order.id)).filter((e) => examIds.includes(e.id));
  const types = await listExamTypes(tx);
  const site = siteOfReport(await listSites(tx), report.siteId);
  const signer = version.signer;
  const referrer = order.referrerId
    ? (await listReferrers(tx)).find((r) => r.id === order.referrerId)
    : undefined;
  const previous =
    version.version > 1 ? await findReportVersion(tx, report.id, version.version - 1) : undefined;
  const rgpdNotice = await getSetting<string>(tx, RGPD_NOTICE_SETTING);

  const idNat = organisationIdNat(site, practice);
  if (!idNat) throw noOrganisationId();
  if (!signer) throw new AppError('BAD_INPUT', 'the version has no signer');
  /** The practice's own OID arc: the 2.25 form of its id (accession numbers .1, patients .2). */
  const root = uuidToDicomUid(practice.id);
  const performed = order.performed as { studyInstanceUid?: string; at?: string } | null;
  const validatedAt = parisIso(version.validatedAt!);

  return {
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
      exams.map(async (exam) => {
        const type = types.find((t) => t.id === exam.examTypeId);
        const appointment = await activeAppointmentOfExam(tx, exam.id);
        const startedAt = appointment?.startsAt ?? (performed?.at ? new Date(performed.at) : exam.updatedAt);
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
          modality: exam.modalityType as ReportDocumentInput['exams'][number]['modality'],
          startedAt: parisIso(startedAt),
          ...(appointment ? { endedAt: parisIso(appointment.endsAt) } : {}),
        };
      }),
    ),
    ...(order.placerOrderNumber && isOid(order.placerAuthority)
      ? { order: { placerOrderNumber: order.placerOrderNumber, placerAuthority: order.placerAuthority } }
      : {}),
    accessionAuthority: `${root}.1`,
    ...(referrer?.rpps
      ? {
          referrer: {
            rpps: referrer.rpps,
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
}

/** The checked description of a validated version (what its documents are rendered from). */
export async function reportDocumentOf(
  tx: TenantTx,
  practice: PracticeIdentity,
  versionId: string,
): Promise<ReportDocument> {
  return parseReportDocument(await describeReportVersion(tx, practice, versionId));
}

/** Renders and stores the documents of a validated version; a second call stores nothing. */
export async function generateReportDocuments(
  db: Database,
  tenant: TenantRef,
  practice: PracticeIdentity,
  versionId: string,
  /** What to do in the same transaction as the storing (the job plans the sends there: both or neither). */
  andThen?: (tx: TenantTx, description: ReportDocument) => Promise<unknown>,
): Promise<{ stored: number; sha256: { pdf: string; cda: string }; description: ReportDocument }> {
  const doc = await db.withTenant(tenant, (tx) => reportDocumentOf(tx, practice, versionId));
  const { pdf, cda } = await renderReport(doc, { producedAt: new Date(doc.validatedAt) });
  const files = {
    pdf: { content: Buffer.from(pdf), mediaType: 'application/pdf' },
    cda: { content: Buffer.from(cda, 'utf8'), mediaType: 'text/xml' },
  };
  const sha256 = {
    pdf: createHash('sha256').update(files.pdf.content).digest('hex'),
    cda: createHash('sha256').update(files.cda.content).digest('hex'),
  };
  const stored = await db.withTenant(tenant, async (tx) => {
    let n = 0;
    for (const kind of ['pdf', 'cda'] as const) {
      if (await insertReportDocument(tx, { versionId, kind, ...files[kind], sha256: sha256[kind] })) n++;
    }
    await andThen?.(tx, doc);
    return n;
  });
  return { stored, sha256, description: doc };
}
