import { and, asc, desc, eq, isNull, like, or, sql, type SQL } from 'drizzle-orm';
import { identityEvents, patientIdentifiers, patients } from '../schema/tenant.ts';
import type { TenantTx } from '../client.ts';
import { searchKey, type InsOid, type PatientIdentity } from '@rayon/domain';

export type PatientRow = typeof patients.$inferSelect;
export type NewPatient = Omit<typeof patients.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'version'>;
export type PatientIdentifierRow = typeof patientIdentifiers.$inferSelect;
export type IdentityEventRow = typeof identityEvents.$inferSelect;

/** A patient row as the domain's identity. */
export function identityOf(row: PatientRow): PatientIdentity {
  return {
    traits: {
      birthFamilyName: row.birthFamilyName,
      firstBirthForename: row.firstBirthForename,
      birthForenames: row.birthForenames,
      birthDate: row.birthDate,
      sex: row.sex,
      birthPlaceCode: row.birthPlaceCode,
    },
    complementary: { usedFamilyName: row.usedFamilyName, usedForename: row.usedForename },
    status: row.status,
    attributes: { douteuse: row.douteuse, fictive: row.fictive, homonyme: row.homonyme },
    ins: row.insMatricule && row.insOid ? { matricule: row.insMatricule, oid: row.insOid } : null,
    insRetrievedAt: row.insRetrievedAt?.toISOString() ?? null,
    identityDocument:
      row.identityDocumentType && row.identityDocumentCheckedAt
        ? {
            type: row.identityDocumentType,
            checkedAt: row.identityDocumentCheckedAt.toISOString(),
          }
        : null,
  };
}

/** The columns that hold an identity (the inverse of `identityOf`). */
export function patientColumnsOf(identity: PatientIdentity): Omit<NewPatient, 'mergedInto'> {
  const { traits, complementary } = identity;
  return {
    birthFamilyName: traits.birthFamilyName,
    firstBirthForename: traits.firstBirthForename,
    birthForenames: traits.birthForenames,
    birthDate: traits.birthDate,
    sex: traits.sex,
    birthPlaceCode: traits.birthPlaceCode,
    usedFamilyName: complementary.usedFamilyName ?? null,
    usedForename: complementary.usedForename ?? null,
    status: identity.status,
    douteuse: identity.attributes.douteuse,
    fictive: identity.attributes.fictive,
    homonyme: identity.attributes.homonyme,
    insMatricule: identity.ins?.matricule ?? null,
    insOid: identity.ins?.oid ?? null,
    insRetrievedAt: identity.insRetrievedAt ? new Date(identity.insRetrievedAt) : null,
    identityDocumentType: identity.identityDocument?.type ?? null,
    identityDocumentCheckedAt: identity.identityDocument
      ? new Date(identity.identityDocument.checkedAt)
      : null,
    searchFamily: searchKey(traits.birthFamilyName),
    searchUsedFamily: complementary.usedFamilyName ? searchKey(complementary.usedFamilyName) : null,
    searchGiven: searchKey(traits.birthForenames || traits.firstBirthForename),
  };
}

export async function insertPatient(tx: TenantTx, p: NewPatient): Promise<PatientRow> {
  const [row] = await tx.insert(patients).values(p).returning();
  return row!;
}

/** A patient, locked for the caller's transaction when `forUpdate`. Merged (absorbed) ones too. */
export async function findPatient(tx: TenantTx, id: string, o: { forUpdate?: boolean } = {}) {
  const q = tx.select().from(patients).where(eq(patients.id, id));
  const [row] = o.forUpdate ? await q.for('update') : await q;
  return row;
}

/** Writes the new state if the row is still at `version` (optimistic concurrency). */
export async function updatePatient(
  tx: TenantTx,
  id: string,
  version: number,
  patch: Partial<NewPatient>,
): Promise<PatientRow | undefined> {
  const [row] = await tx
    .update(patients)
    .set({ ...patch, version: sql`${patients.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(patients.id, id), eq(patients.version, version)))
    .returning();
  return row;
}

export async function findPatientByIns(tx: TenantTx, matricule: string, oid: InsOid) {
  const [row] = await tx
    .select()
    .from(patients)
    .where(and(eq(patients.insMatricule, matricule), eq(patients.insOid, oid), isNull(patients.mergedInto)));
  return row;
}

export async function findPatientByIdentifier(tx: TenantTx, authority: string, value: string) {
  const [row] = await tx
    .select({ patient: patients })
    .from(patientIdentifiers)
    .innerJoin(patients, eq(patients.id, patientIdentifiers.patientId))
    .where(and(eq(patientIdentifiers.authority, authority), eq(patientIdentifiers.value, value)));
  return row?.patient;
}

export async function listIdentifiers(tx: TenantTx, patientId: string): Promise<PatientIdentifierRow[]> {
  return tx
    .select()
    .from(patientIdentifiers)
    .where(eq(patientIdentifiers.patientId, patientId))
    .orderBy(asc(patientIdentifiers.authority));
}

/** Attaches an identifier to a patient; an identifier already held by another patient is returned as a conflict. */
export async function attachIdentifier(tx: TenantTx, patientId: string, authority: string, value: string) {
  const [row] = await tx
    .insert(patientIdentifiers)
    .values({ patientId, authority, value })
    .onConflictDoNothing()
    .returning();
  if (row) return { attached: true as const };
  const [existing] = await tx
    .select()
    .from(patientIdentifiers)
    .where(and(eq(patientIdentifiers.authority, authority), eq(patientIdentifiers.value, value)));
  return existing!.patientId === patientId
    ? { attached: true as const }
    : { attached: false as const, heldBy: existing!.patientId };
}

/** Moves every identifier of `fromId` to `toId` (merge). */
export async function moveIdentifiers(tx: TenantTx, fromId: string, toId: string): Promise<number> {
  const moved = await tx
    .update(patientIdentifiers)
    .set({ patientId: toId })
    .where(eq(patientIdentifiers.patientId, fromId))
    .returning({ id: patientIdentifiers.id });
  return moved.length;
}

/** Marks a patient merged into another (kept for the history). */
export async function markPatientMerged(tx: TenantTx, absorbedId: string, survivorId: string): Promise<void> {
  await tx
    .update(patients)
    .set({ mergedInto: survivorId, version: sql`${patients.version} + 1`, updatedAt: sql`now()` })
    .where(eq(patients.id, absorbedId));
}

export async function replaceIdentifier(
  tx: TenantTx,
  authority: string,
  priorValue: string,
  newValue: string,
): Promise<boolean> {
  const updated = await tx
    .update(patientIdentifiers)
    .set({ value: newValue })
    .where(and(eq(patientIdentifiers.authority, authority), eq(patientIdentifiers.value, priorValue)))
    .returning({ id: patientIdentifiers.id });
  return updated.length > 0;
}

export interface PatientSearch {
  /**
   * A name as a search key (accent-free, upper case, separators as one space): it matches when
   * the whole key starts a birth or used family name ("LE GOFF"), or when its first words start
   * the family name and the others start a birth forename ("LE GOFF GWEN").
   */
  nameKey?: string;
  birthDate?: string;
  insMatricule?: string;
  identifier?: { value: string; authority?: string };
  limit?: number;
}

/** Active (not merged) patients matching every given criterion. */
export async function searchPatients(tx: TenantTx, q: PatientSearch): Promise<PatientRow[]> {
  const where: SQL[] = [isNull(patients.mergedInto)];
  if (q.nameKey) {
    // Every split of the words into a family-name part and a forename part ("LE GOFF GWEN").
    const words = q.nameKey.split(' ').slice(0, 8);
    const family = (key: string) =>
      or(like(patients.searchFamily, `${key}%`), like(patients.searchUsedFamily, `${key}%`))!;
    const splits = words
      .slice(1)
      .map((_, i) =>
        and(
          family(words.slice(0, i + 1).join(' ')),
          sql`(' ' || ${patients.searchGiven}) like ${`% ${words.slice(i + 1).join(' ')}%`}`,
        )!,
      );
    where.push(or(family(words.join(' ')), ...splits)!);
  }
  if (q.birthDate) where.push(eq(patients.birthDate, q.birthDate));
  if (q.insMatricule) where.push(eq(patients.insMatricule, q.insMatricule));
  if (q.identifier) {
    const { value, authority } = q.identifier;
    where.push(
      sql`exists (select 1 from ${patientIdentifiers} pi where pi.patient_id = ${patients.id} and pi.value = ${value}${
        authority ? sql` and pi.authority = ${authority}` : sql``
      })`,
    );
  }
  return tx
    .select()
    .from(patients)
    .where(and(...where))
    .orderBy(asc(patients.searchFamily), asc(patients.searchGiven), asc(patients.birthDate), asc(patients.id))
    .limit(Math.min(q.limit ?? 50, 200));
}

export async function insertIdentityEvent(
  tx: TenantTx,
  e: typeof identityEvents.$inferInsert,
): Promise<void> {
  await tx.insert(identityEvents).values(e);
}

export async function listIdentityEvents(tx: TenantTx, patientId: string): Promise<IdentityEventRow[]> {
  return tx
    .select()
    .from(identityEvents)
    .where(eq(identityEvents.patientId, patientId))
    .orderBy(desc(identityEvents.at), desc(identityEvents.id));
}
