import { HL7_ROUTES_CHANNEL, listActiveHl7Routes, type Database, type TenantRef } from '@rayon/db';
import { Hl7Error, MllpDecoder, buildErrorAck, encodeFrame, sniffHeader } from '@rayon/hl7';
import type { Inbound } from '@rayon/inbound';
import type { Logger } from 'pino';
import { startMllpServer, type FrameDecoder, type FrameEvent, type MllpServer } from './mllp-server.ts';

export interface Hl7ListenersOptions {
  db: Database;
  inbound: Inbound;
  logger: Logger;
  host: string;
  /** The shared port (routing by MSH-5 / MSH-6); 0 for none. */
  sharedPort: number;
  maxMessageBytes: number;
  idleTimeoutMs: number;
}

interface RouteTable {
  byPort: Map<number, TenantRef>;
  /** Key `${MSH-5}|${MSH-6}`. */
  byMsh: Map<string, TenantRef>;
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

/**
 * The HL7 listeners of the gateway: the shared port, plus one port per practice that asked for
 * its own. Routes are read from the database and re-read on a change notification.
 */
export async function startHl7Listeners(o: Hl7ListenersOptions) {
  let routes: RouteTable = { byPort: new Map(), byMsh: new Map() };
  const dedicated = new Map<number, MllpServer>();
  const newDecoder = decoderFactory(o.maxMessageBytes);
  const ackOptions = () => ({ now: new Date(), controlId: `GW${Date.now()}` });

  function tenantFor(localPort: number, raw: Buffer): TenantRef | undefined {
    const byPort = routes.byPort.get(localPort);
    if (byPort) return byPort;
    const h = sniffHeader(raw);
    return routes.byMsh.get(`${h.receivingApplication}|${h.receivingFacility}`);
  }

  async function onFrame(event: FrameEvent, connection: { localPort: number }): Promise<Buffer> {
    if (event.kind === 'oversize') {
      const error = new Hl7Error(
        'framing',
        '207',
        `message of ${event.size} bytes or more refused: the limit is ${o.maxMessageBytes} bytes`,
      );
      o.logger.warn(
        { size: event.size, port: connection.localPort },
        'HL7 message over the size limit refused',
      );
      return buildErrorAck(sniffHeader(event.head), error, ackOptions()).payload;
    }
    const tenant = tenantFor(connection.localPort, event.payload);
    if (!tenant) {
      const h = sniffHeader(event.payload);
      o.logger.warn(
        { port: connection.localPort, msh5: h.receivingApplication, msh6: h.receivingFacility },
        'HL7 message with no route',
      );
      const error = new Hl7Error(
        'unsupported',
        '204',
        `no practice receives messages for ${h.receivingApplication} / ${h.receivingFacility} on this port`,
        {
          location: { segment: 'MSH', sequence: 1, field: 6 },
          ackCode: 'AR',
        },
      );
      return buildErrorAck(h, error, ackOptions()).payload;
    }
    const result = await o.inbound.receive(tenant, event.payload);
    o.logger.info({ tenant: tenant.slug, messageId: result.messageId, status: result.status }, 'HL7 message');
    return result.ack;
  }

  const serve = (port: number) =>
    startMllpServer({
      host: o.host,
      port,
      logger: o.logger,
      idleTimeoutMs: o.idleTimeoutMs,
      newDecoder,
      encodeFrame,
      onFrame,
    });

  async function reload() {
    const rows = await o.db.platform(listActiveHl7Routes);
    const next: RouteTable = { byPort: new Map(), byMsh: new Map() };
    for (const { route, tenant } of rows) {
      if (route.port !== null) next.byPort.set(route.port, tenant);
      else next.byMsh.set(`${route.receivingApplication}|${route.receivingFacility}`, tenant);
    }
    routes = next;
    for (const port of next.byPort.keys()) {
      if (dedicated.has(port) || port === o.sharedPort) continue;
      try {
        dedicated.set(port, await serve(port));
        o.logger.info({ port, tenant: next.byPort.get(port)!.slug }, 'HL7 listener started');
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
  const unlisten = await o.db.listen(
    HL7_ROUTES_CHANNEL,
    () => void reload().catch((err) => o.logger.error({ err: err.message }, 'route reload failed')),
  );
  const timer = setInterval(() => void reload().catch(() => {}), 30_000);

  return {
    sharedPort: shared?.port,
    ports: () => [...dedicated.keys()],
    reload,
    async close() {
      clearInterval(timer);
      await unlisten();
      await Promise.all([shared?.close(), ...[...dedicated.values()].map((s) => s.close())]);
    },
  };
}
