/**
 * The scheduling area: rooms, modalities, exam catalogue, referrers; orders and their exams;
 * appointments and planning; the Modality Worklist and MPPS. Each use case takes the explicit
 * context first (practice, actor, request id, clock); the API, the gateway and the inbound HL7
 * channel call them the same way. One file per part, composed here.
 */
import { appointmentUseCases } from './appointments.ts';
import { catalogueUseCases } from './catalogue.ts';
import type { SchedulingDeps } from './deps.ts';
import { modalityUseCases } from './modalities.ts';
import { mppsUseCases } from './mpps.ts';
import { orderUseCases } from './orders.ts';
import { referrerUseCases } from './referrers.ts';
import { worklistUseCases } from './worklist.ts';

export function createScheduling(deps: SchedulingDeps) {
  return {
    ...modalityUseCases(deps),
    ...catalogueUseCases(deps),
    ...referrerUseCases(deps),
    ...orderUseCases(deps),
    ...appointmentUseCases(deps),
    ...worklistUseCases(deps),
    ...mppsUseCases(deps),
  };
}
export type Scheduling = ReturnType<typeof createScheduling>;
export type { SchedulingDeps } from './deps.ts';
export { applyOrders, type Hl7OrderContext } from './hl7-orders.ts';
export type { PerformedStepOutcome, UnknownSteps } from './mpps.ts';
