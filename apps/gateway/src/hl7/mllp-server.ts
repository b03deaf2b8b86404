import { loggableError } from '@rayon/db';
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';

/** What a connection's framing layer yields for each chunk it is fed. */
export type FrameEvent =
  { kind: 'frame'; payload: Buffer } | { kind: 'oversize'; head: Buffer; size: number };

export interface FrameDecoder {
  push(chunk: Buffer): FrameEvent[];
}

export interface Connection {
  localPort: number;
  remoteAddress: string;
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
}

export interface MllpServer {
  port: number;
  close: () => Promise<void>;
}

/**
 * An MLLP listener. Messages of one connection are handled one after the other, so ACKs go back
 * in order; a malformed frame never stops the listener.
 */
export async function startMllpServer(o: MllpServerOptions): Promise<MllpServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setTimeout(o.idleTimeoutMs, () => socket.destroy());
    socket.setNoDelay(true);
    const connection: Connection = {
      localPort: socket.localPort ?? o.port,
      remoteAddress: socket.remoteAddress ?? '',
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
    socket.on('close', () => sockets.delete(socket));
  });
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
