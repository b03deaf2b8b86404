import {
  deleteHl7Route,
  insertHl7Route,
  listHl7Messages,
  listTenantHl7Routes,
  recordAudit,
  type Hl7RouteRow,
} from '@rayon/db';
import { AppError, conflict } from '@rayon/domain';
import { createInbound } from '@rayon/inbound';
import { currentActor, currentContext, requireTenant, type Deps } from './deps.ts';

export interface Hl7RouteInput {
  /** A dedicated port for this practice, or null to use the shared port. */
  port: number | null;
  receivingApplication: string | null;
  receivingFacility: string | null;
}

function routeView(r: Hl7RouteRow) {
  return {
    id: r.id,
    port: r.port,
    receivingApplication: r.receivingApplication,
    receivingFacility: r.receivingFacility,
    enabled: r.enabled,
    createdAt: r.createdAt.toISOString(),
  };
}

/** How the practice's HL7 senders reach it, and what they sent. */
export function createHl7Service({ db }: Deps) {
  const inbound = createInbound({ db });
  return {
    async listRoutes() {
      const tenant = requireTenant();
      return (await db.platform((tx) => listTenantHl7Routes(tx, tenant.id))).map(routeView);
    },

    async createRoute(input: Hl7RouteInput) {
      const tenant = requireTenant();
      if (input.port === null && (!input.receivingApplication || !input.receivingFacility)) {
        throw new AppError('BAD_INPUT', 'on the shared port a route needs MSH-5 and MSH-6', {
          field: input.receivingApplication ? 'receivingFacility' : 'receivingApplication',
        });
      }
      return db.withTenant(tenant, async (tx) => {
        const row = await insertHl7Route(tx, { tenantId: tenant.id, ...input });
        if (!row) {
          throw input.port !== null
            ? conflict(`port ${input.port} is already used`, 'port')
            : conflict('this MSH-5 / MSH-6 pair is already routed', 'receivingFacility');
        }
        await recordAudit(tx, {
          actor: currentActor(),
          action: 'hl7-route.created',
          target: row.id,
          requestId: currentContext().requestId,
        });
        return routeView(row);
      });
    },

    async deleteRoute(id: string) {
      const tenant = requireTenant();
      return db.withTenant(tenant, async (tx) => {
        if (!(await deleteHl7Route(tx, tenant.id, id))) throw new AppError('NOT_FOUND', 'route not found');
        await recordAudit(tx, {
          actor: currentActor(),
          action: 'hl7-route.deleted',
          target: id,
          requestId: currentContext().requestId,
        });
        return { ok: true as const };
      });
    },

    async listMessages(status?: string) {
      const rows = await db.withTenant(requireTenant(), (tx) =>
        listHl7Messages(tx, status ? { status } : {}),
      );
      return rows.map((m) => ({
        ...m,
        receivedAt: m.receivedAt.toISOString(),
        processedAt: m.processedAt?.toISOString() ?? null,
      }));
    },

    /** Processes a failed message again (after the cause was fixed); answers its new outcome. */
    async replay(id: string) {
      const tenant = requireTenant();
      const result = await inbound.replay(tenant, id);
      await db.withTenant(tenant, (tx) =>
        recordAudit(tx, {
          actor: currentActor(),
          action: 'hl7-message.replayed',
          target: id,
          requestId: currentContext().requestId,
          details: { status: result.status },
        }),
      );
      const [message] = await db.withTenant(tenant, (tx) => listHl7Messages(tx, { id }));
      return {
        status: result.status,
        error: message?.error ?? null,
        errorLocation: message?.errorLocation ?? null,
      };
    },
  };
}
