import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import { auditEvents, type ActorType } from '../schema/platform.ts';
import type { ControlTx } from '../client.ts';

export interface Actor {
  type: ActorType;
  id: string | null;
}

export interface AuditEntry {
  actor: Actor;
  action: string;
  tenantId?: string | null;
  target?: string | null;
  requestId?: string | null;
  /** Never patient data: ids and field names only. */
  details?: Record<string, unknown>;
}

/** Writes an audit event in the caller's transaction, so it commits (or not) with the change. */
export async function recordAudit(tx: ControlTx, e: AuditEntry): Promise<void> {
  await tx.insert(auditEvents).values({
    actorType: e.actor.type,
    actorId: e.actor.id,
    action: e.action,
    tenantId: e.tenantId ?? ('tenant' in tx ? tx.tenant.id : null),
    target: e.target ?? null,
    requestId: e.requestId ?? null,
    details: e.details ?? null,
  });
}

export type AuditEventRow = typeof auditEvents.$inferSelect;

/** Audit events matching every given criterion, newest first. */
export async function listAuditEvents(
  tx: ControlTx,
  q: { tenantId?: string; target?: string; action?: string; limit?: number },
): Promise<AuditEventRow[]> {
  const where: SQL[] = [];
  if (q.tenantId) where.push(eq(auditEvents.tenantId, q.tenantId));
  if (q.target) where.push(eq(auditEvents.target, q.target));
  if (q.action) where.push(eq(auditEvents.action, q.action));
  return tx
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.id))
    .limit(Math.min(q.limit ?? 100, 1000));
}

export interface AuditChainReport {
  /** The practice, or null for the platform's own chain. */
  tenantId: string | null;
  events: number;
  /** The first event that does not fit the chain, and why; absent when the chain holds. */
  broken?: { seq: number; id: number; reason: 'rewritten' | 'missing-before' | 'relinked' };
}

/**
 * Recomputes every practice's audit hash chain (migration platform/0003): an event rewritten
 * (its hash no longer matches its content), removed (a gap in `seq`) or relinked (its
 * `prev_hash` is not the hash of the event before it) is reported with the first place it shows.
 */
export async function verifyAuditChains(tx: ControlTx): Promise<AuditChainReport[]> {
  const rows = (await tx.execute(sql`
    with checked as (
      select coalesce(a.tenant_id, '00000000-0000-0000-0000-000000000000'::uuid) as chain,
        a.tenant_id, a.id, a.seq,
        case
          when a.hash <> platform.audit_event_hash(a) then 'rewritten'
          when a.seq <> coalesce(lag(a.seq) over w, 0) + 1 then 'missing-before'
          when a.prev_hash is distinct from lag(a.hash) over w then 'relinked'
        end as reason
      from platform.audit_events a
      window w as (partition by coalesce(a.tenant_id, '00000000-0000-0000-0000-000000000000'::uuid) order by a.seq)
    )
    select c.tenant_id as "tenantId", count(*)::int as events,
      (array_agg(c.seq order by c.seq) filter (where c.reason is not null))[1]::bigint as "brokenSeq",
      (array_agg(c.id order by c.seq) filter (where c.reason is not null))[1]::bigint as "brokenId",
      (array_agg(c.reason order by c.seq) filter (where c.reason is not null))[1] as reason
    from checked c group by c.chain, c.tenant_id order by c.tenant_id nulls first`)) as unknown as {
    tenantId: string | null;
    events: number;
    brokenSeq: string | null;
    brokenId: string | null;
    reason: NonNullable<AuditChainReport['broken']>['reason'] | null;
  }[];
  return rows.map((r) => ({
    tenantId: r.tenantId,
    events: r.events,
    ...(r.reason ? { broken: { seq: Number(r.brokenSeq), id: Number(r.brokenId), reason: r.reason } } : {}),
  }));
}
