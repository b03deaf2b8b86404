import { and, desc, eq, type SQL } from 'drizzle-orm';
import { auditEvents } from '../schema/platform.ts';
import type { ControlTx } from '../client.ts';

export interface Actor {
  type: 'user' | 'api_key' | 'system';
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
