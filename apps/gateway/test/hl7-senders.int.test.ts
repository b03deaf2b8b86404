/**
 * HL7 senders are who they say: a route accepts messages only from its registered source
 * addresses and, when it names client certificates, only over MLLP over TLS with one of them.
 * A stranger is answered AR, logged without content and nothing is stored. Per-source connection
 * limit, idle timeout, per-route size limit, garbage: the listeners keep serving. Peers: the
 * Debian python3-hl7 sender, `openssl s_client`, Node TLS and TCP clients.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { Database, insertHl7Route, listHl7Messages, type TenantRef } from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { encodeFrame, MllpDecoder } from '@rayon/hl7';
import { createInbound } from '@rayon/inbound';
import { issue, pem } from '@rayon/test-pki';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadEnv } from '../src/env.ts';
import { startHl7Listeners } from '../src/hl7/listeners.ts';
import { startMllpServer } from '../src/hl7/mllp-server.ts';
import { freePort, sendText } from './mllp-peer.ts';

const LIMIT = 3;
const tmp = mkdtempSync(join(tmpdir(), 'rayon-hl7-senders-'));
let db: Database;
let a: TenantRef;
let b: TenantRef;
let c: TenantRef;
let d: TenantRef;
let portA: number;
let sharedPort: number;
let tlsPort: number;
let listeners: Awaited<ReturnType<typeof startHl7Listeners>>;
const logLines: string[] = [];

const certificate = (cn: string, kind: 'server' | 'client') => {
  const issued = issue({
    kind,
    subject: [
      { shortName: 'O', value: 'CH TEST' },
      { shortName: 'CN', value: cn },
    ],
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    ...(kind === 'server' ? { altNames: [{ type: 7, ip: '127.0.0.1' }] } : {}),
  });
  const certPem = pem(issued);
  return { certPem, keyPem: issued.keyPem, fingerprint: new X509Certificate(certPem).fingerprint256 };
};
const server = certificate('rayon-gateway', 'server');
// Self-signed, as hospital interface engines' certificates often are.
const registered = certificate('eai-chu-test', 'client');
const stranger = certificate('eai-autre', 'client');

let control = 0;
function adt(o: { msh5?: string; msh6?: string; ipp: string; family?: string }) {
  const id = `S${Date.now()}${control++}`;
  const text =
    [
      `MSH|^~\\&|GAM|CHU-TEST|${o.msh5 ?? 'RAYON'}|${o.msh6 ?? 'RADIO'}|20261121101010||ADT^A28^ADT_A05|${id}|P|2.5^FRA^2.11|||||FRA|UNICODE UTF-8|FR||2.11^IHE_FRANCE-2.11-PAM`,
      'EVN||20261121101010',
      `PID|1||${o.ipp}^^^RAYON-TEST&1.2.250.1.999.1&ISO^PI||${o.family ?? 'EMETTEUR'}^Jean^Jean^^^^L||19800101|M||||||||||||||||||||||||PROV`,
    ].join('\r') + '\r';
  return { id, text, frame: encodeFrame(Buffer.from(text)) };
}

interface PeerOptions {
  port: number;
  localAddress?: string;
  /** MLLP over TLS, with this client certificate (or none). */
  tls?: { certPem: string; keyPem: string } | 'no-certificate';
}

function open(o: PeerOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = o.tls
      ? tlsConnect({
          host: '127.0.0.1',
          port: o.port,
          rejectUnauthorized: false,
          ...(o.localAddress ? { localAddress: o.localAddress } : {}),
          ...(o.tls === 'no-certificate' ? {} : { cert: o.tls.certPem, key: o.tls.keyPem }),
        })
      : createConnection({
          host: '127.0.0.1',
          port: o.port,
          ...(o.localAddress ? { localAddress: o.localAddress } : {}),
        });
    socket.once(o.tls ? 'secureConnect' : 'connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends bytes on an open connection and collects `expected` ACKs (latin1 text). */
function exchange(socket: Socket, bytes: Buffer, expected: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const decoder = new MllpDecoder();
    const acks: string[] = [];
    const timer = setTimeout(() => {
      socket.off('data', onData);
      reject(new Error(`got ${acks.length} of ${expected} ACKs`));
    }, 20_000);
    function onData(chunk: Buffer) {
      for (const e of decoder.push(chunk)) if (e.type === 'frame') acks.push(e.payload.toString('latin1'));
      if (acks.length >= expected) {
        clearTimeout(timer);
        socket.off('data', onData);
        resolve(acks);
      }
    }
    socket.on('data', onData);
    socket.once('close', () => {
      clearTimeout(timer);
      if (acks.length < expected) reject(new Error(`closed after ${acks.length} of ${expected} ACKs`));
    });
    socket.write(bytes);
  });
}

async function ask(o: PeerOptions, bytes: Buffer, expected = 1) {
  const socket = await open(o);
  try {
    return await exchange(socket, bytes, expected);
  } finally {
    socket.destroy();
  }
}

/** Resolves with the milliseconds it took the server to close `socket` (rejects after `ms`). */
function closedWithin(socket: Socket, ms: number): Promise<number> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve(0);
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - start);
    });
  });
}

const storedIds = async (t: TenantRef) =>
  (await db.withTenant(t, (tx) => listHl7Messages(tx, {}))).map((m) => m.controlId);

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 8 });
  [a, b, c, d] = (await Promise.all([1, 2, 3, 4].map(() => createTestTenant(db)))) as [
    TenantRef,
    TenantRef,
    TenantRef,
    TenantRef,
  ];
  [portA, sharedPort, tlsPort] = [await freePort(), await freePort(), await freePort()];
  await db.platform(async (tx) => {
    await insertHl7Route(tx, {
      tenantId: a.id,
      port: portA,
      receivingApplication: null,
      receivingFacility: null,
      allowedSources: ['127.0.0.1/32', '127.0.0.2/32', '::1/128'],
    });
    // B's sender is elsewhere: nothing on this machine is registered.
    await insertHl7Route(tx, {
      tenantId: b.id,
      port: null,
      receivingApplication: 'RIS-B',
      receivingFacility: `FAC-${b.slug}`,
      allowedSources: ['10.20.0.0/16'],
    });
    await insertHl7Route(tx, {
      tenantId: c.id,
      port: null,
      receivingApplication: 'RIS-C',
      receivingFacility: `FAC-${c.slug}`,
      allowedSources: ['127.0.0.1/32'],
      clientCertFingerprints: [registered.fingerprint],
    });
    await insertHl7Route(tx, {
      tenantId: d.id,
      port: null,
      receivingApplication: 'RIS-D',
      receivingFacility: `FAC-${d.slug}`,
      allowedSources: ['127.0.0.1/32'],
      maxMessageBytes: 4096,
    });
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  listeners = await startHl7Listeners({
    db,
    inbound: createInbound({ db }),
    logger: pino({ level: 'info' }, sink),
    host: '127.0.0.1',
    sharedPort,
    tls: { port: tlsPort, cert: server.certPem, key: server.keyPem },
    maxMessageBytes: 10 * 1024 * 1024,
    idleTimeoutMs: 60_000,
    maxConnectionsPerSource: LIMIT,
    // This file's practices only: other files' dedicated ports (and their senders' connections,
    // which would count against this source's limit) stay with their own gateways.
    tenantIds: new Set([a.id, b.id, c.id, d.id]),
  });
});
afterAll(async () => {
  await listeners.close();
  await db.close();
});

describe('source addresses', () => {
  it('a registered source gets AA from the real peer; an unknown one AR, logged without content, not stored', async () => {
    const known = adt({ ipp: 'SRC-1' });
    const sent = await sendText(portA, known.text, 'known.hl7');
    expect(sent.code, sent.out).toBe(0);
    expect(await storedIds(a)).toContain(known.id);

    const fromElsewhere = adt({ ipp: 'SRC-2', family: 'SECRETNOM' });
    const [ack] = await ask({ port: portA, localAddress: '127.0.0.3' }, fromElsewhere.frame);
    expect(ack).toContain(`MSA|AR|${fromElsewhere.id}`);
    expect(ack).toMatch(/ERR\|.*sender not registered/);
    expect(await storedIds(a)).not.toContain(fromElsewhere.id);
    const line = logLines.find((l) => l.includes('unregistered sender') && l.includes('127.0.0.3'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ port: portA, reason: 'source address not registered' });
    expect(logLines.join('\n')).not.toContain('SECRETNOM');
  });

  it('on the shared port, a route whose senders are elsewhere refuses this machine (AR, not stored)', async () => {
    const m = adt({ msh5: 'RIS-B', msh6: `FAC-${b.slug}`, ipp: 'SRC-B' });
    const [ack] = await ask({ port: sharedPort }, m.frame);
    expect(ack).toContain(`MSA|AR|${m.id}`);
    expect(await storedIds(b)).toEqual([]);
    // An unknown receiver gets the same answer (no way to probe which pairs exist).
    const nowhere = adt({ msh5: 'RIS-X', msh6: 'NOBODY', ipp: 'SRC-X' });
    const [other] = await ask({ port: sharedPort }, nowhere.frame);
    expect(other).toContain(`MSA|AR|${nowhere.id}`);
    expect(other).toMatch(/sender not registered/);
  });
});

describe('client certificates (MLLP over TLS)', () => {
  const toC = (ipp: string) => adt({ msh5: 'RIS-C', msh6: `FAC-${c.slug}`, ipp });

  it('the registered certificate gets AA (Node TLS client and openssl s_client)', async () => {
    const m = toC('TLS-1');
    const [ack] = await ask({ port: tlsPort, tls: registered }, m.frame);
    expect(ack).toContain(`MSA|AA|${m.id}`);
    expect(await storedIds(c)).toContain(m.id);

    const certFile = join(tmp, 'client.pem');
    const keyFile = join(tmp, 'client.key');
    writeFileSync(certFile, registered.certPem);
    writeFileSync(keyFile, registered.keyPem, { mode: 0o600 });
    const viaOpenssl = toC('TLS-2');
    const out = await new Promise<string>((resolve, reject) => {
      const peer = spawn('openssl', [
        's_client',
        '-connect',
        `127.0.0.1:${tlsPort}`,
        '-cert',
        certFile,
        '-key',
        keyFile,
        '-quiet',
      ]);
      let text = '';
      const timer = setTimeout(() => (peer.kill(), reject(new Error(`no ACK: ${text}`))), 20_000);
      peer.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (/MSA\|/.test(text) && text.includes('\x1c')) {
          clearTimeout(timer);
          peer.kill();
          resolve(text);
        }
      });
      peer.stderr.resume();
      peer.stdin.write(viaOpenssl.frame);
    });
    expect(out).toContain(`MSA|AA|${viaOpenssl.id}`);
    expect(await storedIds(c)).toContain(viaOpenssl.id);
  });

  it('another certificate, no certificate, or plain MLLP: AR, nothing stored', async () => {
    const other = toC('TLS-3');
    const none = toC('TLS-4');
    const plain = toC('TLS-5');
    expect((await ask({ port: tlsPort, tls: stranger }, other.frame))[0]).toContain(`MSA|AR|${other.id}`);
    expect((await ask({ port: tlsPort, tls: 'no-certificate' }, none.frame))[0]).toContain(
      `MSA|AR|${none.id}`,
    );
    expect((await ask({ port: sharedPort }, plain.frame))[0]).toContain(`MSA|AR|${plain.id}`);
    const stored = await storedIds(c);
    for (const m of [other, none, plain]) expect(stored).not.toContain(m.id);
    const reasons = logLines
      .filter((l) => l.includes('unregistered sender') && l.includes(`FAC-${c.slug}`))
      .map((l) => JSON.parse(l).reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        'client certificate not registered',
        'no client certificate presented',
        'client certificate required (MLLP over TLS)',
      ]),
    );
  });

  it('a route without certificates is reached over TLS too; garbage on the TLS port does not stop it', async () => {
    // Plain bytes to the TLS port: a failed handshake.
    const junk = await open({ port: tlsPort });
    junk.write(Buffer.from('\x0bGET / HTTP/1.0\r\n\r\n\x1c\r'));
    await closedWithin(junk, 10_000);
    const m = adt({ msh5: 'RIS-D', msh6: `FAC-${d.slug}`, ipp: 'TLS-D' });
    expect((await ask({ port: tlsPort, tls: 'no-certificate' }, m.frame))[0]).toContain(`MSA|AA|${m.id}`);
  });
});

describe('limits', () => {
  it(`at most ${LIMIT} connections per source: the next is closed at once, another source is served`, async () => {
    const held = await Promise.all(Array.from({ length: LIMIT }, () => open({ port: portA })));
    const over = await open({ port: portA });
    expect(await closedWithin(over, 5_000)).toBeLessThan(5_000);
    expect(logLines.some((l) => l.includes('per-source limit'))).toBe(true);
    const m = adt({ ipp: 'LIM-1' });
    expect((await ask({ port: portA, localAddress: '127.0.0.2' }, m.frame))[0]).toContain(`MSA|AA|${m.id}`);
    // The held connections still work; once one closes, the source may connect again.
    const n = adt({ ipp: 'LIM-2' });
    expect((await exchange(held[0]!, n.frame, 1))[0]).toContain(`MSA|AA|${n.id}`);
    held[0]!.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const again = adt({ ipp: 'LIM-3' });
    expect((await ask({ port: portA }, again.frame))[0]).toContain(`MSA|AA|${again.id}`);
    held.forEach((s) => s.destroy());
  });

  it('an idle connection is closed after the idle timeout (60 s by default)', async () => {
    expect(loadEnv({ RAYON_DATABASE_URL: 'postgres://x@localhost/x' })).toMatchObject({
      RAYON_HL7_IDLE_TIMEOUT_MS: 60_000,
      RAYON_GATEWAY_MAX_CONNECTIONS_PER_SOURCE: 16,
    });
    const quick = await startMllpServer({
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      idleTimeoutMs: 300,
      newDecoder: () => ({ push: () => [] }),
      encodeFrame,
      onFrame: async () => Buffer.alloc(0),
    });
    try {
      const socket = await open({ port: quick.port });
      const took = await closedWithin(socket, 5_000);
      expect(took).toBeGreaterThanOrEqual(250);
    } finally {
      await quick.close();
    }
  });

  it('a 5 MiB message is refused (route limit 1 MiB by default), the next one on the connection is AA', async () => {
    const huge = adt({ ipp: 'BIG-1', family: 'X'.repeat(5 * 1024 * 1024) });
    const next = adt({ ipp: 'BIG-2' });
    const [hugeAck, nextAck] = await ask({ port: portA }, Buffer.concat([huge.frame, next.frame]), 2);
    expect(hugeAck).toContain(`MSA|AR|${huge.id}`);
    expect(hugeAck).toMatch(/limit is 1048576 bytes/);
    expect(nextAck).toContain(`MSA|AA|${next.id}`);
    expect(await storedIds(a)).not.toContain(huge.id);
    // A route's own, smaller limit.
    const toD = (ipp: string, family?: string) =>
      adt({ msh5: 'RIS-D', msh6: `FAC-${d.slug}`, ipp, ...(family ? { family } : {}) });
    const big = toD('BIG-D', 'Y'.repeat(5000));
    const small = toD('SMALL-D');
    const [bigAck, smallAck] = await ask({ port: sharedPort }, Buffer.concat([big.frame, small.frame]), 2);
    expect(bigAck).toContain(`MSA|AR|${big.id}`);
    expect(bigAck).toMatch(/limit is 4096 bytes/);
    expect(smallAck).toContain(`MSA|AA|${small.id}`);
  });

  it('garbage bytes do not stop the listener', async () => {
    const noise = (n: number, framing: boolean) =>
      Buffer.from(
        Array.from({ length: n }, (_, i) => (i * 7919) % 256).filter(
          (byte) => framing || (byte !== 0x0b && byte !== 0x1c),
        ),
      );
    // Junk between frames is skipped: the next frame on the same connection is answered.
    const m = adt({ ipp: 'GARB-1' });
    const [ack] = await ask({ port: portA }, Buffer.concat([noise(4096, false), m.frame]));
    expect(ack).toContain(`MSA|AA|${m.id}`);
    // Junk with framing bytes in it, then the peer hangs up: the listener serves the next one.
    const wild = await open({ port: portA });
    wild.write(Buffer.concat([noise(8192, true), Buffer.from([0x0b, 0x1c, 0x0d, 0x0b])]));
    await new Promise((r) => setTimeout(r, 200));
    wild.destroy();
    const after = adt({ ipp: 'GARB-2' });
    expect((await ask({ port: portA }, after.frame))[0]).toContain(`MSA|AA|${after.id}`);
  });
});
