import {
  audit,
  deleteHl7Route,
  findHl7RouteByMsh,
  findHl7RouteByPort,
  findTenantBySlug,
  findTenantHl7Route,
  insertHl7Route,
  listHl7Messages,
  listTenantHl7Routes,
  updateHl7Route,
  type ControlTx,
  type Hl7MessageStatus,
  type Hl7RouteChange,
  type Hl7RouteRow,
  type PlatformContext,
  type UseCaseContext,
} from '@rayon/db';
import {
  AppError,
  badInput,
  conflict,
  normaliseFingerprintList,
  parseCidrList,
  type ReasonParams,
} from '@rayon/domain';
import type { OnboardingDeps } from './deps.ts';

/**
 * What the platform decides about HL7 ports and sizes: dedicated ports come from `portRange`,
 * never one of the platform's own service ports; a route's size limit stays under
 * `maxMessageBytes`.
 */
export interface Hl7Platform {
  portRange: { from: number; to: number };
  /** The gateway's shared ports (plain MLLP, MLLP over TLS) and the other service ports. */
  servicePorts: { port: number; service: PlatformService }[];
  maxMessageBytes: number;
}

/** The platform's own services, whose ports are never a practice's. */
type PlatformService = ReasonParams['onboarding.hl7_port.service']['service'];
const SERVICE_NAMES: Record<PlatformService, string> = {
  hl7: 'shared HL7 port',
  'hl7-tls': 'shared HL7 TLS port',
  api: 'API port',
  dicom: 'DICOM port',
};

/** The defaults of apps/api/src/env.ts (quick start on base 4300). */
export const DEFAULT_HL7_PLATFORM: Hl7Platform = {
  portRange: { from: 4320, to: 4339 },
  servicePorts: [
    { port: 4310, service: 'hl7' },
    { port: 4301, service: 'api' },
    { port: 11112, service: 'dicom' },
  ],
  maxMessageBytes: 10 * 1024 * 1024,
};

/** A route's senders and limits, as the practice administrator sets them (unset: unchanged, or none). */
export interface Hl7SendersInput {
  /** Source addresses (CIDR; a bare address is one host). Empty: nobody is accepted. */
  allowedSources?: string[] | undefined;
  /** SHA-256 fingerprints of accepted TLS client certificates; set: MLLP over TLS only. */
  clientCertFingerprints?: string[] | undefined;
  /** Largest message accepted (bytes); default 1 MiB. */
  maxMessageBytes?: number | undefined;
}

export interface Hl7RouteInput extends Hl7SendersInput {
  /** Dedicated ports are the platform administrator's: a practice may only send null. */
  port?: number | null | undefined;
  receivingApplication: string;
  receivingFacility: string;
}

export interface Hl7RouteUpdate extends Hl7SendersInput {
  id: string;
  port?: number | null | undefined;
  receivingApplication?: string | null | undefined;
  receivingFacility?: string | null | undefined;
}

const DEFAULT_ROUTE_MESSAGE_BYTES = 1024 * 1024;

function routeView(r: Hl7RouteRow) {
  return {
    id: r.id,
    port: r.port,
    receivingApplication: r.receivingApplication,
    receivingFacility: r.receivingFacility,
    allowedSources: r.allowedSources,
    clientCertFingerprints: r.clientCertFingerprints,
    maxMessageBytes: r.maxMessageBytes,
    enabled: r.enabled,
    createdAt: r.createdAt.toISOString(),
  };
}

const forbiddenPort = () =>
  new AppError('FORBIDDEN', 'dedicated ports are assigned by the platform administrator', { field: 'port' });

/** How the practice's HL7 senders reach it, and what they sent. */
export function hl7UseCases({ db, hl7Platform, replayInboundMessage }: OnboardingDeps) {
  const policy = hl7Platform ?? DEFAULT_HL7_PLATFORM;

  /** The senders as stored: CIDRs in canonical form, fingerprints upper-case hex with colons. */
  function senders(input: Hl7SendersInput, port: number | null, current?: Hl7RouteRow): Hl7RouteChange {
    const allowedSources = parseCidrList(
      input.allowedSources ?? current?.allowedSources ?? [],
      'allowedSources',
    ).map((c) => c.text);
    const clientCertFingerprints = normaliseFingerprintList(
      input.clientCertFingerprints ?? current?.clientCertFingerprints ?? [],
    );
    if (clientCertFingerprints.length > 0 && port !== null) {
      throw badInput(
        'clientCertFingerprints',
        'client certificates are checked on the shared MLLP-over-TLS port (routed by MSH-5 / MSH-6); a dedicated port receives plain MLLP',
      );
    }
    const maxMessageBytes = input.maxMessageBytes ?? current?.maxMessageBytes ?? DEFAULT_ROUTE_MESSAGE_BYTES;
    if (maxMessageBytes < 1024 || maxMessageBytes > policy.maxMessageBytes) {
      throw badInput(
        'maxMessageBytes',
        `the message size limit is between 1024 and ${policy.maxMessageBytes} bytes`,
      );
    }
    return { allowedSources, clientCertFingerprints, maxMessageBytes };
  }

  /** A port the platform administrator may give `tenantId`: in the range, free, no service's. */
  async function checkDedicatedPort(tx: ControlTx, tenantId: string, port: number) {
    const service = policy.servicePorts.find((s) => s.port === port);
    if (service) {
      throw badInput('port', `port ${port} is the platform's ${SERVICE_NAMES[service.service]}`, {
        reason: 'onboarding.hl7_port.service',
        params: { port, service: service.service },
      });
    }
    const { from, to } = policy.portRange;
    if (port < from || port > to) {
      throw badInput('port', `port ${port} is outside the range of dedicated HL7 ports (${from}-${to})`, {
        reason: 'onboarding.hl7_port.out_of_range',
        params: { port, from, to },
      });
    }
    const holder = await findHl7RouteByPort(tx, port);
    if (holder) {
      throw holder.tenantId === tenantId
        ? conflict(`port ${port} is already assigned to this practice`, {
            field: 'port',
            reason: 'onboarding.hl7_port.taken_here',
            params: { port },
          })
        : conflict(`port ${port} is assigned to another practice`, {
            field: 'port',
            reason: 'onboarding.hl7_port.taken_elsewhere',
            params: { port },
          });
    }
  }

  async function checkMshFree(
    tx: ControlTx,
    tenantId: string,
    pair: { receivingApplication: string | null; receivingFacility: string | null },
    routeId?: string,
  ) {
    if (!pair.receivingApplication || !pair.receivingFacility) return;
    const holder = await findHl7RouteByMsh(tx, pair.receivingApplication, pair.receivingFacility);
    if (holder && holder.id !== routeId) {
      throw conflict(
        `MSH-5 / MSH-6 ${pair.receivingApplication} / ${pair.receivingFacility} is already routed${holder.tenantId === tenantId ? '' : ' to another practice'}`,
        { field: 'receivingFacility' },
      );
    }
  }

  function requirePair(pair: { receivingApplication?: string | null; receivingFacility?: string | null }) {
    if (!pair.receivingApplication) {
      throw badInput(
        'receivingApplication',
        'a route on the shared port needs MSH-5 (receiving application)',
      );
    }
    if (!pair.receivingFacility) {
      throw badInput('receivingFacility', 'a route on the shared port needs MSH-6 (receiving facility)');
    }
  }

  async function tenantBySlug(slug: string) {
    const tenant = await db.platform((tx) => findTenantBySlug(tx, slug));
    if (!tenant) throw new AppError('NOT_FOUND', `practice ${slug} not found`);
    return tenant;
  }

  return {
    /** The platform's HL7 settings the portal shows (range, size ceiling). */
    hl7Settings(_ctx: PlatformContext) {
      return { portRange: policy.portRange, maxMessageBytes: policy.maxMessageBytes };
    },

    async listHl7Routes(ctx: UseCaseContext) {
      return (await db.platform((tx) => listTenantHl7Routes(tx, ctx.tenant.id))).map(routeView);
    },

    /** A route on the shared port (MSH-5 / MSH-6) with its senders. */
    async createHl7Route(ctx: UseCaseContext, input: Hl7RouteInput) {
      const { tenant } = ctx;
      if (input.port != null) throw forbiddenPort();
      requirePair(input);
      const change = senders(input, null);
      return db.platform(async (tx) => {
        await checkMshFree(tx, tenant.id, input);
        const row = await insertHl7Route(tx, {
          tenantId: tenant.id,
          port: null,
          receivingApplication: input.receivingApplication,
          receivingFacility: input.receivingFacility,
          ...change,
        });
        if (!row) throw conflict('this MSH-5 / MSH-6 pair is already routed', { field: 'receivingFacility' });
        await audit(
          ctx,
          tx,
          'hl7-route.created',
          row.id,
          {
            receivingApplication: row.receivingApplication,
            receivingFacility: row.receivingFacility,
            allowedSources: row.allowedSources,
            clientCertFingerprints: row.clientCertFingerprints,
            maxMessageBytes: row.maxMessageBytes,
          },
          tenant.id,
        );
        return routeView(row);
      });
    },

    /** The senders, size limit and (on the shared port) MSH pair of one of the practice's routes. */
    async updateHl7Route(ctx: UseCaseContext, input: Hl7RouteUpdate) {
      const { tenant } = ctx;
      return db.platform(async (tx) => {
        const route = await findTenantHl7Route(tx, tenant.id, input.id);
        if (!route) throw new AppError('NOT_FOUND', 'route not found');
        if (input.port !== undefined && input.port !== route.port) throw forbiddenPort();
        const pair = {
          receivingApplication:
            input.receivingApplication === undefined
              ? route.receivingApplication
              : input.receivingApplication,
          receivingFacility:
            input.receivingFacility === undefined ? route.receivingFacility : input.receivingFacility,
        };
        if (route.port === null) requirePair(pair);
        else if (!pair.receivingApplication !== !pair.receivingFacility) requirePair(pair);
        const change = senders(input, route.port, route);
        await checkMshFree(tx, tenant.id, pair, route.id);
        const row = await updateHl7Route(tx, tenant.id, route.id, { ...pair, ...change });
        await audit(
          ctx,
          tx,
          'hl7-route.updated',
          route.id,
          {
            ...pair,
            allowedSources: row!.allowedSources,
            clientCertFingerprints: row!.clientCertFingerprints,
            maxMessageBytes: row!.maxMessageBytes,
          },
          tenant.id,
        );
        return routeView(row!);
      });
    },

    /** Deletes a shared-port route; a dedicated port is withdrawn by the platform administrator. */
    async deleteHl7Route(ctx: UseCaseContext, id: string) {
      const { tenant } = ctx;
      return db.platform(async (tx) => {
        const route = await findTenantHl7Route(tx, tenant.id, id);
        if (!route) throw new AppError('NOT_FOUND', 'route not found');
        if (route.port !== null) {
          throw new AppError(
            'FORBIDDEN',
            'a route on a dedicated port is withdrawn by the platform administrator',
            { field: 'port' },
          );
        }
        await deleteHl7Route(tx, tenant.id, id);
        await audit(ctx, tx, 'hl7-route.deleted', id, undefined, tenant.id);
        return { ok: true as const };
      });
    },

    /** Platform administrator: a practice's routes. */
    async listPracticeHl7Routes(_ctx: PlatformContext, slug: string) {
      const tenant = await tenantBySlug(slug);
      return (await db.platform((tx) => listTenantHl7Routes(tx, tenant.id))).map(routeView);
    },

    /**
     * Platform administrator: gives a practice a dedicated port from the range, on one of its
     * shared-port routes (which moves there with its senders) or as a new route (no sender yet:
     * the practice registers them).
     */
    async assignHl7Port(
      ctx: PlatformContext,
      slug: string,
      input: { port: number; routeId?: string | undefined },
    ) {
      const tenant = await tenantBySlug(slug);
      return db.platform(async (tx) => {
        await checkDedicatedPort(tx, tenant.id, input.port);
        let row: Hl7RouteRow | undefined;
        if (input.routeId) {
          const route = await findTenantHl7Route(tx, tenant.id, input.routeId);
          if (!route) throw new AppError('NOT_FOUND', 'route not found', { field: 'routeId' });
          if (route.port !== null) throw badInput('routeId', `this route already has port ${route.port}`);
          if (route.clientCertFingerprints.length > 0) {
            throw badInput(
              'routeId',
              'this route requires client certificates, checked on the shared MLLP-over-TLS port only',
            );
          }
          row = await updateHl7Route(tx, tenant.id, route.id, { port: input.port });
        } else {
          row = await insertHl7Route(tx, {
            tenantId: tenant.id,
            port: input.port,
            receivingApplication: null,
            receivingFacility: null,
          });
          if (!row) throw conflict(`port ${input.port} is already assigned`, { field: 'port' });
        }
        await audit(ctx, tx, 'hl7-route.port-assigned', row!.id, { port: input.port }, tenant.id);
        return routeView(row!);
      });
    },

    /**
     * Platform administrator: takes a dedicated port back. A route with an MSH-5 / MSH-6 pair
     * stays, on the shared port; one without is deleted.
     */
    async withdrawHl7Port(ctx: PlatformContext, slug: string, routeId: string) {
      const tenant = await tenantBySlug(slug);
      return db.platform(async (tx) => {
        const route = await findTenantHl7Route(tx, tenant.id, routeId);
        if (!route) throw new AppError('NOT_FOUND', 'route not found', { field: 'routeId' });
        if (route.port === null) throw badInput('routeId', 'this route has no dedicated port');
        const keep = route.receivingApplication !== null && route.receivingFacility !== null;
        if (keep) await updateHl7Route(tx, tenant.id, route.id, { port: null });
        else await deleteHl7Route(tx, tenant.id, route.id);
        await audit(
          ctx,
          tx,
          'hl7-route.port-withdrawn',
          route.id,
          {
            port: route.port,
            routeKept: keep,
          },
          tenant.id,
        );
        return { ok: true as const, routeKept: keep };
      });
    },

    async listHl7Messages(ctx: UseCaseContext, status?: Hl7MessageStatus) {
      const rows = await db.withTenant(ctx.tenant, (tx) => listHl7Messages(tx, status ? { status } : {}));
      return rows.map((m) => ({
        ...m,
        receivedAt: m.receivedAt.toISOString(),
        processedAt: m.processedAt?.toISOString() ?? null,
      }));
    },

    /** Processes a failed message again (after the cause was fixed); answers its new outcome. */
    async replayHl7Message(ctx: UseCaseContext, id: string) {
      const { tenant } = ctx;
      const result = await replayInboundMessage(tenant, id);
      await db.withTenant(tenant, (tx) =>
        audit(ctx, tx, 'hl7-message.replayed', id, { status: result.status }),
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
