/**
 * `pnpm bench:hl7`: ADT messages per second through the gateway's MLLP listener (store raw,
 * process, ACK after the commit), sent by a Node MLLP client in a child process
 * (./mllp-sender.ts: its own event loop, so the sender is not what limits), on 1 connection and on
 * 8 parallel connections, each in two modes: the classic HL7 sender (one message at a time, each
 * ACK awaited) and a pipelined window (WINDOW messages in flight per connection, ACKs in order).
 * Every ACK is checked (AA, MSA-2 = the message's MSH-10, in order). The anchor: the same client
 * against a plain MLLP echo server (answers an AA at once, stores nothing), the transport's limit
 * on this machine. Runs its own PostgreSQL (.rayon/bench-hl7, port RAYON_PORT_BASE+2, default
 * 4622), durable.
 */
import { fork } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import pino from 'pino';
import postgres from 'postgres';
import { startHl7Listeners } from '@rayon/gateway/hl7/listeners';
import { Database, insertHl7Route, migratePlatform, setupDatabase } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { encodeFrame, MllpDecoder, sniffHeader } from '@rayon/hl7';
import { createInbound } from '@rayon/inbound';
import { portBase, startPostgres } from '../scripts/services.ts';
import type { SendPlan, SendResult } from './mllp-sender.ts';
import { describeSetting, machine, postgresDurability, saveResults } from './results.ts';

/** Messages per case (split over the connections); the echo server gets ECHO_FACTOR times more. */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 4000);
const ECHO_FACTOR = 5;
const WINDOW = Number(process.env.BENCH_WINDOW ?? 32);

const sender = fork(new URL('./mllp-sender.ts', import.meta.url), [], { stdio: 'inherit' });
let run = 0;

/** Messages per second of one case, measured by the sender process. */
function rate(port: number, label: string, connections: number, window: number, total = MESSAGES) {
  const plan: SendPlan = {
    port,
    connections,
    perConnection: Math.ceil(total / connections),
    window,
    prefix: `${label}-${Date.now()}-${run++}`,
  };
  return new Promise<number>((resolve, reject) => {
    sender.once('message', (m: { result?: SendResult; error?: string }) =>
      m.result ? resolve(m.result.rate) : reject(new Error(`${label}: ${m.error}`)),
    );
    sender.send(plan);
  });
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

await rate(listenerPort, 'warmup', 1, 1, 200);
const cases = [
  { key: 'await1', label: '1 connection, ACK awaited', connections: 1, window: 1 },
  { key: 'await8', label: '8 connections, ACK awaited', connections: 8, window: 1 },
  { key: 'window1', label: `1 connection, ${WINDOW} in flight`, connections: 1, window: WINDOW },
  { key: 'window8', label: `8 connections, ${WINDOW} in flight each`, connections: 8, window: WINDOW },
] as const;
const GOALS: Partial<Record<string, string>> = {
  gateway_await1: '≥ 1500',
  gateway_await8: '≥ 5000',
  echo_await8: '≥ 20000',
};
const figures: Record<string, { value: number; unit: string; goal?: string }> = {};
const ratios: Record<string, number> = {};
const lines: string[] = [];
for (const c of cases) {
  const gateway = await rate(listenerPort, `gw-${c.key}`, c.connections, c.window);
  const anchor = await rate(echo.port, `echo-${c.key}`, c.connections, c.window, MESSAGES * ECHO_FACTOR);
  for (const [name, value] of [
    [`gateway_${c.key}`, gateway],
    [`echo_${c.key}`, anchor],
  ] as const) {
    const goal = GOALS[name];
    figures[name] = { value, unit: 'msg/s', ...(goal ? { goal } : {}) };
  }
  ratios[`gateway_${c.key}ToEcho`] = gateway / anchor;
  lines.push(
    `  ${c.label.padEnd(36)} gateway ${gateway.toFixed(0).padStart(6)} msg/s   echo ${anchor.toFixed(0).padStart(6)} msg/s   ratio ${(gateway / anchor).toFixed(3)}`,
  );
}
sender.disconnect();

const host = machine();
const durability = await postgresDurability(pg.url);
console.log(`
Rayon HL7 feed benchmark (${describeSetting(host, durability)})
sender: Node MLLP client in a child process, ADT^A28, ${MESSAGES} messages per gateway case (echo ${MESSAGES * ECHO_FACTOR}), every ACK checked (AA, MSA-2 = MSH-10, in order)
gateway: store raw, create the patient and its history, ACK after the commit; echo: AA at once, nothing stored
${lines.join('\n')}
goals (2-core machine): gateway ≥ 1500 msg/s on 1 connection and ≥ 5000 on 8 (ACK awaited), echo ≥ 20000 on 8
`);
const saved = saveResults('hl7', {
  machine: host,
  postgres: durability,
  parameters: {
    sender: 'Node MLLP client (infra/bench/mllp-sender.ts), child process',
    messagesPerCase: MESSAGES,
    echoMessagesPerCase: MESSAGES * ECHO_FACTOR,
    window: WINDOW,
  },
  figures,
  ratios,
});
console.log(`results: ${saved}`);

await listeners.close();
await echo.close();
await db.close();
await pg.stop();
process.exit(0);
