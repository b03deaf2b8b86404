/**
 * The scheduling service: rooms, modalities, exam catalogue, referrers; orders and their exams;
 * appointments and planning; worklist matching. One file per area under `scheduling/`, composed
 * here into the one service object the tRPC and REST routers call.
 */
import type { Deps } from './deps.ts';
import { appointmentService } from './scheduling/appointments.ts';
import { catalogueService } from './scheduling/catalogue.ts';
import { modalityService } from './scheduling/modalities.ts';
import { orderService } from './scheduling/orders.ts';
import { referrerService } from './scheduling/referrers.ts';
import { schedulingScope } from './scheduling/scope.ts';
import { worklistService } from './scheduling/worklist.ts';

export function createSchedulingService(deps: Deps, clock: () => Date = () => new Date()) {
  const scope = schedulingScope(deps, clock);
  return {
    ...modalityService(scope),
    ...catalogueService(scope),
    ...referrerService(scope),
    ...orderService(scope),
    ...appointmentService(scope),
    ...worklistService(scope),
  };
}
