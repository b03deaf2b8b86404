/**
 * The PFI sender against a real peer: `shared/tools/hl7-listen` (Debian python3-hl7: MLLP
 * receive, save, `create_ack`), then against local fake MLLP servers for each way an
 * acknowledgement can go wrong. Listener ports: RAYON_PORT_BASE + 10…19 (default base 5200).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// The messages come from the HL7 builder: a devDependency, as connectors' code does not use
// @rayon/hl7 (DESIGN.md: both sit on domain only; the boundaries lint rule checks it).
import { buildCdaMessage, parseMessage, type CdaMessageDescription, type CdaMessageInput } from '@rayon/hl7';
import { DeliveryError } from '../src/delivery-error.ts';
import { outboundPolicy } from '../src/outbound.ts';
import { sendToPfi } from '../src/pfi/index.ts';

/** The local peers are on loopback: allowed as the quick start allows its simulators. */
const LOCAL = outboundPolicy(['127.0.0.1/32', '::1/128']);
const BASE = Number(process.env.RAYON_PORT_BASE ?? 5200);
const SHARED = process.env.RAYON_SHARED ?? join(import.meta.dirname, '../../../../shared');
const HL7_LISTEN = join(SHARED, 'tools/hl7-listen');
const description = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../documents/examples/qualified-ins.json'), 'utf8'),
) as CdaMessageDescription;
const replacement = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../documents/examples/replacement.json'), 'utf8'),
) as CdaMessageDescription;

/** A CDA-sized document (~300 kB, several TCP chunks), with non-ASCII text. */
const CDA = Buffer.from(
  '<?xml version="1.0" encoding="UTF-8"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">' +
    '<title>Compte rendu d’imagerie médicale</title>' +
    `<text>${'Épanchement de faible abondance. '.repeat(9000)}</text></ClinicalDocument>\n`,
  'utf8',
);

function message(over: Partial<CdaMessageInput>): Buffer {
  return buildCdaMessage({
    profile: 'ORU',
    action: 'initial',
    controlId: 'RAY-1',
    now: new Date('2026-11-22T09:43:00Z'),
    sendingApplication: 'RAYON',
    sendingFacility: 'IMAGERIE-DEMO',
    receivingApplication: 'PFI',
    receivingFacility: 'CHU-Y',
    description,
    cda: CDA,
    flags: {
      masquePs: false,
      invisiblePatient: true,
      invisibleRepresentantsLegaux: false,
      connexionSecrete: false,
      modifConfCode: false,
      destDmp: true,
      destMssantePs: true,
      destMssantePatient: false,
    },
    recipients: [{ kind: 'professional', address: 'sophie.martin@test.mssante.fr', rpps: '10003456789' }],
    ...over,
  }).payload;
}

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const f of cleanup.reverse()) f();
});

/** Starts hl7-listen and resolves once it prints `listening on`. */
async function listen(port: number, args: string[]): Promise<{ dir: string; exit: Promise<number | null> }> {
  const dir = mkdtempSync(join(tmpdir(), 'rayon-pfi-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const child: ChildProcess = spawn(HL7_LISTEN, [...args, '--seconds', '60', String(port), dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.push(() => {
    if (child.exitCode === null) child.kill();
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('listening on')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`hl7-listen exited (${code}) before listening: ${err}`)));
  });
  return { dir, exit };
}

async function rejection(p: Promise<unknown>): Promise<DeliveryError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DeliveryError);
  return e as DeliveryError;
}

describe('sendToPfi against hl7-listen (python3-hl7)', () => {
  it('delivers ORU^R01, MDM^T02 and MDM^T10: the peer saved messages whose OBX-5 is our CDA', async () => {
    const port = BASE + 10;
    const { dir, exit } = await listen(port, ['--max', '3']);
    const sent = [
      message({ controlId: 'RAY-ORU-1' }),
      message({ profile: 'MDM', controlId: 'RAY-MDM-1' }),
      message({ profile: 'MDM', action: 'replacement', description: replacement, controlId: 'RAY-MDM-2' }),
    ];
    for (const [i, m] of sent.entries()) {
      const ack = await sendToPfi({
        host: '127.0.0.1',
        port,
        outbound: LOCAL,
        message: m,
        timeoutMs: 20_000,
      });
      expect(ack.ackCode).toBe('AA');
      const msa = ack.ack.split('\r').find((s) => s.startsWith('MSA|'));
      expect(msa).toBe(`MSA|AA|${['RAY-ORU-1', 'RAY-MDM-1', 'RAY-MDM-2'][i]}`);
    }
    expect(await exit).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['0001.hl7', '0002.hl7', '0003.hl7']);
    const received = files.map((f) => parseMessage(readFileSync(join(dir, f))));
    expect(received.map((m) => m.get('MSH')!.field(9).raw)).toEqual([
      'ORU^R01^ORU_R01',
      'MDM^T02^MDM_T02',
      'MDM^T10^MDM_T02',
    ]);
    for (const m of received) {
      const obx = m.get('OBX')!;
      expect(Buffer.from(obx.field(5).component(5).value, 'base64').equals(CDA)).toBe(true);
    }
    expect(received[2]!.get('TXA')!.value(13)).toBe('1.2.250.1.999.1.1.20261122.1');
    // Byte for byte what we sent (the peer saves the frame's payload).
    files.forEach((f, i) => expect(readFileSync(join(dir, f)).equals(sent[i]!)).toBe(true));
  });

  it.each([
    ['AE', false],
    ['AR', true],
    ['CR', false],
    ['CE', true],
  ] as const)('a %s from the peer is a DeliveryError (retryable: %s)', async (code, retryable) => {
    const port = BASE + 11 + ['AE', 'AR', 'CR', 'CE'].indexOf(code);
    const { exit } = await listen(port, ['--max', '1', '--ack-code', code]);
    const e = await rejection(
      sendToPfi({ host: '127.0.0.1', port, outbound: LOCAL, message: message({}), timeoutMs: 20_000 }),
    );
    expect(e.retryable).toBe(retryable);
    expect(e.reason).toContain(`(${code}`);
    // The codes only, never the ACK as the PFI wrote it.
    expect(e.remote).toBe(`MSA-1 ${code}`);
    expect(await exit).toBe(0);
  });
});

/** A local MLLP server that answers each connection with `behave`. */
async function fakePfi(behave: (socket: Socket, frame: Buffer) => void): Promise<number> {
  const server: Server = createServer((socket) => {
    let data = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf(0x1c);
      if (end !== -1 && data[end + 1] === 0x0d) behave(socket, data.subarray(1, end));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

const frame = (text: string) =>
  Buffer.concat([Buffer.from([0x0b]), Buffer.from(text, 'utf8'), Buffer.from([0x1c, 0x0d])]);
const ackFor = (code: string, controlId: string, extra = '') =>
  frame(
    `MSH|^~\\&|PFI|CHU-Y|RAYON|IMAGERIE-DEMO|20261122104301||ACK^R01^ACK|PFI-9|P|2.5|||||FRA|UNICODE UTF-8\r` +
      `MSA|${code}|${controlId}\r${extra}`,
  );

describe('sendToPfi against fake PFIs', () => {
  it('accepts AA sent in several chunks', async () => {
    const port = await fakePfi((s) => {
      const bytes = ackFor('AA', 'RAY-1');
      s.write(bytes.subarray(0, 10));
      setImmediate(() => s.write(bytes.subarray(10)));
    });
    const ack = await sendToPfi({
      host: '127.0.0.1',
      port,
      outbound: LOCAL,
      message: message({}),
      timeoutMs: 20_000,
    });
    expect(ack.ackCode).toBe('AA');
  });

  it('AE with ERR: not retryable; the reason and the record keep the codes, never the PFI text', async () => {
    const port = await fakePfi((s) =>
      s.write(
        ackFor(
          'AE|RAY-1|SECRET-REMOTE-TEXT in MSA-3',
          '',
          'ERR||PID^1^3|102^SECRET-REMOTE-TEXT^HL70357|E||||SECRET-REMOTE-TEXT Matricule INS invalide\r' +
            'ERR|||207^Application internal error^HL70357|E\r',
        ),
      ),
    );
    const e = await rejection(
      sendToPfi({ host: '127.0.0.1', port, outbound: LOCAL, message: message({}), timeoutMs: 20_000 }),
    );
    expect(e.retryable).toBe(false);
    expect(e.reason).toBe(
      'La PFI a refusé le message (AE : le message contient des erreurs) ' +
        '(erreur HL7 102 : erreur de type de donnée ; 207 : erreur interne de l’application).',
    );
    expect(e.remote).toBe('MSA-1 AE ; ERR-3 102, 207');
    expect(JSON.stringify(e)).not.toContain('SECRET-REMOTE-TEXT');
  });

  it('AR: retryable', async () => {
    const port = await fakePfi((s) =>
      s.write(ackFor('AR', 'RAY-1', 'ERR|||207^Application internal error^HL70357|E\r')),
    );
    const e = await rejection(
      sendToPfi({ host: '127.0.0.1', port, outbound: LOCAL, message: message({}), timeoutMs: 20_000 }),
    );
    expect(e.retryable).toBe(true);
    expect(e.reason).toContain('(AR) (erreur HL7 207 : erreur interne de l’application)');
  });

  it('an AA for another message (MSA-2 ≠ MSH-10) is not an acceptance', async () => {
    const port = await fakePfi((s) => s.write(ackFor('AA', 'OTHER-7')));
    const e = await rejection(
      sendToPfi({ host: '127.0.0.1', port, outbound: LOCAL, message: message({}), timeoutMs: 20_000 }),
    );
    expect(e.retryable).toBe(false);
    expect(e.reason).toContain('« OTHER-7 » au lieu de « RAY-1 »');
  });

  it('garbage instead of an ACK: not retryable (wrong address or port)', async () => {
    const port = await fakePfi((s) => s.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const e = await rejection(
      sendToPfi({ host: '127.0.0.1', port, outbound: LOCAL, message: message({}), timeoutMs: 20_000 }),
    );
    expect(e.retryable).toBe(false);
    expect(e.reason).toContain("autre chose qu'un acquittement HL7");
    expect(e.remote).not.toContain('HTTP');
  });

  it('an MLLP frame without MSA: not retryable', async () => {
    const port = await fakePfi((s) => s.write(frame('hello\r')));
    const e = await rejection(
      sendToPfi({ host: '127.0.0.1', port, outbound: LOCAL, message: message({}), timeoutMs: 20_000 }),
    );
    expect(e.retryable).toBe(false);
    expect(e.reason).toContain('pas de segment MSH/MSA');
  });

  it('closed before the ACK: retryable', async () => {
    const port = await fakePfi((s) => s.end());
    const e = await rejection(
      sendToPfi({ host: '127.0.0.1', port, outbound: LOCAL, message: message({}), timeoutMs: 20_000 }),
    );
    expect(e.retryable).toBe(true);
    expect(e.reason).toMatch(/fermé la connexion|coupé la connexion/);
  });

  it('closed in the middle of the ACK: retryable', async () => {
    const port = await fakePfi((s) => s.end(ackFor('AA', 'RAY-1').subarray(0, 30)));
    const e = await rejection(
      sendToPfi({ host: '127.0.0.1', port, outbound: LOCAL, message: message({}), timeoutMs: 20_000 }),
    );
    expect(e.retryable).toBe(true);
  });

  it('never answering: a retryable timeout', async () => {
    const port = await fakePfi(() => {});
    const e = await rejection(
      sendToPfi({ host: '127.0.0.1', port, outbound: LOCAL, message: message({}), timeoutMs: 300 }),
    );
    expect(e.retryable).toBe(true);
    expect(e.reason).toContain("n'a pas acquitté le message dans le délai");
  });

  it('connection refused: retryable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const e = await rejection(
      sendToPfi({ host: '127.0.0.1', port, outbound: LOCAL, message: message({}), timeoutMs: 20_000 }),
    );
    expect(e.retryable).toBe(true);
    expect(e.reason).toContain('connexion refusée');
  });
});

describe('sendToPfi: a PFI cannot be aimed inside (RAYON_OUTBOUND_ALLOW)', () => {
  const none = outboundPolicy();

  it.each(['127.0.0.1', '169.254.169.254', '10.0.0.1', 'localhost'])(
    '%s without the platform allowing it: refused before any connection, not retryable, said in French',
    async (host) => {
      let connections = 0;
      const port = await fakePfi((s) => (connections++, s.write(ackFor('AA', 'RAY-1'))));
      const e = await rejection(
        sendToPfi({ host, port, outbound: none, message: message({}), timeoutMs: 5_000 }),
      );
      expect(e.retryable).toBe(false);
      expect(e.reason).toContain(`L'adresse de la PFI (${host}) désigne une adresse interne`);
      expect(e.reason).toContain('RAYON_OUTBOUND_ALLOW');
      expect(connections).toBe(0);
    },
  );

  it('the name is resolved once: the connection goes to the address checked (no DNS rebinding)', async () => {
    const port = await fakePfi((s) => s.write(ackFor('AA', 'RAY-1')));
    const answers = [['127.0.0.1'], ['169.254.169.254']];
    let lookups = 0;
    const lookup = async () => [{ address: answers[lookups++]![0]!, family: 4 }];
    const ack = await sendToPfi({
      host: 'pfi.rebind.example',
      port,
      outbound: LOCAL,
      lookup,
      message: message({}),
      timeoutMs: 5_000,
    });
    expect(ack.ackCode).toBe('AA');
    expect(lookups).toBe(1);
    // A name with one allowed and one internal address: refused.
    const e = await rejection(
      sendToPfi({
        host: 'pfi.mixed.example',
        port,
        outbound: LOCAL,
        lookup: async () => [
          { address: '127.0.0.1', family: 4 },
          { address: '10.0.0.1', family: 4 },
        ],
        message: message({}),
        timeoutMs: 5_000,
      }),
    );
    expect(e.reason).toContain('désigne une adresse interne');
  });
});
