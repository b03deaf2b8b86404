import { describe, expect, it } from 'vitest';
import {
  declaredCharset,
  decodeMessage,
  decodeText,
  detectCharset,
  encodeText,
  invalidUtf8Offset,
  type Hl7Charset,
} from './charset.ts';
import { Hl7Error } from './errors.ts';
import { parseMessage } from './message.ts';

const NAMES = ['Gwénaëlle', 'Bénédicte', 'Noël', "D'ARTAGNAN-ÇÀÏÔÙ", 'Œdipe Lætitia'];

function adt(charset: string | null, family: string, given: string): string {
  const msh18 = charset === null ? '' : `|||||FRA|${charset}`;
  return (
    `MSH|^~\\&|GAM|CHU-X|RIS|CAB|20240306111154||ADT^A28^ADT_A05|1|P|2.5${msh18}\r` +
    `PID|1||000003^^^CHU-X^PI||${family}^${given}^${given}^^^^L||19790328|F\r`
  );
}

describe('charset from MSH-18', () => {
  it.each([
    ['UNICODE UTF-8', 'UNICODE UTF-8'],
    ['8859/1', '8859/1'],
    ['8859/15', '8859/15'],
    ['ASCII', 'ASCII'],
    ['unicode utf-8', 'UNICODE UTF-8'],
    [' 8859/1 ', '8859/1'],
  ])('reads %j', (declared, charset) => {
    expect(detectCharset(Buffer.from(adt(declared, 'X', 'Y'), 'latin1'))).toBe(charset);
  });

  it('defaults to UTF-8 when MSH-18 is absent', () => {
    const raw = Buffer.from(adt(null, 'X', 'Y'));
    expect(declaredCharset(raw)).toBeNull();
    expect(detectCharset(raw)).toBe('UNICODE UTF-8');
  });

  it('reads the first repetition only, and after a BOM or blank lines', () => {
    expect(detectCharset(Buffer.from(adt('8859/1~UNICODE UTF-8', 'X', 'Y')))).toBe('8859/1');
    expect(
      detectCharset(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(adt('8859/1', 'X', 'Y'))])),
    ).toBe('8859/1');
    expect(detectCharset(Buffer.from('\r\n' + adt('8859/1', 'X', 'Y')))).toBe('8859/1');
  });

  it('refuses an unknown charset, naming MSH-18', () => {
    try {
      detectCharset(Buffer.from(adt('ISO IR87', 'X', 'Y')));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Hl7Error);
      expect(e).toMatchObject({ kind: 'charset', hl7Code: '103', ackCode: 'AR', field: 'MSH-18' });
    }
  });

  it('reports invalid UTF-8 (absent MSH-18 with latin1 bytes) instead of guessing', () => {
    const raw = Buffer.from(adt(null, 'NOËL', 'Gwénaëlle'), 'latin1');
    expect(() => decodeMessage(raw)).toThrow(Hl7Error);
    try {
      decodeMessage(raw);
    } catch (e) {
      expect(e).toMatchObject({ kind: 'charset', ackCode: 'AR', field: 'MSH-18' });
      expect((e as Error).message).toMatch(/not valid UTF-8 \(byte \d+\)/);
    }
  });

  it('refuses non-ASCII bytes in a message that declares ASCII', () => {
    expect(() => decodeMessage(Buffer.from(adt('ASCII', 'NOËL', 'X'), 'latin1'))).toThrow(/ASCII/);
  });
});

describe('accented names round-trip exactly', () => {
  for (const charset of ['UNICODE UTF-8', '8859/1', '8859/15'] as Hl7Charset[]) {
    it(`in ${charset}`, () => {
      // Œ and æ-ligature capitals exist in 8859/15 and UTF-8, not in 8859/1.
      for (const name of NAMES.filter((n) => charset !== '8859/1' || !/[Œœ]/.test(n))) {
        const text = adt(charset, name.toUpperCase(), name);
        const raw = encodeText(text, charset);
        // The bytes are really in that charset: é is one byte in 8859, two in UTF-8.
        expect(raw.length).toBe(charset === 'UNICODE UTF-8' ? Buffer.byteLength(text) : text.length);
        const msg = parseMessage(raw);
        expect(msg.charset).toBe(charset);
        const pid = msg.get('PID')!;
        expect(pid.value(5, 1)).toBe(name.toUpperCase());
        expect(pid.value(5, 2)).toBe(name);
        expect(encodeText(msg.toString(), charset).equals(raw)).toBe(true);
      }
    });
  }

  it('latin1 bytes are the 8859-1 code points', () => {
    expect([...encodeText('é', '8859/1')]).toEqual([0xe9]);
    expect([...encodeText('é', 'UNICODE UTF-8')]).toEqual([0xc3, 0xa9]);
    expect(decodeText(Buffer.from([0xe9, 0xeb]), '8859/1')).toBe('éë');
  });

  it('8859/15 has €, Œ, œ, Ÿ where 8859/1 has other signs', () => {
    expect([...encodeText('€Œœ', '8859/15')]).toEqual([0xa4, 0xbc, 0xbd]);
    expect(decodeText(Buffer.from([0xa4, 0xbc, 0xbe]), '8859/15')).toBe('€ŒŸ');
    expect(decodeText(Buffer.from([0xa4, 0xbc]), '8859/1')).toBe('¤¼');
  });

  it('replaces what a charset cannot encode by ?', () => {
    expect(encodeText('Œ€ж', '8859/1').toString('latin1')).toBe('???');
    expect(encodeText('¤', '8859/15').toString('latin1')).toBe('?');
    expect(encodeText('é', 'ASCII').toString('latin1')).toBe('?');
    expect(encodeText('a😀b', '8859/1').toString('latin1')).toBe('a?b');
  });
});

describe('invalidUtf8Offset', () => {
  it.each([
    [[0x41, 0xc3, 0xa9], -1],
    [[0xf0, 0x9f, 0x98, 0x80], -1],
    [[0x41, 0xe9, 0x41], 1],
    [[0xc0, 0x80], 0], // overlong
    [[0xed, 0xa0, 0x80], 0], // surrogate
    [[0xf4, 0x90, 0x80, 0x80], 0], // beyond U+10FFFF
    [[0x41, 0xc3], 1], // truncated
  ])('%j → %i', (bytes, offset) => {
    expect(invalidUtf8Offset(Uint8Array.from(bytes))).toBe(offset);
  });
});
