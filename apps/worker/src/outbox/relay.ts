import {
  claimPendingOutbox,
  loggableError,
  markOutboxEnqueued,
  OUTBOX_CHANNEL,
  type Database,
} from '@rayon/db';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { FAIR_TOPICS, type Fairness } from '../fairness.ts';
import type { JobData } from '../queue.ts';

export interface RelayOptions {
  db: Database;
  queue: Queue<JobData>;
  logger: Logger;
  /** Priorities of the fair topics (per-practice sends); without it, no priority is set. */
  fairness?: Fairness;
  batchSize?: number;
  /** Poll interval when no notification arrives (notifications can be missed across reconnects). */
  pollMs?: number;
  /** Test seam: called after a batch reached Redis and before it is marked enqueued. */
  afterEnqueue?: (ids: number[]) => void | Promise<void>;
}

export const outboxJobId = (id: number) => `outbox-${id}`;

/**
 * Moves committed outbox rows to BullMQ, the row id as job id. A row is marked enqueued only
 * after Redis accepted it; if the relay dies in between, the next pass adds it again under
 * the same job id, which BullMQ ignores: no loss, no duplicate.
 */
export function createRelay(o: RelayOptions) {
  const batchSize = o.batchSize ?? 200;
  let stopping = false;
  let wake: (() => void) | undefined;
  let running: Promise<void> | undefined;

  async function pass(): Promise<number> {
    return o.db.platform(async (tx) => {
      const rows = await claimPendingOutbox(tx, batchSize);
      if (rows.length === 0) return 0;
      const jobs = [];
      for (const r of rows) {
        const priority =
          o.fairness && FAIR_TOPICS.has(r.topic) ? await o.fairness.priority(r.tenantId) : undefined;
        jobs.push({
          name: r.topic,
          data: { outboxId: r.id, tenantId: r.tenantId, requestId: r.requestId, payload: r.payload },
          opts: { jobId: outboxJobId(r.id), ...(priority ? { priority } : {}) },
        });
      }
      await o.queue.addBulk(jobs);
      const ids = rows.map((r) => r.id);
      await o.afterEnqueue?.(ids);
      await markOutboxEnqueued(tx, ids);
      return rows.length;
    });
  }

  async function loop() {
    while (!stopping) {
      try {
        const n = await pass();
        if (n === batchSize) continue;
      } catch (err) {
        o.logger.error({ err: loggableError(err) }, 'outbox relay pass failed; retrying');
      }
      if (stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, o.pollMs ?? 1000);
        wake = () => (clearTimeout(timer), resolve());
      });
      wake = undefined;
    }
  }

  return {
    async start() {
      const unlisten = await o.db.listen(OUTBOX_CHANNEL, () => wake?.());
      running = loop().finally(() => void unlisten().catch(() => {}));
    },
    /** Finishes the current pass, then stops. */
    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
    pass,
  };
}
