import { and, asc, eq, sql } from 'drizzle-orm';
import { dicomAeTitles, hl7Routes, tenants } from '../schema/platform.ts';
import type { ControlTx } from '../client.ts';

export type Hl7RouteRow = typeof hl7Routes.$inferSelect;

/** Every enabled route of an active practice, with its tenant: what the gateway serves. */
export async function listActiveHl7Routes(tx: ControlTx) {
  return tx
    .select({
      route: hl7Routes,
      tenant: { id: tenants.id, slug: tenants.slug, schemaName: tenants.schemaName },
    })
    .from(hl7Routes)
    .innerJoin(tenants, eq(tenants.id, hl7Routes.tenantId))
    .where(and(eq(hl7Routes.enabled, true), eq(tenants.status, 'active')))
    .orderBy(asc(hl7Routes.createdAt));
}

export async function listTenantHl7Routes(tx: ControlTx, tenantId: string): Promise<Hl7RouteRow[]> {
  return tx
    .select()
    .from(hl7Routes)
    .where(eq(hl7Routes.tenantId, tenantId))
    .orderBy(asc(hl7Routes.createdAt));
}

/** Inserts a route; undefined when its port or its MSH-5 / MSH-6 pair is already taken. */
export async function insertHl7Route(
  tx: ControlTx,
  r: typeof hl7Routes.$inferInsert,
): Promise<Hl7RouteRow | undefined> {
  const [row] = await tx.insert(hl7Routes).values(r).onConflictDoNothing().returning();
  if (row) await notifyRoutesChanged(tx);
  return row;
}

/** One route of a practice (undefined when it is another practice's or does not exist). */
export async function findTenantHl7Route(
  tx: ControlTx,
  tenantId: string,
  id: string,
): Promise<Hl7RouteRow | undefined> {
  const [row] = await tx
    .select()
    .from(hl7Routes)
    .where(and(eq(hl7Routes.id, id), eq(hl7Routes.tenantId, tenantId)));
  return row;
}

/** The route holding a dedicated port, whichever practice it belongs to. */
export async function findHl7RouteByPort(tx: ControlTx, port: number): Promise<Hl7RouteRow | undefined> {
  const [row] = await tx.select().from(hl7Routes).where(eq(hl7Routes.port, port));
  return row;
}

/** The route naming an MSH-5 / MSH-6 pair, whichever practice it belongs to. */
export async function findHl7RouteByMsh(
  tx: ControlTx,
  receivingApplication: string,
  receivingFacility: string,
): Promise<Hl7RouteRow | undefined> {
  const [row] = await tx
    .select()
    .from(hl7Routes)
    .where(
      and(
        eq(hl7Routes.receivingApplication, receivingApplication),
        eq(hl7Routes.receivingFacility, receivingFacility),
      ),
    );
  return row;
}

export type Hl7RouteChange = Partial<
  Pick<
    typeof hl7Routes.$inferInsert,
    | 'port'
    | 'receivingApplication'
    | 'receivingFacility'
    | 'allowedSources'
    | 'clientCertFingerprints'
    | 'maxMessageBytes'
  >
>;

/**
 * Changes a practice's route; undefined when the route is not that practice's. A port or MSH pair
 * taken meanwhile fails on the unique indexes (callers check first, for a clear error).
 */
export async function updateHl7Route(
  tx: ControlTx,
  tenantId: string,
  id: string,
  change: Hl7RouteChange,
): Promise<Hl7RouteRow | undefined> {
  const [row] = await tx
    .update(hl7Routes)
    .set(change)
    .where(and(eq(hl7Routes.id, id), eq(hl7Routes.tenantId, tenantId)))
    .returning();
  if (row) await notifyRoutesChanged(tx);
  return row;
}

export async function deleteHl7Route(tx: ControlTx, tenantId: string, id: string): Promise<boolean> {
  const deleted = await tx
    .delete(hl7Routes)
    .where(and(eq(hl7Routes.id, id), eq(hl7Routes.tenantId, tenantId)))
    .returning({ id: hl7Routes.id });
  if (deleted.length > 0) await notifyRoutesChanged(tx);
  return deleted.length > 0;
}

export const HL7_ROUTES_CHANNEL = 'rayon_hl7_routes';

/** Tells the gateways (on commit) to reload their routes. */
async function notifyRoutesChanged(tx: ControlTx): Promise<void> {
  await tx.execute(sql`select pg_notify(${HL7_ROUTES_CHANNEL}, '')`);
}

/** The active practice a DICOM called AE title belongs to. */
export async function findAeTitleTenant(tx: ControlTx, aeTitle: string) {
  const [row] = await tx
    .select({
      tenant: { id: tenants.id, slug: tenants.slug, schemaName: tenants.schemaName },
      modalityId: dicomAeTitles.modalityId,
    })
    .from(dicomAeTitles)
    .innerJoin(tenants, eq(tenants.id, dicomAeTitles.tenantId))
    .where(and(eq(dicomAeTitles.aeTitle, aeTitle), eq(tenants.status, 'active')));
  return row;
}
