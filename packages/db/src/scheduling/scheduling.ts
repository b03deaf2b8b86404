import { and, asc, eq, gte, inArray, isNull, lt, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import {
  accessionNumber,
  AppError,
  keepFinalExamStatus,
  nextExamStatus,
  nextOrderStatus,
  normaliseAeTitle,
  uuidToDicomUid,
  type ExamStatus,
  type ModalityType,
  type OrderSource,
  type OrderStatus,
  type OrderUrgency,
} from '@rayon/domain';
import { dicomAeTitles } from '../schema/platform.ts';
import {
  appointments,
  examTypes,
  exams,
  modalities,
  orders,
  patients,
  performedSteps,
  referrers,
  rooms,
} from '../schema/tenant.ts';
import type { TenantTx } from '../client.ts';

export type RoomRow = typeof rooms.$inferSelect;
export type ModalityRow = typeof modalities.$inferSelect;
export type ExamTypeRow = typeof examTypes.$inferSelect;
export type ReferrerRow = typeof referrers.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;
export type ExamRow = typeof exams.$inferSelect;
export type AppointmentRow = typeof appointments.$inferSelect;

/** PostgreSQL's exclusion_violation, behind drizzle's wrapper. */
const sqlState = (e: unknown) =>
  ((e as { cause?: { code?: string } }).cause ?? (e as { code?: string }))?.code;
const isExclusionViolation = (e: unknown) => sqlState(e) === '23P01';
const isDeadlock = (e: unknown) => sqlState(e) === '40P01';

export async function insertRoom(tx: TenantTx, r: { siteId: string; name: string }): Promise<RoomRow> {
  const [row] = await tx.insert(rooms).values(r).returning();
  return row!;
}

export async function listRooms(tx: TenantTx): Promise<RoomRow[]> {
  return tx.select().from(rooms).orderBy(asc(rooms.name));
}

export async function findRoom(tx: TenantTx, id: string): Promise<RoomRow | undefined> {
  const [row] = await tx.select().from(rooms).where(eq(rooms.id, id));
  return row;
}

/** The rooms with these ids (by primary key). */
export async function findRooms(tx: TenantTx, ids: readonly string[]): Promise<RoomRow[]> {
  return ids.length === 0
    ? []
    : tx
        .select()
        .from(rooms)
        .where(inArray(rooms.id, [...ids]));
}

/** A modality and its AE title, reserved platform-wide in the same transaction. */
export async function insertModality(
  tx: TenantTx,
  input: Omit<typeof modalities.$inferInsert, 'id' | 'createdAt'>,
): Promise<ModalityRow> {
  const m = {
    ...input,
    aeTitle: normaliseAeTitle(input.aeTitle),
    ...(input.callingAeTitles
      ? { callingAeTitles: [...new Set(input.callingAeTitles.map(normaliseAeTitle))] }
      : {}),
  };
  const [row] = await tx.insert(modalities).values(m).onConflictDoNothing().returning();
  const [reserved] = row
    ? await tx
        .insert(dicomAeTitles)
        .values({ aeTitle: m.aeTitle, tenantId: tx.tenant.id, modalityId: row.id })
        .onConflictDoNothing()
        .returning()
    : [];
  if (!row || !reserved) {
    throw new AppError('CONFLICT', `the AE title ${m.aeTitle} is already used`, {
      field: 'aeTitle',
      reason: 'scheduling.ae_title.taken',
      params: { aeTitle: m.aeTitle },
    });
  }
  return row;
}

/** The practice's modalities (of one `type`), retired ones included unless `active`. */
export async function listModalities(
  tx: TenantTx,
  o: { active?: boolean; type?: ModalityType } = {},
): Promise<ModalityRow[]> {
  return tx
    .select()
    .from(modalities)
    .where(
      and(
        o.active ? isNull(modalities.retiredAt) : undefined,
        o.type ? eq(modalities.type, o.type) : undefined,
      ),
    )
    .orderBy(asc(modalities.name));
}

/** Who may speak DICOM for a modality (normalised by the caller): calling AE titles, addresses, certificates. */
export async function setModalityCallers(
  tx: TenantTx,
  id: string,
  callers: { callingAeTitles: string[]; allowedSources: string[]; clientCertFingerprints: string[] },
): Promise<ModalityRow | undefined> {
  const [row] = await tx
    .update(modalities)
    .set({ ...callers, callingAeTitles: [...new Set(callers.callingAeTitles.map(normaliseAeTitle))] })
    .where(eq(modalities.id, id))
    .returning();
  return row;
}

/**
 * Retires a modality (`at`), or puts it back in service (`null`). A retired modality keeps its
 * history and its AE title, still reserved for the practice (past worklists, performed steps and
 * images name it), but takes no booking and no association.
 */
export async function setModalityRetired(
  tx: TenantTx,
  id: string,
  at: Date | null,
): Promise<ModalityRow | undefined> {
  const [row] = await tx.update(modalities).set({ retiredAt: at }).where(eq(modalities.id, id)).returning();
  return row;
}

/**
 * Deletes a modality that has no history (no appointment, even released, and no performed step)
 * and releases its AE title platform-wide. `false` when not found; CONFLICT when it has history
 * (retire it instead).
 */
export async function deleteModality(tx: TenantTx, id: string): Promise<boolean> {
  const [modality] = await tx.select().from(modalities).where(eq(modalities.id, id)).for('update');
  if (!modality) return false;
  const [booked] = await tx
    .select({ id: appointments.id })
    .from(appointments)
    .where(eq(appointments.modalityId, id))
    .limit(1);
  const [performed] = await tx
    .select({ uid: performedSteps.sopInstanceUid })
    .from(performedSteps)
    .where(eq(performedSteps.modalityId, id))
    .limit(1);
  if (booked || performed) {
    throw new AppError('CONFLICT', 'this modality has appointments or performed steps: retire it instead', {
      field: 'id',
      reason: 'scheduling.modality.has_history',
    });
  }
  await tx
    .delete(dicomAeTitles)
    .where(and(eq(dicomAeTitles.modalityId, id), eq(dicomAeTitles.tenantId, tx.tenant.id)));
  await tx.delete(modalities).where(eq(modalities.id, id));
  return true;
}

export async function findModality(tx: TenantTx, id: string): Promise<ModalityRow | undefined> {
  const [row] = await tx.select().from(modalities).where(eq(modalities.id, id));
  return row;
}

export async function insertExamType(
  tx: TenantTx,
  e: Omit<typeof examTypes.$inferInsert, 'id' | 'createdAt'>,
) {
  const [row] = await tx.insert(examTypes).values(e).returning();
  return row!;
}

export async function listExamTypes(tx: TenantTx): Promise<ExamTypeRow[]> {
  return tx.select().from(examTypes).orderBy(asc(examTypes.label));
}

export async function findExamType(tx: TenantTx, id: string): Promise<ExamTypeRow | undefined> {
  const [row] = await tx.select().from(examTypes).where(eq(examTypes.id, id));
  return row;
}

/** The catalogue entries with these ids (by primary key). */
export async function findExamTypes(tx: TenantTx, ids: readonly string[]): Promise<ExamTypeRow[]> {
  return ids.length === 0
    ? []
    : tx
        .select()
        .from(examTypes)
        .where(inArray(examTypes.id, [...ids]));
}

/** The catalogue entry of a CCAM code (the first by label when several share it). */
export async function findExamTypeByCcam(tx: TenantTx, ccamCode: string): Promise<ExamTypeRow | undefined> {
  const [row] = await tx
    .select()
    .from(examTypes)
    .where(eq(examTypes.ccamCode, ccamCode))
    .orderBy(asc(examTypes.label))
    .limit(1);
  return row;
}

type ReferrerValues = Omit<typeof referrers.$inferInsert, 'id' | 'createdAt'>;

/** The refusal when another referrer of the practice has this RPPS or ADELI (both are unique). */
async function referrerConflict(
  tx: TenantTx,
  r: ReferrerValues,
  exceptId?: string,
): Promise<AppError | null> {
  for (const field of ['rpps', 'adeli'] as const) {
    const value = r[field];
    if (!value) continue;
    const [other] = await tx
      .select({ id: referrers.id })
      .from(referrers)
      .where(eq(referrers[field], value))
      .limit(1);
    if (other && other.id !== exceptId) {
      return new AppError('CONFLICT', `a referrer with ${field.toUpperCase()} ${value} exists`, {
        field,
        reason: 'scheduling.referrer.taken',
        params: { identifier: field, value },
      });
    }
  }
  return null;
}

export async function insertReferrer(tx: TenantTx, r: ReferrerValues) {
  const [row] = await tx.insert(referrers).values(r).onConflictDoNothing().returning();
  if (!row) {
    throw (
      (await referrerConflict(tx, r)) ??
      new AppError('CONFLICT', 'a referrer with this RPPS or ADELI exists', { field: 'rpps' })
    );
  }
  return row;
}

/** Replaces a referrer's details; undefined when there is no such referrer. */
export async function updateReferrer(tx: TenantTx, id: string, r: ReferrerValues) {
  const conflict = await referrerConflict(tx, r, id);
  if (conflict) throw conflict;
  const [row] = await tx.update(referrers).set(r).where(eq(referrers.id, id)).returning();
  return row;
}

export async function findReferrer(tx: TenantTx, id: string) {
  const [row] = await tx.select().from(referrers).where(eq(referrers.id, id)).limit(1);
  return row;
}

export async function listReferrers(tx: TenantTx): Promise<ReferrerRow[]> {
  return tx.select().from(referrers).orderBy(asc(referrers.familyName));
}

/** A referrer without RPPS known by name alone (the first by family name when several match). */
export async function findReferrerByName(
  tx: TenantTx,
  name: { familyName: string; givenName: string | null },
): Promise<ReferrerRow | undefined> {
  const [row] = await tx
    .select()
    .from(referrers)
    .where(
      and(
        isNull(referrers.rpps),
        eq(referrers.familyName, name.familyName),
        name.givenName === null ? isNull(referrers.givenName) : eq(referrers.givenName, name.givenName),
      ),
    )
    .orderBy(asc(referrers.familyName))
    .limit(1);
  return row;
}

/** The next value of the practice's accession number sequence. */
export async function nextAccessionValue(tx: TenantTx): Promise<number> {
  const [row] = (await tx.execute(sql`select nextval('accession_seq')::int as n`)) as unknown as [
    { n: number },
  ];
  return row.n;
}

export async function insertOrder(
  tx: TenantTx,
  o: Omit<typeof orders.$inferInsert, 'createdAt' | 'updatedAt'>,
) {
  const [row] = await tx.insert(orders).values(o).returning();
  return row!;
}

/**
 * An order and one exam per requested exam type: the id, the accession number (the practice's
 * sequence) and the Study Instance UID (2.25 form of the id) are made here, once for every caller.
 */
export async function insertOrderWithExams(
  tx: TenantTx,
  o: {
    patientId: string;
    referrerId: string | null;
    /** A catalogue entry, or (orders received by HL7) the modality type and the placer's words. */
    exams: { examTypeId: string | null; modalityType: ModalityType; requestedProcedure?: string | null }[];
    urgency: OrderUrgency;
    clinicalInfo: string | null;
    placerOrderNumber: string | null;
    placerAuthority?: string;
    source: OrderSource;
    /** `scheduled` when the caller books the exams in the same transaction. */
    status: 'requested' | 'scheduled';
  },
): Promise<OrderRow & { exams: ExamRow[] }> {
  const { exams: requested, ...fields } = o;
  const id = randomUUID();
  const order = await insertOrder(tx, {
    ...fields,
    id,
    accessionNumber: accessionNumber(await nextAccessionValue(tx)),
    studyInstanceUid: uuidToDicomUid(id),
  });
  const exams: ExamRow[] = [];
  for (const [i, exam] of requested.entries()) {
    exams.push(
      await insertExam(tx, {
        ...exam,
        orderId: id,
        stepId: `${order.accessionNumber}-${i + 1}`,
        status: o.status,
      }),
    );
  }
  return { ...order, exams };
}

export async function findOrder(tx: TenantTx, id: string): Promise<OrderRow | undefined> {
  const [row] = await tx.select().from(orders).where(eq(orders.id, id));
  return row;
}

/**
 * Sets an order's status. Every write of it goes through the domain's rule: an order completed
 * or cancelled keeps its status (CONFLICT); the database's trigger is the last guard.
 */
export async function setOrderStatus(tx: TenantTx, id: string, status: OrderStatus): Promise<void> {
  await checkOrderStatus(tx, id, status);
  await tx
    .update(orders)
    .set({ status, updatedAt: sql`now()` })
    .where(eq(orders.id, id));
}

export async function insertExam(
  tx: TenantTx,
  e: Omit<typeof exams.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>,
) {
  const [row] = await tx.insert(exams).values(e).returning();
  return row!;
}

export async function findExam(tx: TenantTx, id: string, o: { forUpdate?: boolean } = {}) {
  const q = tx.select().from(exams).where(eq(exams.id, id));
  const [row] = o.forUpdate ? await q.for('update') : await q;
  return row;
}

export async function listOrderExams(tx: TenantTx, orderId: string): Promise<ExamRow[]> {
  return tx.select().from(exams).where(eq(exams.orderId, orderId)).orderBy(asc(exams.createdAt));
}

async function checkOrderStatus(tx: TenantTx, id: string, status: OrderStatus): Promise<void> {
  const [row] = await tx
    .select({ status: orders.status })
    .from(orders)
    .where(eq(orders.id, id))
    .for('update');
  if (row) nextOrderStatus(row.status, status);
}

/**
 * Sets an exam's status. An exam completed, discontinued or cancelled keeps its status
 * (CONFLICT, the domain's rule; the database's trigger is the last guard); the transitions
 * themselves are checked by the callers ({@link nextExamStatus}).
 */
export async function setExamStatus(tx: TenantTx, id: string, status: ExamStatus): Promise<void> {
  const [row] = await tx.select({ status: exams.status }).from(exams).where(eq(exams.id, id)).for('update');
  if (row) keepFinalExamStatus(row.status, status);
  await tx
    .update(exams)
    .set({ status, updatedAt: sql`now()` })
    .where(eq(exams.id, id));
}

export async function setExamType(tx: TenantTx, id: string, examTypeId: string): Promise<void> {
  await tx
    .update(exams)
    .set({ examTypeId, updatedAt: sql`now()` })
    .where(eq(exams.id, id));
}

/**
 * Books a slot. The exclusion constraint refuses an overlap on the same modality, whatever the
 * number of concurrent bookings: the loser gets CONFLICT. Several bookings of one slot in flight
 * can wait on each other inside the constraint's check; PostgreSQL then ends one with a deadlock,
 * and that insert is tried again (it now waits for the other and gets its answer).
 */
export async function insertAppointment(
  tx: TenantTx,
  a: { examId: string; modalityId: string; startsAt: Date; endsAt: Date },
): Promise<AppointmentRow> {
  for (let attempt = 1; ; attempt++) {
    try {
      // A savepoint, so that the caller's transaction survives the refusal.
      return await tx.transaction(async (sp) => {
        const [row] = await sp.insert(appointments).values(a).returning();
        return row!;
      });
    } catch (e) {
      if (isExclusionViolation(e)) {
        throw new AppError('CONFLICT', 'this slot is already booked on this modality', {
          field: 'startsAt',
          reason: 'scheduling.slot.taken',
        });
      }
      if (!isDeadlock(e) || attempt >= 5) throw e;
    }
  }
}

export async function activeAppointmentOfExam(
  tx: TenantTx,
  examId: string,
): Promise<AppointmentRow | undefined> {
  const [row] = await tx
    .select()
    .from(appointments)
    .where(and(eq(appointments.examId, examId), eq(appointments.active, true)));
  return row;
}

export async function releaseAppointment(tx: TenantTx, id: string): Promise<void> {
  await tx.update(appointments).set({ active: false }).where(eq(appointments.id, id));
}

// ------------------------------------------------------------------ desk, planning, availability

/** What the desk and the planning show of a patient: the usual display fields. */
const patientDisplay = {
  id: patients.id,
  birthFamilyName: patients.birthFamilyName,
  usedFamilyName: patients.usedFamilyName,
  firstBirthForename: patients.firstBirthForename,
  usedForename: patients.usedForename,
  birthDate: patients.birthDate,
  sex: patients.sex,
};

/**
 * The appointments of a period (desk's day, week, worklist), starting in [from, to), with
 * patient, exam, exam type, order and modality: the active ones, and the last appointment of an
 * exam that ended absent or cancelled, so that the day still shows « absent ».
 */
export async function listScheduleEntries(
  tx: TenantTx,
  q: { from: Date; to: Date; modalityId?: string | undefined; activeOnly?: boolean },
) {
  return tx
    .select({
      appointment: appointments,
      exam: exams,
      order: orders,
      modality: modalities,
      examType: examTypes,
      patient: patientDisplay,
    })
    .from(appointments)
    .innerJoin(exams, eq(exams.id, appointments.examId))
    .innerJoin(orders, eq(orders.id, exams.orderId))
    .innerJoin(modalities, eq(modalities.id, appointments.modalityId))
    .innerJoin(patients, eq(patients.id, orders.patientId))
    .leftJoin(examTypes, eq(examTypes.id, exams.examTypeId))
    .where(
      and(
        gte(appointments.startsAt, q.from),
        lt(appointments.startsAt, q.to),
        q.modalityId ? eq(appointments.modalityId, q.modalityId) : undefined,
        q.activeOnly
          ? eq(appointments.active, true)
          : sql`(${appointments.active} or (${exams.status} in ('no_show', 'cancelled') and ${appointments.id} = (
          select a2.id from appointments a2 where a2.exam_id = ${exams.id} order by a2.created_at desc limit 1)))`,
      ),
    )
    .orderBy(asc(appointments.startsAt), asc(modalities.name));
}

/** New weekly opening hours of a modality; undefined when it is not one of the practice's. */
export async function setModalityOpeningHours(
  tx: TenantTx,
  id: string,
  openingHours: ModalityRow['openingHours'],
): Promise<ModalityRow | undefined> {
  const [row] = await tx.update(modalities).set({ openingHours }).where(eq(modalities.id, id)).returning();
  return row;
}

/** Active appointments of these modalities overlapping [from, to): what a free slot must avoid. */
export async function listBusyIntervals(tx: TenantTx, q: { modalityIds: string[]; from: Date; to: Date }) {
  if (q.modalityIds.length === 0) return [];
  return tx
    .select({
      modalityId: appointments.modalityId,
      examId: appointments.examId,
      start: appointments.startsAt,
      end: appointments.endsAt,
    })
    .from(appointments)
    .where(
      and(
        eq(appointments.active, true),
        inArray(appointments.modalityId, q.modalityIds),
        lt(appointments.startsAt, q.to),
        sql`${appointments.endsAt} > ${q.from.toISOString()}::timestamptz`,
      ),
    );
}

/**
 * Demandes to schedule: orders with at least one exam still requested (urgent first, then the
 * oldest), with patient and referrer, and all their exams with their catalogue entry if any.
 */
export async function listOrdersToSchedule(tx: TenantTx, q: { patientId?: string; limit?: number } = {}) {
  const rows = await tx
    .select({ order: orders, patient: patientDisplay, referrer: referrers })
    .from(orders)
    .innerJoin(patients, eq(patients.id, orders.patientId))
    .leftJoin(referrers, eq(referrers.id, orders.referrerId))
    .where(
      and(
        sql`exists (select 1 from exams e where e.order_id = ${orders.id} and e.status = 'requested')`,
        q.patientId ? eq(orders.patientId, q.patientId) : undefined,
      ),
    )
    .orderBy(sql`${orders.urgency} = 'urgent' desc`, asc(orders.createdAt))
    .limit(q.limit ?? 200);
  if (rows.length === 0) return [];
  const examRows = await tx
    .select({ exam: exams, examType: examTypes })
    .from(exams)
    .leftJoin(examTypes, eq(examTypes.id, exams.examTypeId))
    .where(
      inArray(
        exams.orderId,
        rows.map((r) => r.order.id),
      ),
    )
    .orderBy(asc(exams.stepId));
  return rows.map((r) => ({
    ...r,
    exams: examRows.filter((e) => e.exam.orderId === r.order.id),
  }));
}

/**
 * Scheduled procedure steps for the Modality Worklist: active appointments whose exam is
 * scheduled or arrived, starting in [from, to), with patient, order, exam type and modality.
 */
export async function listWorklistSteps(tx: TenantTx, q: { from?: Date; to?: Date; limit?: number }) {
  return tx
    .select({
      appointment: appointments,
      exam: exams,
      order: orders,
      modality: modalities,
      examType: examTypes,
      patient: patients,
      referrer: referrers,
      ipp: sql<
        string | null
      >`(select value from patient_identifiers pi where pi.patient_id = ${patients.id} order by pi.created_at limit 1)`,
      ippAuthority: sql<
        string | null
      >`(select authority from patient_identifiers pi where pi.patient_id = ${patients.id} order by pi.created_at limit 1)`,
    })
    .from(appointments)
    .innerJoin(exams, eq(exams.id, appointments.examId))
    .innerJoin(orders, eq(orders.id, exams.orderId))
    .innerJoin(modalities, eq(modalities.id, appointments.modalityId))
    .innerJoin(examTypes, eq(examTypes.id, exams.examTypeId))
    .innerJoin(patients, eq(patients.id, orders.patientId))
    .leftJoin(referrers, eq(referrers.id, orders.referrerId))
    .where(
      and(
        eq(appointments.active, true),
        inArray(exams.status, ['scheduled', 'arrived']),
        q.from ? gte(appointments.startsAt, q.from) : undefined,
        q.to ? lt(appointments.startsAt, q.to) : undefined,
      ),
    )
    .orderBy(asc(appointments.startsAt))
    .limit(q.limit ?? 5000);
}

/** The exam behind a worklist step (MPPS), by its step id. */
export async function findExamByStepId(tx: TenantTx, stepId: string) {
  const [row] = await tx.select().from(exams).where(eq(exams.stepId, stepId)).for('update');
  return row;
}

/** The order a placer knows by its number (ORC-2), locked for the change it brings. */
export async function findOrderByPlacer(
  tx: TenantTx,
  authority: string,
  number: string,
): Promise<OrderRow | undefined> {
  const [row] = await tx
    .select()
    .from(orders)
    .where(and(eq(orders.placerAuthority, authority), eq(orders.placerOrderNumber, number)))
    .for('update');
  return row;
}

export async function updateOrder(
  tx: TenantTx,
  id: string,
  fields: Partial<Pick<OrderRow, 'urgency' | 'clinicalInfo' | 'referrerId' | 'performed'>> & {
    status?: OrderStatus;
  },
): Promise<void> {
  if (fields.status) await checkOrderStatus(tx, id, fields.status);
  await tx
    .update(orders)
    .set({ ...fields, updatedAt: sql`now()` })
    .where(eq(orders.id, id));
}

export async function findReferrerByRpps(tx: TenantTx, rpps: string): Promise<ReferrerRow | undefined> {
  const [row] = await tx.select().from(referrers).where(eq(referrers.rpps, rpps));
  return row;
}

/**
 * Cancels an order: each exam not yet cancelled is cancelled (refused, by the domain, once
 * the exam is under way) and its slot freed.
 */
export async function cancelOrderAndExams(tx: TenantTx, orderId: string): Promise<ExamRow[]> {
  for (const exam of await listOrderExams(tx, orderId)) {
    if (exam.status === 'cancelled') continue;
    nextExamStatus(exam.status, 'cancelled');
    const appointment = await activeAppointmentOfExam(tx, exam.id);
    if (appointment) await releaseAppointment(tx, appointment.id);
    await setExamStatus(tx, exam.id, 'cancelled');
  }
  await setOrderStatus(tx, orderId, 'cancelled');
  return listOrderExams(tx, orderId);
}
