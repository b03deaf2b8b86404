/**
 * `pnpm bench:hl7`: ADT messages per second through the gateway's MLLP listener (store raw,
 * process, ACK), sent by an external peer (Debian python3-hl7 through ../shared/tools/hl7-send,
 * one message after the other on each connection, waiting for each ACK), on 1 connection and on
 * 8 parallel connections; and the same sender against a plain MLLP echo server (answers an AA at
 * once, stores nothing): the transport's limit on this machine. Runs its own PostgreSQL
 * (.rayon/bench-hl7, port RAYON_PORT_BASE+2, default 4622).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import postgres from 'postgres';
import { startHl7Listeners } from '@rayon/gateway/hl7/listeners';
import { Database, insertHl7Route, migratePlatform, setupDatabase } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { encodeFrame, MllpDecoder, sniffHeader } from '@rayon/hl7';
import { createInbound } from '@rayon/inbound';
import { portBase, repoRoot, startPostgres } from '../scripts/services.ts';
import { describeSetting, machine, postgresDurability, saveResults } from './results.ts';

const PER_CONNECTION = Number(process.env.BENCH_MESSAGES ?? 400);
const shared = process.env.RAYON_SHARED ?? join(repoRoot, '../shared');
const hl7Send = join(shared, 'tools/hl7-send');
const dir = mkdtempSync(join(tmpdir(), 'rayon-bench-hl7-'));

function messages(prefix: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${i}`;
    out +=
      `MSH|^~\\&|GAM|CHU-BENCH|RAYON|RADIO|20261121101010||ADT^A28^ADT_A05|${id}|P|2.5^FRA^2.11|||||FRA|UNICODE UTF-8\r` +
      `EVN||20261121101010\r` +
      `PID|1||${id}^^^CHU-BENCH&1.2.250.1.999.2&ISO^PI||NOËL^Gwénaëlle^Gwénaëlle Bénédicte^^^^L||19840229|F|||^^^^^^BDL^^29019|||||||||||||||||||||PROV\r\n`;
  }
  return out;
}

function send(port: number, file: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(hl7Send, ['--timeout', '60', '127.0.0.1', String(port), file], { maxBuffer: 1 << 30 }, (err) =>
      err ? reject(new Error(`hl7-send failed on ${file}: ${err.message}`)) : resolve(),
    ),
  );
}

/** Messages per second for `connections` parallel senders of PER_CONNECTION messages each. */
async function rate(port: number, label: string, connections: number): Promise<number> {
  const files = Array.from({ length: connections }, (_, c) => {
    const file = join(dir, `${label}-${connections}-${c}.hl7`);
    writeFileSync(file, messages(`${label}-${connections}-${c}-${Date.now()}`, PER_CONNECTION));
    return file;
  });
  const started = performance.now();
  await Promise.all(files.map((f) => send(port, f)));
  return (connections * PER_CONNECTION) / ((performance.now() - started) / 1000);
}

/** The transport's limit: frames decoded and answered AA at once, nothing stored. */
async function startEchoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((socket) => {
    const decoder = new MllpDecoder();
    socket.on('data', (chunk) => {
      for (const e of decoder.push(chunk)) {
        if (e.type !== 'frame') continue;
        const h = sniffHeader(e.payload);
        const ack = `MSH|^~\\&|RAYON|RADIO|GAM|CHU-BENCH|20261121101010||ACK^A28^ACK|${h.controlId}|P|2.5\rMSA|AA|${h.controlId}\r`;
        socket.write(encodeFrame(Buffer.from(ack)));
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const base = portBase(4620);
const pg = await startPostgres('bench-hl7', base + 2);
const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
await admin.unsafe('drop database if exists rayon_bench_hl7 with (force)');
await admin.end();
await setupDatabase({
  adminUrl: pg.url,
  database: 'rayon_bench_hl7',
  appRole: 'rayon_app',
  appPassword: 'bench',
});
const url = new URL(pg.url);
Object.assign(url, { username: 'rayon_app', password: 'bench', pathname: '/rayon_bench_hl7' });
const db = new Database({ url: url.toString(), max: 12 });
await migratePlatform(db);
const tenant = await createTestTenant(db, { slug: 'bench-hl7' });
const echo = await startEchoServer();
const listenerPort = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as AddressInfo;
    s.close(() => resolve(port));
  });
});
await db.platform((tx) =>
  insertHl7Route(tx, {
    tenantId: tenant.id,
    port: listenerPort,
    receivingApplication: null,
    receivingFacility: null,
    // The sender (hl7-send) runs on this machine.
    allowedSources: ['127.0.0.1/32', '::1/128'],
  }),
);
const listeners = await startHl7Listeners({
  db,
  inbound: createInbound({ db }),
  logger: pino({ level: 'silent' }),
  host: '127.0.0.1',
  sharedPort: 0,
  maxMessageBytes: 1024 * 1024,
  idleTimeoutMs: 60_000,
});

await rate(listenerPort, 'warmup', 1);
const gateway1 = await rate(listenerPort, 'gw', 1);
const gateway8 = await rate(listenerPort, 'gw', 8);
const echo1 = await rate(echo.port, 'echo', 1);
const echo8 = await rate(echo.port, 'echo', 8);

const host = machine();
const durability = await postgresDurability(pg.url);
console.log(`
Rayon HL7 feed benchmark (${describeSetting(host, durability)})
sender: python3-hl7 hl7-send, ${PER_CONNECTION} ADT^A28 per connection, ACK awaited per message
  gateway (store raw, create patient, history, ACK)   1 connection  ${gateway1.toFixed(0)} msg/s   8 connections  ${gateway8.toFixed(0)} msg/s
  plain MLLP echo server (ACK at once)                 1 connection  ${echo1.toFixed(0)} msg/s   8 connections  ${echo8.toFixed(0)} msg/s
  ratio gateway / echo                                 1 connection  ${(gateway1 / echo1).toFixed(2)}          8 connections  ${(gateway8 / echo8).toFixed(2)}
`);
const saved = saveResults('hl7', {
  machine: host,
  postgres: durability,
  parameters: { sender: 'python3-hl7 hl7-send', messagesPerConnection: PER_CONNECTION },
  figures: {
    gateway1: { value: gateway1, unit: 'msg/s', goal: '≥ 1500' },
    gateway8: { value: gateway8, unit: 'msg/s', goal: '≥ 5000' },
    echo1: { value: echo1, unit: 'msg/s' },
    echo8: { value: echo8, unit: 'msg/s', goal: '≥ 20000' },
  },
  ratios: { gateway1ToEcho1: gateway1 / echo1, gateway8ToEcho8: gateway8 / echo8 },
});
console.log(`results: ${saved}`);

await listeners.close();
await echo.close();
await db.close();
await pg.stop();
process.exit(0);
