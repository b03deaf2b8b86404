import { z } from 'zod';

/** Input schemas of the scheduling area, shared by tRPC and the public REST API. */

export const createOrderInput = z.strictObject({
  patientId: z.uuid(),
  referrerId: z.uuid().nullish(),
  examTypeIds: z.array(z.uuid()).min(1, 'at least one exam').max(10),
  urgency: z.enum(['routine', 'urgent']),
  clinicalInfo: z.string().trim().max(4000).nullish(),
});

export const bookInput = z.strictObject({
  examId: z.uuid(),
  modalityId: z.uuid(),
  /** For an exam received without a catalogue entry (HL7 orders): the entry it is booked as. */
  examTypeId: z.uuid().optional(),
  startsAt: z.iso.datetime({ offset: true }),
});
