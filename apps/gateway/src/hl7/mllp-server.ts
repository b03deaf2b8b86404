import { loggableError } from '@rayon/db';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import type { ConnectionLimiter } from '../peers.ts';

/** What a connection's framing layer yields for each chunk it is fed. */
export type FrameEvent =
  { kind: 'frame'; payload: Buffer } | { kind: 'oversize'; head: Buffer; size: number };

export interface FrameDecoder {
  push(chunk: Buffer): FrameEvent[];
}

export interface Connection {
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** MLLP over TLS: the SHA-256 fingerprint of the client certificate (null: none presented). */
  tls: { clientFingerprint: string | null } | null;
}

export interface MllpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  idleTimeoutMs: number;
  newDecoder: () => FrameDecoder;
  encodeFrame: (payload: Buffer) => Buffer;
  /**
   * Handles one received message and returns the ACK to send. A thrown error means the message
   * could not be stored (e.g. the database is down): no ACK is sent and the connection is
   * closed, so the sender resends later.
   */
  onFrame: (event: FrameEvent, connection: Connection) => Promise<Buffer>;
  /** Open connections per source address, shared by the listeners it is given to. */
  limiter?: ConnectionLimiter | undefined;
  /**
   * MLLP over TLS with this server certificate. A client certificate is asked for but not
   * verified against a CA (hospital certificates are often self-signed): its fingerprint is
   * handed to `onFrame`, which compares it with the route's.
   */
  tls?: { cert: Buffer | string; key: Buffer | string } | undefined;
}

export interface MllpServer {
  port: number;
  close: () => Promise<void>;
}

/**
 * An MLLP listener (plain TCP or TLS). Messages of one connection are handled one after the
 * other, so ACKs go back in order; a malformed frame never stops the listener. A source over its
 * connection limit is closed at once; a connection idle for `idleTimeoutMs` is closed.
 */
export async function startMllpServer(o: MllpServerOptions): Promise<MllpServer> {
  const sockets = new Set<Socket>();

  function serve(socket: Socket | TLSSocket, tls: Connection['tls']) {
    socket.setNoDelay(true);
    const connection: Connection = {
      localPort: socket.localPort ?? o.port,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      tls,
    };
    const decoder = o.newDecoder();
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      let events: FrameEvent[];
      try {
        events = decoder.push(chunk);
      } catch (err) {
        o.logger.warn({ err: (err as Error).message }, 'MLLP framing error; closing the connection');
        socket.destroy();
        return;
      }
      for (const event of events) {
        queue = queue.then(async () => {
          if (socket.destroyed) return;
          try {
            const ack = await o.onFrame(event, connection);
            if (!socket.destroyed) socket.write(o.encodeFrame(ack));
          } catch (err) {
            o.logger.error(
              { err: loggableError(err) },
              'HL7 message not stored; no ACK, closing the connection',
            );
            socket.destroy();
          }
        });
      }
    });
    socket.on('error', () => socket.destroy());
  }

  /** Every accepted TCP connection (before any TLS handshake): per-source limit, idle timeout. */
  function admit(raw: Socket): boolean {
    const address = raw.remoteAddress ?? '';
    if (o.limiter && !o.limiter.acquire(address)) {
      o.logger.warn(
        { remoteAddress: address, remotePort: raw.remotePort, port: raw.localPort },
        'MLLP connection over the per-source limit closed',
      );
      raw.destroy();
      return false;
    }
    sockets.add(raw);
    raw.once('close', () => {
      sockets.delete(raw);
      o.limiter?.release(address);
    });
    raw.on('error', () => raw.destroy());
    raw.setTimeout(o.idleTimeoutMs, () => {
      o.logger.info({ remoteAddress: address, port: raw.localPort }, 'idle MLLP connection closed');
      raw.destroy();
    });
    return true;
  }

  let server: Server;
  if (o.tls) {
    const tlsServer = createTlsServer({
      cert: o.tls.cert,
      key: o.tls.key,
      requestCert: true,
      rejectUnauthorized: false,
    });
    tlsServer.on('connection', admit);
    tlsServer.on('secureConnection', (socket: TLSSocket) => {
      if (socket.destroyed) return;
      serve(socket, { clientFingerprint: socket.getPeerX509Certificate()?.fingerprint256 ?? null });
    });
    tlsServer.on('tlsClientError', (err, socket) => {
      o.logger.info(
        { err: err.message, remoteAddress: socket.remoteAddress, port: o.port },
        'MLLP TLS handshake failed',
      );
      socket.destroy();
    });
    server = tlsServer;
  } else {
    server = createServer((socket) => {
      if (admit(socket)) serve(socket, null);
    });
  }
  server.on('error', (err) => o.logger.error({ err: err.message }, 'MLLP listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : o.port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.end();
        setTimeout(() => sockets.forEach((s) => s.destroy()), 2000).unref();
      });
    },
  };
}
