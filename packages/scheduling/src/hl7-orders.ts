/**
 * What an order message (ORM^O01, OMI^O23) does to the practice's orders, in the caller's
 * transaction: NW creates the order (for the patient the inbound channel found or created from
 * the PID), XO changes it, CA cancels it, SR records the exam done at the placer's site. A
 * refusal throws before the transaction commits, so nothing of the message is kept half-done. A
 * completed or cancelled order never leaves that status: XO, CA (of a completed order) and SR (of
 * a cancelled one) are refused with ERR 207 at ORC-1.
 */
import {
  cancelOrderAndExams,
  findExamTypeByCcam,
  findOrderByPlacer,
  findReferrerByName,
  findReferrerByRpps,
  insertExam,
  insertOrderWithExams,
  insertReferrer,
  listOrderExams,
  recordAudit,
  setExamStatus,
  updateOrder,
  type Actor,
  type OrderRow,
  type TenantTx,
} from '@rayon/db';
import { examDoneElsewhere, isAppError, isFinalOrderStatus, type ModalityType } from '@rayon/domain';
import { Hl7Error, type Hl7Location, type OrderGroup } from '@rayon/hl7';

/** Who applies the message: the sender's system actor, and the stored message the audit names. */
export interface Hl7OrderContext {
  actor: Actor;
  hl7MessageId?: string | null;
}

interface RequestedExam {
  examTypeId: string | null;
  modalityType: ModalityType;
  requestedProcedure: string | null;
}

const refused = (message: string, location: Hl7Location, code: '101' | '103' | '204' | '205' | '207') =>
  new Hl7Error('content', code, message, { location });

/** The exams a group asks for: a catalogue entry by CCAM code, else one per modality named. */
async function requestedExams(tx: TenantTx, group: OrderGroup): Promise<RequestedExam[]> {
  const procedure = group.procedure;
  if (procedure && procedure.system.toUpperCase() === 'CCAM') {
    const type = await findExamTypeByCcam(tx, procedure.code);
    if (!type) {
      throw refused(
        `CCAM code ${JSON.stringify(procedure.code.slice(0, 20))} is not in the practice's exam catalogue`,
        group.procedureAt,
        '103',
      );
    }
    return [{ examTypeId: type.id, modalityType: type.modalityType, requestedProcedure: null }];
  }
  if (group.modalityTypes.length === 0) {
    throw refused(
      'no exam named: an OBX MODALITE_IMAGERIE or a CCAM code of the catalogue in OBR-4 is required',
      group.procedureAt,
      '101',
    );
  }
  const regions = group.regions.join(', ');
  return group.modalityTypes.map((m) => ({
    examTypeId: null,
    modalityType: m.type,
    requestedProcedure: regions ? `${m.label} : ${regions}` : m.label,
  }));
}

/** The referrer of the ordering provider: by RPPS, else by name; created when new. */
async function referrerOf(tx: TenantTx, group: OrderGroup): Promise<string | null> {
  const p = group.provider;
  if (!p || p.familyName === '') return null;
  const known = p.rpps ? await findReferrerByRpps(tx, p.rpps) : await findReferrerByName(tx, p);
  if (known) return known.id;
  const created = await insertReferrer(tx, {
    rpps: p.rpps,
    familyName: p.familyName,
    givenName: p.givenName,
    specialty: null,
    mssanteAddress: null,
  });
  return created.id;
}

async function existingOrder(tx: TenantTx, group: OrderGroup): Promise<OrderRow> {
  const order = await findOrderByPlacer(tx, group.placer.authority, group.placer.number);
  if (!order) {
    throw refused(`unknown order ${group.placer.number}`, { ...group.at, field: 2 }, '204');
  }
  return order;
}

/**
 * An order completed or cancelled stays so: a change, a cancel or an "exam done" after that is
 * refused (AE, ERR 207 at ORC-1) and nothing of the message is kept.
 */
function refuseIfFinal(order: OrderRow, group: OrderGroup, refusal: string): void {
  if (isFinalOrderStatus(order.status)) {
    throw refused(
      `order ${group.placer.number} is ${order.status}: ${refusal}`,
      { ...group.at, field: 1 },
      '207',
    );
  }
}

const sameExams = (a: RequestedExam[], b: RequestedExam[]) =>
  a.length === b.length &&
  a.every(
    (x, i) =>
      x.examTypeId === b[i]!.examTypeId &&
      x.modalityType === b[i]!.modalityType &&
      x.requestedProcedure === b[i]!.requestedProcedure,
  );

async function applyGroup(
  tx: TenantTx,
  group: OrderGroup,
  patientId: string,
  ctx: Hl7OrderContext,
): Promise<void> {
  const audit = (action: string, target: string, details: Record<string, unknown> = {}) =>
    recordAudit(tx, {
      actor: ctx.actor,
      action,
      target,
      details: { ...details, hl7MessageId: ctx.hl7MessageId },
    });

  switch (group.control) {
    case 'NW': {
      if (await findOrderByPlacer(tx, group.placer.authority, group.placer.number)) {
        throw refused(`order ${group.placer.number} already exists`, { ...group.at, field: 2 }, '205');
      }
      const order = await insertOrderWithExams(tx, {
        patientId,
        referrerId: await referrerOf(tx, group),
        exams: await requestedExams(tx, group),
        urgency: group.urgency,
        clinicalInfo: group.clinicalInfo,
        placerOrderNumber: group.placer.number,
        placerAuthority: group.placer.authority,
        status: 'requested',
        source: 'hl7',
      });
      await audit('order.created', order.id, { exams: order.exams.length });
      return;
    }
    case 'XO': {
      const order = await existingOrder(tx, group);
      if (order.patientId !== patientId) {
        throw refused(
          `order ${group.placer.number} is for another patient`,
          { segment: 'PID', sequence: 1, field: 3 },
          '204',
        );
      }
      refuseIfFinal(order, group, 'it can no longer change');
      const wanted = await requestedExams(tx, group);
      const active = (await listOrderExams(tx, order.id)).filter((e) => e.status !== 'cancelled');
      if (!sameExams(active, wanted)) {
        if (active.some((e) => e.status !== 'requested')) {
          throw refused(
            `order ${group.placer.number} is already scheduled: its exams cannot change (cancel it and send a new order)`,
            group.procedureAt,
            '207',
          );
        }
        for (const exam of active) await setExamStatus(tx, exam.id, 'cancelled');
        const count = (await listOrderExams(tx, order.id)).length;
        for (const [i, exam] of wanted.entries()) {
          await insertExam(tx, {
            ...exam,
            orderId: order.id,
            stepId: `${order.accessionNumber}-${count + i + 1}`,
            status: 'requested',
          });
        }
      }
      await updateOrder(tx, order.id, {
        urgency: group.urgency,
        clinicalInfo: group.clinicalInfo,
        referrerId: await referrerOf(tx, group),
      });
      await audit('order.changed', order.id);
      return;
    }
    case 'CA': {
      const order = await existingOrder(tx, group);
      if (order.status === 'cancelled') return;
      refuseIfFinal(order, group, 'it can no longer be cancelled');
      await cancelOrderAndExams(tx, order.id);
      await audit('order.cancelled', order.id, group.reason ? { reason: group.reason } : {});
      return;
    }
    case 'SR': {
      const order = await existingOrder(tx, group);
      // The same complement sent again changes nothing but the complement itself.
      if (order.status !== 'completed') refuseIfFinal(order, group, 'an exam done cannot be recorded');
      for (const exam of await listOrderExams(tx, order.id)) {
        if (exam.status === 'cancelled') continue;
        await setExamStatus(tx, exam.id, examDoneElsewhere(exam.status));
      }
      await updateOrder(tx, order.id, { status: 'completed', performed: group.performed });
      await audit('order.performed', order.id);
      return;
    }
  }
}

/** Applies the orders of a message to `patientId`, the patient its PID names. */
export async function applyOrders(
  tx: TenantTx,
  orders: readonly OrderGroup[],
  patientId: string,
  ctx: Hl7OrderContext,
): Promise<void> {
  for (const group of orders) {
    try {
      await applyGroup(tx, group, patientId, ctx);
    } catch (e) {
      // A refused transition or a clash on an order points at its ORC, not at the PID.
      if (isAppError(e) && !(e instanceof Hl7Error) && (e.code === 'CONFLICT' || e.code === 'BAD_INPUT')) {
        throw refused(e.message, { ...group.at, field: 1 }, '207');
      }
      throw e;
    }
  }
}
