import { HL7_ROUTES_CHANNEL, listActiveHl7Routes, type Database, type TenantRef } from '@rayon/db';
import { addressMatcher } from '@rayon/domain';
import { Hl7Error, MllpDecoder, buildErrorAck, encodeFrame, sniffHeader } from '@rayon/hl7';
import type { Inbound } from '@rayon/inbound';
import type { Logger } from 'pino';
import { connectionLimiter } from '../peers.ts';
import {
  startMllpServer,
  type Connection,
  type FrameDecoder,
  type FrameEvent,
  type MllpServer,
} from './mllp-server.ts';

export interface Hl7ListenersOptions {
  db: Database;
  inbound: Inbound;
  logger: Logger;
  host: string;
  /** The shared port (routing by MSH-5 / MSH-6); 0 for none. */
  sharedPort: number;
  /**
   * The shared MLLP-over-TLS port (routing by MSH-5 / MSH-6, client certificate asked for), with
   * its server certificate and key (PEM); unset for none.
   */
  tls?: { port: number; cert: Buffer | string; key: Buffer | string } | undefined;
  /** The platform's ceiling (bytes): a frame above is dropped unread. Each route has its own limit. */
  maxMessageBytes: number;
  idleTimeoutMs: number;
  /** Open connections at once from one source address, over every HL7 listener; default 16. */
  maxConnectionsPerSource?: number | undefined;
  /**
   * The practices (tenant ids) this gateway serves; unset: every practice. Several gateways on one
   * database (the integration tests, each with its own practices) keep to their own routes and
   * dedicated ports.
   */
  tenantIds?: ReadonlySet<string> | undefined;
}

/** A route as the gateway applies it: who may send, and how much. */
interface ActiveRoute {
  id: string;
  tenant: TenantRef;
  accepts: (address: string) => boolean;
  /** Non-empty: MLLP over TLS with one of these client certificates only. */
  fingerprints: Set<string>;
  maxMessageBytes: number;
}

interface RouteTable {
  byPort: Map<number, ActiveRoute>;
  /** Key `${MSH-5}|${MSH-6}`: the routes of the shared ports. */
  byMsh: Map<string, ActiveRoute>;
}

/** Adapts the @rayon/hl7 decoder to the server's frame events (junk between frames is ignored). */
function decoderFactory(maxFrameSize: number): () => FrameDecoder {
  return () => {
    const decoder = new MllpDecoder({ maxFrameSize });
    return {
      push(chunk: Buffer): FrameEvent[] {
        return decoder.push(chunk).flatMap((e): FrameEvent[] => {
          if (e.type === 'frame') return [{ kind: 'frame', payload: e.payload }];
          if (e.type === 'oversize') return [{ kind: 'oversize', head: e.head, size: e.size }];
          return [];
        });
      },
    };
  };
}

/** Why a sender is not the route's registered sender (null: it is). Never about the content. */
function senderFault(route: ActiveRoute, connection: Connection): string | null {
  if (!route.accepts(connection.remoteAddress)) return 'source address not registered';
  if (route.fingerprints.size === 0) return null;
  if (!connection.tls) return 'client certificate required (MLLP over TLS)';
  if (!connection.tls.clientFingerprint) return 'no client certificate presented';
  if (!route.fingerprints.has(connection.tls.clientFingerprint)) return 'client certificate not registered';
  return null;
}

/**
 * The HL7 listeners of the gateway: the shared port, the shared TLS port, plus one port per
 * practice the platform gave one. Routes are read from the database and re-read on a change
 * notification. A message is accepted only from its route's registered senders (source address,
 * and client certificate when the route names some) and under its route's size limit.
 */
export async function startHl7Listeners(o: Hl7ListenersOptions) {
  let routes: RouteTable = { byPort: new Map(), byMsh: new Map() };
  const dedicated = new Map<number, MllpServer>();
  const newDecoder = decoderFactory(o.maxMessageBytes);
  const limiter = connectionLimiter(o.maxConnectionsPerSource ?? 16);
  const ackOptions = () => ({ now: new Date(), controlId: `GW${Date.now()}` });
  const sharedPorts = new Set([o.sharedPort, o.tls?.port ?? 0].filter((p) => p > 0));

  function routeFor(
    connection: Connection,
    h: { receivingApplication: string; receivingFacility: string },
  ): ActiveRoute | undefined {
    if (!connection.tls && !sharedPorts.has(connection.localPort)) {
      const byPort = routes.byPort.get(connection.localPort);
      if (byPort) return byPort;
    }
    return routes.byMsh.get(`${h.receivingApplication}|${h.receivingFacility}`);
  }

  async function onFrame(event: FrameEvent, connection: Connection): Promise<Buffer> {
    const raw = event.kind === 'frame' ? event.payload : event.head;
    const h = sniffHeader(raw);
    const route = routeFor(connection, h);
    const fault = route ? senderFault(route, connection) : 'no route';
    if (!route || fault) {
      // Logged without content: who knocked, where, for which receiver.
      o.logger.warn(
        {
          port: connection.localPort,
          remoteAddress: connection.remoteAddress,
          remotePort: connection.remotePort,
          tls: connection.tls !== null,
          msh5: h.receivingApplication,
          msh6: h.receivingFacility,
          reason: fault,
        },
        'HL7 message from an unregistered sender refused',
      );
      // Hypothesis: one answer for "no such receiver" and "not a registered sender of it", so a
      // stranger cannot learn which MSH-5 / MSH-6 pairs exist.
      const error = new Hl7Error(
        'unsupported',
        '204',
        `sender not registered for ${h.receivingApplication} / ${h.receivingFacility} on this port`,
        { ackCode: 'AR' },
      );
      return buildErrorAck(h, error, ackOptions()).payload;
    }
    const size = event.kind === 'frame' ? event.payload.length : event.size;
    if (event.kind === 'oversize' || size > route.maxMessageBytes) {
      const limit = Math.min(route.maxMessageBytes, o.maxMessageBytes);
      o.logger.warn(
        { tenant: route.tenant.slug, size, limit, port: connection.localPort },
        'HL7 message over the size limit refused',
      );
      const error = new Hl7Error(
        'framing',
        '207',
        `message of ${size} bytes${event.kind === 'oversize' ? ' or more' : ''} refused: the limit is ${limit} bytes`,
        { ackCode: 'AR' },
      );
      return buildErrorAck(h, error, ackOptions()).payload;
    }
    const result = await o.inbound.receive(route.tenant, event.payload);
    o.logger.info(
      { tenant: route.tenant.slug, messageId: result.messageId, status: result.status },
      'HL7 message',
    );
    return result.ack;
  }

  const serve = (port: number, tls?: { cert: Buffer | string; key: Buffer | string }) =>
    startMllpServer({
      host: o.host,
      port,
      logger: o.logger,
      idleTimeoutMs: o.idleTimeoutMs,
      newDecoder,
      encodeFrame,
      onFrame,
      limiter,
      tls,
    });

  function activeRoute(
    route: Awaited<ReturnType<typeof listActiveHl7Routes>>[number]['route'],
    tenant: TenantRef,
  ): ActiveRoute {
    let accepts: ActiveRoute['accepts'];
    try {
      accepts = addressMatcher(route.allowedSources);
    } catch (err) {
      o.logger.error(
        { route: route.id, err: (err as Error).message },
        'HL7 route with bad sources: accepts nobody',
      );
      accepts = () => false;
    }
    return {
      id: route.id,
      tenant,
      accepts,
      fingerprints: new Set(route.clientCertFingerprints),
      maxMessageBytes: route.maxMessageBytes,
    };
  }

  async function reload() {
    const rows = await o.db.platform(listActiveHl7Routes);
    const next: RouteTable = { byPort: new Map(), byMsh: new Map() };
    for (const { route, tenant } of rows) {
      if (o.tenantIds && !o.tenantIds.has(tenant.id)) continue;
      const active = activeRoute(route, tenant);
      if (route.port !== null) {
        // The API never gives a shared port away; should the database hold one, it is ignored.
        if (sharedPorts.has(route.port)) {
          o.logger.error({ route: route.id, port: route.port }, 'HL7 route on a shared port ignored');
          continue;
        }
        next.byPort.set(route.port, active);
      } else if (route.receivingApplication && route.receivingFacility) {
        next.byMsh.set(`${route.receivingApplication}|${route.receivingFacility}`, active);
      }
    }
    routes = next;
    for (const port of next.byPort.keys()) {
      if (dedicated.has(port)) continue;
      try {
        dedicated.set(port, await serve(port));
        o.logger.info({ port, tenant: next.byPort.get(port)!.tenant.slug }, 'HL7 listener started');
      } catch (err) {
        o.logger.error({ port, err: (err as Error).message }, 'HL7 listener could not start');
      }
    }
    for (const [port, server] of dedicated) {
      if (!next.byPort.has(port)) {
        dedicated.delete(port);
        await server.close();
        o.logger.info({ port }, 'HL7 listener stopped');
      }
    }
  }

  await reload();
  const shared = o.sharedPort > 0 ? await serve(o.sharedPort) : undefined;
  if (shared) o.logger.info({ port: shared.port }, 'HL7 shared listener started');
  const sharedTls = o.tls ? await serve(o.tls.port, o.tls) : undefined;
  if (sharedTls) o.logger.info({ port: sharedTls.port }, 'HL7 shared TLS listener started');
  const unlisten = await o.db.listen(
    HL7_ROUTES_CHANNEL,
    () => void reload().catch((err) => o.logger.error({ err: err.message }, 'route reload failed')),
  );
  const timer = setInterval(() => void reload().catch(() => {}), 30_000);

  return {
    sharedPort: shared?.port,
    tlsPort: sharedTls?.port,
    ports: () => [...dedicated.keys()],
    reload,
    async close() {
      clearInterval(timer);
      await unlisten();
      await Promise.all([
        shared?.close(),
        sharedTls?.close(),
        ...[...dedicated.values()].map((s) => s.close()),
      ]);
    },
  };
}
