/**
 * Test helpers for the MLLP listeners: the real external peer (Debian python3-hl7 through
 * ../shared/tools/hl7-send) and raw sockets where the peer cannot do what is tested. The
 * shared folder is ../shared beside the checkout; set RAYON_SHARED to point elsewhere.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllpDecoder } from '@rayon/hl7';

const repoRoot = join(import.meta.dirname, '../../..');
export const shared = process.env.RAYON_SHARED ?? join(repoRoot, '../shared');
const hl7Send = join(shared, 'tools/hl7-send');
const tmp = mkdtempSync(join(tmpdir(), 'rayon-hl7-'));

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Sends a file with the external peer; exit 0 = AA/CA with MSA-2 = MSH-10. */
export function send(port: number, file: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(hl7Send, ['--timeout', '15', '127.0.0.1', String(port), file], (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

/** Writes a message (8859/1 when it says so, else UTF-8) and sends it with the external peer. */
export function sendText(port: number, text: string, name: string) {
  const file = join(tmp, name);
  writeFileSync(file, text.includes('8859/1') ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8'));
  return send(port, file);
}

/** Sends raw bytes on one connection and collects `expected` ACK payloads (as latin1 text). */
export function sendRaw(port: number, bytes: Buffer, expected: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const decoder = new MllpDecoder();
    const acks: string[] = [];
    const timer = setTimeout(
      () => (socket.destroy(), reject(new Error(`got ${acks.length} of ${expected} ACKs`))),
      15_000,
    );
    socket.on('data', (chunk) => {
      for (const e of decoder.push(chunk)) if (e.type === 'frame') acks.push(e.payload.toString('latin1'));
      if (acks.length >= expected) {
        clearTimeout(timer);
        socket.end();
        resolve(acks);
      }
    });
    socket.on('error', reject);
    socket.write(bytes);
  });
}
