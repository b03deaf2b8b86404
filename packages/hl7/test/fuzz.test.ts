/**
 * Fuzz run of the MLLP decoder, the charset detection, the ER7 parser, the ACK builder and the
 * PAM-FR mapping: random byte strings and mutations of every ANS example. Each case must end
 * (the test timeout is the hang detector) either with a result or with an `Hl7Error`; any
 * other exception fails with the seed and case number so that it can be replayed:
 *
 *   RAYON_FUZZ_SEED=<seed> RAYON_FUZZ_ONLY=<case> vitest run --project unit packages/hl7/test/fuzz.test.ts
 *
 * RAYON_FUZZ_SCALE multiplies the number of cases (default 1).
 */
import { describe, expect, it } from 'vitest';
import { buildAck } from '../src/ack.ts';
import { parseAdt } from '../src/adt.ts';
import { Hl7Error } from '../src/errors.ts';
import { sniffHeader } from '../src/header.ts';
import { parseMessage } from '../src/message.ts';
import { encodeFrame, MllpDecoder } from '../src/mllp.ts';
import { hl7Examples } from './examples.ts';

const SEED = Number(process.env.RAYON_FUZZ_SEED ?? 20_260_315);
const SCALE = Number(process.env.RAYON_FUZZ_SCALE ?? 1);
const ONLY = process.env.RAYON_FUZZ_ONLY === undefined ? undefined : Number(process.env.RAYON_FUZZ_ONLY);
const NOW = new Date('2026-01-01T00:00:00Z');

/** mulberry32: small, fast, deterministic. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const TOKENS = [
  'MSH',
  '|',
  '^',
  '~',
  '\\',
  '&',
  '\r',
  '\n',
  '\r\n',
  'PID',
  'MRG',
  'EVN',
  'PV1',
  'ZBE',
  'ADT',
  'A01',
  'A40',
  'A47',
  'PI',
  'INS',
  'L',
  'D',
  'BDL',
  '19790328',
  '279035121518989',
  '1.2.250.1.213.1.4.10',
  '\\X',
  '\\F\\',
  '\\XC3A9\\',
  'UNICODE UTF-8',
  '8859/1',
  '8859/15',
  'é',
  '""',
  '\x0b',
  '\x1c',
  '\x1c\r',
  '\u00ff',
  '\uFEFF',
];

function randomBytes(rng: Rng): Buffer {
  const length = rng.int(rng.next() < 0.1 ? 20_000 : 600);
  if (rng.next() < 0.35) {
    const b = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) b[i] = rng.int(256);
    return b;
  }
  let text = rng.next() < 0.6 ? 'MSH|^~\\&|' : '';
  while (text.length < length) text += rng.pick(TOKENS);
  return Buffer.from(text, rng.next() < 0.5 ? 'utf8' : 'latin1');
}

/** One random change of a message. */
function mutate(rng: Rng, input: Buffer): Buffer {
  const b = Buffer.from(input);
  const at = rng.int(b.length + 1);
  const delimiters = [0x7c, 0x5e, 0x7e, 0x5c, 0x26, 0x0d, 0x0a];
  switch (rng.int(12)) {
    case 0: // flip bits of a few bytes
      for (let k = 0; k < 1 + rng.int(4); k++) {
        if (b.length === 0) break;
        const i = rng.int(b.length);
        b[i] = b[i]! ^ (1 << rng.int(8));
      }
      return b;
    case 1: // truncate
      return b.subarray(0, at);
    case 2: // drop a slice
      return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + rng.int(40)))]);
    case 3: // duplicate a delimiter
      return Buffer.concat([b.subarray(0, at), Buffer.from([rng.pick(delimiters)]), b.subarray(at)]);
    case 4: {
      // remove every occurrence of one delimiter
      const d = rng.pick(delimiters);
      return Buffer.from(b.filter((x) => x !== d));
    }
    case 5: {
      // replace a delimiter by another everywhere
      const [from, to] = [rng.pick(delimiters), rng.pick(delimiters)];
      return Buffer.from(b.map((x) => (x === from ? to : x)));
    }
    case 6: {
      // huge field
      const filler = Buffer.alloc(
        50_000 + rng.int(200_000),
        rng.pick([0x41, 0x5e, 0x7e, 0x26, 0x5c, 0x7c, 0xe9]),
      );
      return Buffer.concat([b.subarray(0, at), filler, b.subarray(at)]);
    }
    case 7: {
      // duplicate or move a segment
      const segs = b.toString('latin1').split(/\r|\n/);
      const i = rng.int(segs.length);
      segs.splice(rng.int(segs.length + 1), 0, segs[i]!);
      if (rng.next() < 0.5) segs.splice(rng.int(segs.length), 1);
      return Buffer.from(segs.join(rng.pick(['\r', '\n', '\r\n'])), 'latin1');
    }
    case 8: // insert a token
      return Buffer.concat([b.subarray(0, at), Buffer.from(rng.pick(TOKENS)), b.subarray(at)]);
    case 9: // change MSH-18
      return Buffer.from(
        b
          .toString('latin1')
          .replace(/UNICODE UTF-8|8859\/1/, rng.pick(['8859/1', '8859/15', 'ASCII', 'ISO IR87', ''])),
        'latin1',
      );
    case 10: // change the trigger
      return Buffer.from(
        b
          .toString('latin1')
          .replace(
            /\|(ADT|MDM|ORU|ORM|OMI|ACK)\^[A-Z0-9]+/,
            `|ADT^${rng.pick(['A01', 'A40', 'A47', 'A08', 'A99', 'X'])}`,
          ),
        'latin1',
      );
    default: // random byte at a random place
      if (b.length) b[rng.int(b.length)] = rng.int(256);
      return b;
  }
}

interface Stats {
  parsed: number;
  adt: number;
  hl7Errors: number;
  frames: number;
}

function expectTyped(e: unknown, label: string): void {
  if (!(e instanceof Hl7Error)) {
    throw new Error(
      `${label}: unexpected ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`,
    );
  }
}

/** Parse + map + acknowledge one payload; only Hl7Error may come out. */
function processPayload(payload: Buffer, label: string, stats: Stats): void {
  // Whatever the bytes, an answer can be built from what the header looks like.
  buildAck(sniffHeader(payload), { code: 'AR', now: NOW, controlId: 'F' });
  let msg;
  try {
    msg = parseMessage(payload);
  } catch (e) {
    expectTyped(e, label);
    stats.hl7Errors++;
    return;
  }
  stats.parsed++;
  try {
    parseAdt(msg);
    stats.adt++;
    buildAck(msg, { code: 'AA', now: NOW, controlId: 'F' });
  } catch (e) {
    expectTyped(e, label);
    stats.hl7Errors++;
    buildAck(msg, {
      code: (e as Hl7Error).ackCode,
      now: NOW,
      controlId: 'F',
      errors: [
        {
          ...((e as Hl7Error).location ?? {}),
          hl7ErrorCode: (e as Hl7Error).hl7Code,
          severity: 'E',
          text: 'x',
        },
      ],
    });
  }
}

/** Through the MLLP decoder in random chunks (sometimes framed with junk around), then parsed. */
function runCase(rng: Rng, bytes: Buffer, label: string, stats: Stats): void {
  const framed = rng.next() < 0.7;
  const stream = framed
    ? Buffer.concat([rng.next() < 0.2 ? Buffer.from('\r\n') : Buffer.alloc(0), encodeFrame(bytes)])
    : bytes;
  const decoder = new MllpDecoder({ maxFrameSize: 2_000_000 });
  const payloads: Buffer[] = [];
  let pos = 0;
  while (pos < stream.length) {
    const size = 1 + rng.int(rng.next() < 0.5 ? 64 : 70_000);
    for (const ev of decoder.push(stream.subarray(pos, pos + size)))
      if (ev.type === 'frame') payloads.push(ev.payload);
    pos += size;
  }
  for (const ev of decoder.end()) if (ev.type === 'frame') payloads.push(ev.payload);
  stats.frames += payloads.length;
  if (framed && !bytes.includes(0x0b) && !bytes.includes(0x1c) && bytes.length <= 2_000_000) {
    expect(payloads, label).toHaveLength(1);
    expect(payloads[0]!.equals(bytes), label).toBe(true);
  }
  for (const p of framed ? payloads : [bytes]) processPayload(p, label, stats);
}

const examples = hl7Examples();

describe('fuzz (seed ' + SEED + ')', () => {
  it('random byte strings', { timeout: 120_000 }, () => {
    const stats: Stats = { parsed: 0, adt: 0, hl7Errors: 0, frames: 0 };
    const cases = Math.round(5_000 * SCALE);
    for (let n = 0; n < cases; n++) {
      if (ONLY !== undefined && n !== ONLY) continue;
      const rng = prng(SEED + n);
      runCase(rng, randomBytes(rng), `seed ${SEED} random case ${n}`, stats);
    }
    console.log('random', cases, stats);
    expect(stats.hl7Errors).toBeGreaterThan(0);
  });

  it('mutations of every ANS example', { timeout: 120_000 }, () => {
    expect(examples.length).toBeGreaterThanOrEqual(20);
    const stats: Stats = { parsed: 0, adt: 0, hl7Errors: 0, frames: 0 };
    const perExample = Math.round(250 * SCALE);
    let n = 0;
    for (const example of examples) {
      // Large base64 examples cost more per case: fewer of them.
      const count = example.bytes.length > 20_000 ? Math.ceil(perExample / 5) : perExample;
      for (let k = 0; k < count; k++, n++) {
        if (ONLY !== undefined && n !== ONLY) continue;
        const rng = prng(SEED * 31 + n);
        let bytes = example.bytes;
        const rounds = 1 + rng.int(4);
        for (let r = 0; r < rounds; r++) bytes = mutate(rng, bytes);
        runCase(rng, bytes, `seed ${SEED} mutation case ${n} (${example.name})`, stats);
      }
    }
    console.log('mutations', n, stats);
    // The mutations keep many messages valid: the deep paths (ADT mapping) are exercised.
    expect(stats.adt).toBeGreaterThan(100);
    expect(stats.hl7Errors).toBeGreaterThan(100);
  });
});

describe('5 MB messages', () => {
  const admission = examples.find((e) => e.name.endsWith('sgl-pamfr/admission.er7'))!.bytes.toString('utf8');
  const FIVE_MB = 5 * 1024 * 1024;

  function throughDecoder(bytes: Buffer): Buffer[] {
    const decoder = new MllpDecoder();
    const frame = encodeFrame(bytes);
    const out: Buffer[] = [];
    for (let pos = 0; pos < frame.length; pos += 65_536) {
      for (const ev of decoder.push(frame.subarray(pos, pos + 65_536)))
        if (ev.type === 'frame') out.push(ev.payload);
    }
    return out;
  }

  it('maps a 5 MB ADT (a huge Z segment) received in 64 KB chunks', { timeout: 30_000 }, () => {
    const big = Buffer.from(admission.replace('\nZBE|', `\nZZZ|${'A'.repeat(FIVE_MB)}\nZBE|`));
    const [payload] = throughDecoder(big);
    expect(payload!.length).toBeGreaterThan(FIVE_MB);
    const event = parseAdt(parseMessage(payload!));
    expect(event.patient.traits.birthFamilyName).toBe('PAT-TROIS');
  });

  it.each([
    [
      'a 5 MB birth name full of escapes',
      (s: string) => s.replace('PAT-TROIS^', `${'\\F\\\\X41\\'.repeat(FIVE_MB / 8)}^`),
    ],
    [
      '5 MB of repetitions in PID-3',
      (s: string) => s.replace('||000003^', `||${'~'.repeat(FIVE_MB)}000003^`),
    ],
    [
      '5 MB of components in PID-5',
      (s: string) => s.replace('PAT-TROIS^', `PAT-TROIS${'^'.repeat(FIVE_MB)}`),
    ],
    ['5 MB of segments', (s: string) => s.replace('\nZBE|', `${'\nZZZ|1'.repeat(FIVE_MB / 6)}\nZBE|`)],
    ['5 MB of line ends', (s: string) => s.replace('\nZBE|', `${'\r\n'.repeat(FIVE_MB / 2)}ZBE|`)],
  ])('handles %s, parsed or refused cleanly', { timeout: 30_000 }, (_what, change) => {
    const bytes = Buffer.from(change(admission));
    expect(bytes.length).toBeGreaterThan(FIVE_MB);
    const [payload] = throughDecoder(bytes);
    try {
      parseAdt(parseMessage(payload!));
    } catch (e) {
      expect(e).toBeInstanceOf(Hl7Error);
    }
  });

  it('refuses 5 MB that are not HL7', { timeout: 30_000 }, () => {
    const [payload] = throughDecoder(Buffer.alloc(FIVE_MB, 0x41));
    expect(() => parseMessage(payload!)).toThrow(Hl7Error);
  });
});
