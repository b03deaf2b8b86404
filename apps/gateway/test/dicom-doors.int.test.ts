/**
 * Who may open a DICOM association with the gateway, tested with dcmtk peers (findscu -W,
 * echoscu, with and without TLS): only a modality's registered calling AE titles, from its
 * registered addresses, with its registered client certificate when it has one; a retired
 * modality takes none; per-source connection limit, idle connections closed, garbage survived.
 */
import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Database,
  insertModality,
  insertRoom,
  listSites,
  setModalityCallers,
  setModalityRetired,
  type TenantRef,
} from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startWorklist } from '../src/dicom/worklist.ts';
import { connectionLimiter } from '../src/peers.ts';

const HOST = '127.0.0.1';
const suffix = Math.random().toString(36).slice(2, 6).toUpperCase();
const AE = {
  plain: `DPL${suffix}`,
  elsewhere: `DEL${suffix}`,
  retired: `DRT${suffix}`,
  tls: `DTL${suffix}`,
};
const work = mkdtempSync(join(tmpdir(), 'rayon-dicom-doors-'));
let db: Database;
let tenant: TenantRef;
let scp: Awaited<ReturnType<typeof startWorklist>>;
const ids: Record<string, string> = {};

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}\n${stderr}` }),
    ),
  );
}

/** A self-signed certificate and its key (PEM files), as a modality or the gateway would have. */
function certificate(name: string): { key: string; cert: string; fingerprint: string } {
  const key = join(work, `${name}.key`);
  const cert = join(work, `${name}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ],
    { stdio: 'pipe' },
  );
  return { key, cert, fingerprint: new X509Certificate(readFileSync(cert)).fingerprint256 };
}
const server = certificate('gateway');
const modalityCert = certificate('modality');
const strangerCert = certificate('stranger');

const echo = (called: string, calling: string, extra: string[] = [], port = scp.port) =>
  run('echoscu', ['-aet', calling, '-aec', called, ...extra, HOST, String(port)]);
const find = (called: string, calling: string, extra: string[] = [], port = scp.port) =>
  run('findscu', [
    '-W',
    '-aet',
    calling,
    '-aec',
    called,
    ...extra,
    '-k',
    'AccessionNumber',
    HOST,
    String(port),
  ]);

/** A raw connection that sends `bytes` (or nothing) and stays open until closed. */
function connect(bytes?: Buffer): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(scp.port, HOST, () => {
      if (bytes) s.write(bytes);
      resolve(s);
    });
    s.on('error', reject);
    s.resume();
  });
}
const closed = (s: net.Socket) =>
  new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));

beforeAll(async () => {
  db = new Database({ url: inject('databaseUrl'), max: 4 });
  tenant = await createTestTenant(db, { firstSite: 'Site' });
  await db.withTenant(tenant, async (tx) => {
    const [site] = await listSites(tx);
    const room = await insertRoom(tx, { siteId: site!.id, name: 'Salle' });
    const add = async (ae: string, callers: Record<string, string[]>) =>
      (ids[ae] = (
        await insertModality(tx, {
          roomId: room.id,
          name: ae,
          type: 'CT',
          aeTitle: ae,
          openingHours: {},
          ...callers,
        })
      ).id);
    await add(AE.plain, {
      callingAeTitles: [`${AE.plain}_SCU`],
      allowedSources: ['127.0.0.1/32', '::1/128'],
    });
    // Registered from another address only: this test connects from 127.0.0.1.
    await add(AE.elsewhere, { callingAeTitles: [`${AE.elsewhere}_SCU`], allowedSources: ['127.0.0.2/32'] });
    await add(AE.retired, { callingAeTitles: [`${AE.retired}_SCU`], allowedSources: ['127.0.0.1/32'] });
    await add(AE.tls, {
      callingAeTitles: [`${AE.tls}_SCU`],
      allowedSources: ['127.0.0.1/32'],
      clientCertFingerprints: [modalityCert.fingerprint],
    });
  });
  scp = await startWorklist({
    db,
    logger: pino({ level: 'silent' }),
    host: HOST,
    port: 0,
    limiter: connectionLimiter(2),
    idleTimeoutMs: 1_500,
    tls: { port: 0, key: readFileSync(server.key), cert: readFileSync(server.cert) },
  });
});
afterAll(async () => {
  await scp?.close();
  await db?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('who may associate', () => {
  it('a registered calling AE title from a registered address: accepted', async () => {
    const r = await find(AE.plain, `${AE.plain}_SCU`);
    expect(r.code, r.out).toBe(0);
    expect((await echo(AE.plain, `${AE.plain.toLowerCase()}_scu`)).code).toBe(0);
  });

  it('an unknown calling AE title: rejected, calling AE title not recognized', async () => {
    for (const calling of ['FINDSCU', `${AE.elsewhere}_SCU`]) {
      const r = await find(AE.plain, calling);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/Association Rejected/i);
      expect(r.out).toMatch(/Calling AE Title Not Recognized/i);
    }
  });

  it('from an address the modality has not registered: rejected, whatever the AE title', async () => {
    for (const calling of [`${AE.elsewhere}_SCU`, 'FINDSCU']) {
      const r = await find(AE.elsewhere, calling);
      expect(r.code).not.toBe(0);
      expect(r.out).toMatch(/Association Rejected/i);
      expect(r.out).toMatch(/Reason: No Reason/i);
    }
    // Registering the address opens the door.
    await db.withTenant(tenant, (tx) =>
      setModalityCallers(tx, ids[AE.elsewhere]!, {
        callingAeTitles: [`${AE.elsewhere}_SCU`],
        allowedSources: ['127.0.0.2/32', '127.0.0.1/32'],
        clientCertFingerprints: [],
      }),
    );
    expect((await find(AE.elsewhere, `${AE.elsewhere}_SCU`)).code).toBe(0);
  });

  it('a retired modality takes no association; back in service, it does', async () => {
    expect((await echo(AE.retired, `${AE.retired}_SCU`)).code).toBe(0);
    await db.withTenant(tenant, (tx) => setModalityRetired(tx, ids[AE.retired]!, new Date()));
    const r = await find(AE.retired, `${AE.retired}_SCU`);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/Called AE Title Not Recognized/i);
    await db.withTenant(tenant, (tx) => setModalityRetired(tx, ids[AE.retired]!, null));
    expect((await echo(AE.retired, `${AE.retired}_SCU`)).code).toBe(0);
  });
});

describe('DICOM over TLS with a client certificate', () => {
  const tls = (c: { key: string; cert: string }) => ['+tls', c.key, c.cert, '-ic'];

  it('the modality’s certificate on the TLS port: accepted', async () => {
    const r = await find(AE.tls, `${AE.tls}_SCU`, tls(modalityCert), scp.tlsPort);
    expect(r.code, r.out).toBe(0);
  });

  it('refused on the plain port, with another certificate, or with none', async () => {
    const plain = await find(AE.tls, `${AE.tls}_SCU`);
    expect(plain.code).not.toBe(0);
    expect(plain.out).toMatch(/Association Rejected/i);
    const stranger = await find(AE.tls, `${AE.tls}_SCU`, tls(strangerCert), scp.tlsPort);
    expect(stranger.code).not.toBe(0);
    expect(stranger.out).toMatch(/Association Rejected/i);
    const anonymous = await find(AE.tls, `${AE.tls}_SCU`, ['+tla', '-ic'], scp.tlsPort);
    expect(anonymous.code).not.toBe(0);
  });

  it('a modality without registered certificates may use the TLS port too', async () => {
    const r = await echo(AE.plain, `${AE.plain}_SCU`, tls(strangerCert), scp.tlsPort);
    expect(r.code, r.out).toBe(0);
  });
});

describe('per-peer limits and hostile input', () => {
  it('at most N connections per source address; idle ones are closed', async () => {
    const held = [await connect(), await connect()];
    const opened = Date.now();
    const refused = await echo(AE.plain, `${AE.plain}_SCU`);
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/Local Limit Exceeded/i);
    // The held connections said nothing: closed after the idle timeout, the places are free.
    await Promise.all(held.map(closed));
    expect(Date.now() - opened).toBeGreaterThanOrEqual(1_000);
    const ok = await echo(AE.plain, `${AE.plain}_SCU`);
    expect(ok.code, ok.out).toBe(0);
  });

  it('keeps serving after garbage bytes, a bogus PDU header and a TLS port spoken to in plain', async () => {
    const plain = [
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      Buffer.from([0x01, 0x00, 0x7f, 0xff, 0xff, 0xff, 0x00, 0x01]),
      Buffer.alloc(70_000, 0x41),
    ];
    for (const bytes of plain) {
      const s = await connect(bytes);
      s.end();
      await closed(s);
    }
    await new Promise<void>((resolve) => {
      const s = net.connect(scp.tlsPort!, HOST, () => s.end(Buffer.from('A-ASSOCIATE please\r\n')));
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      s.resume();
    });
    expect((await find(AE.plain, `${AE.plain}_SCU`)).code).toBe(0);
    expect(
      (await find(AE.tls, `${AE.tls}_SCU`, ['+tls', modalityCert.key, modalityCert.cert, '-ic'], scp.tlsPort))
        .code,
    ).toBe(0);
  });
});
