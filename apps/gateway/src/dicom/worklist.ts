import {
  findAeTitleTenant,
  findModality,
  systemContext,
  type Database,
  type UseCaseContext,
} from '@rayon/db';
import {
  startWorklistScp,
  type AssociationRejection,
  type SourceLimiter,
  type WorklistQuery,
} from '@rayon/dicom';
import { admitDicomPeer, normaliseAeTitle, zonedDayBounds, type PeerRefusal } from '@rayon/domain';
import { createScheduling } from '@rayon/scheduling';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';

/** A DICOM date (YYYYMMDD) as the practice's calendar date (YYYY-MM-DD). */
const calendarDate = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;

/**
 * The database window for a query's scheduled start date (single date or range): the Paris days
 * it names, from the first one's midnight to the midnight after the last one (a step's DICOM date
 * is its Paris date); the exact match is made on the items.
 */
function windowOf(query: WorklistQuery): { from?: Date; to?: Date } {
  const step = (query.ScheduledProcedureStepSequence as Record<string, unknown>[] | undefined)?.[0];
  const value =
    typeof step?.ScheduledProcedureStepStartDate === 'string'
      ? step.ScheduledProcedureStepStartDate.trim()
      : '';
  const m = /^(\d{8})?(-)?(\d{8})?$/.exec(value);
  if (!value || !m) return {};
  const [, a, dash, b] = m;
  const last = dash ? b : a;
  return {
    ...(a ? { from: zonedDayBounds(calendarDate(a)).start } : {}),
    ...(last ? { to: zonedDayBounds(calendarDate(last)).end } : {}),
  };
}

/**
 * How a refusal is told to the peer (A-ASSOCIATE-RJ, rejected-permanent, service-user):
 * - a retired modality's AE title no longer serves: called AE title not recognized;
 * - a calling AE title the modality has not registered: calling AE title not recognized;
 * - an address, or a missing / unregistered client certificate: no reason given. PS3.8 has no
 *   reason for "not from there"; "calling AE title not recognized" would be untrue (the title
 *   may be right) and would send the modality's engineer to the wrong setting, and a specific
 *   answer would let a stranger probe the registered titles. The gateway's log says which.
 */
const REJECTIONS: Record<PeerRefusal, AssociationRejection> = {
  retired: 'called-ae',
  'calling-ae': 'calling-ae',
  source: 'no-reason',
  'tls-required': 'no-reason',
  certificate: 'no-reason',
};

/**
 * What an accepted association acts for: a practice's modality. Its use cases run under the
 * system actor `mpps` (as the audit trail names what a modality did) and the association's id.
 */
interface ModalityAssociation {
  ctx: UseCaseContext;
  modalityId: string;
}

/**
 * The Modality Worklist and MPPS on one port for every practice: the called AE title is a
 * modality's AE title, which names its practice; the association is accepted only from the
 * calling AE titles, addresses (and, when registered, TLS client certificates) of that modality.
 * A practice's modalities see its worklist only, and move only its exams: what a C-FIND finds
 * and what an N-CREATE / N-SET does are scheduling use cases (`@rayon/scheduling`).
 */
export async function startWorklist(o: {
  db: Database;
  logger: Logger;
  host: string;
  port: number;
  /** Connections per source address (the gateway's connectionLimiter). */
  limiter?: SourceLimiter;
  /** Idle connections are closed after this long (default 60 s). */
  idleTimeoutMs?: number;
  /** The DICOM TLS port and its server certificate. */
  tls?: { port: number; key: Buffer | string; cert: Buffer | string };
}) {
  const scheduling = createScheduling({ db: o.db });
  return startWorklistScp<ModalityAssociation>({
    host: o.host,
    port: o.port,
    logger: o.logger,
    ...(o.limiter ? { limiter: o.limiter } : {}),
    ...(o.idleTimeoutMs !== undefined ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
    ...(o.tls ? { tls: o.tls } : {}),
    async resolveAssociation(peer) {
      const found = await o.db.platform((tx) => findAeTitleTenant(tx, normaliseAeTitle(peer.calledAe)));
      if (!found) return { reject: 'called-ae' };
      const modality = await o.db.withTenant(found.tenant, (tx) => findModality(tx, found.modalityId));
      if (!modality) return { reject: 'called-ae' };
      const verdict = admitDicomPeer(modality, {
        callingAe: peer.callingAe,
        address: peer.address,
        ...(peer.tls ? { tls: peer.tls } : {}),
      });
      if (!verdict.admitted) {
        o.logger.warn(
          {
            tenant: found.tenant.slug,
            modalityId: modality.id,
            calledAe: peer.calledAe,
            callingAe: peer.callingAe,
            address: peer.address,
            tls: Boolean(peer.tls),
            refusal: verdict.refusal,
          },
          'dicom: association refused: not a registered caller of this modality',
        );
        return { reject: REJECTIONS[verdict.refusal] };
      }
      return {
        accept: {
          ctx: { ...systemContext(randomUUID(), found.tenant), actor: { type: 'system', id: 'mpps' } },
          modalityId: modality.id,
        },
        log: { tenant: found.tenant.slug, modalityId: modality.id },
      };
    },
    findWorklist: ({ ctx }, query) => scheduling.modalityWorklist(ctx, windowOf(query)),
    async onMpps({ ctx, modalityId }, event) {
      const { result, unknownSteps } = await scheduling.performedStep(ctx, modalityId, event);
      if (unknownSteps) {
        o.logger.warn(
          { sopInstanceUid: event.sopInstanceUid, ...unknownSteps },
          'MPPS references steps this practice does not know',
        );
      }
      return result;
    },
  });
}
