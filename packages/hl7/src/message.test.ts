import { describe, expect, it } from 'vitest';
import { escapeValue, unescapeValue, DEFAULT_ENCODING } from './encoding.ts';
import { Hl7Error } from './errors.ts';
import { parseTimestamp, readHeader, sniffHeader } from './header.ts';
import { parseMessage, parseText } from './message.ts';
import { adtExamples, hl7Examples } from '../test/examples.ts';

const SAMPLE =
  'MSH|^~\\&|GAM|CHU-X|DPI|CHU-X|20240306111154||ADT^A01^ADT_A01|3975|D|2.5^FRA^2.11|||||FRA|UNICODE UTF-8|FR||2.11^IHE_FRANCE-2.11-PAM\r' +
  'EVN||20240306111154||||20240306111154\r' +
  'PID|1||000003^^^CHU-X&000897406&N^PI~279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS^^20101207||PAT-TROIS^DOMINIQUE^DOMINIQUE^^^^L||19790328|F\r' +
  'OBX|1|TX|X||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X0D0A\\g\\H\\bold\\N\\\r' +
  'OBX|2|TX|Y||\r';

function syntaxError(fn: () => unknown): Hl7Error {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Hl7Error);
    return e as Hl7Error;
  }
  throw new Error('expected an Hl7Error');
}

describe('ER7 parser', () => {
  const msg = parseText(SAMPLE);

  it('numbers MSH fields from the field separator (MSH-1) and the encoding characters (MSH-2)', () => {
    const msh = msg.get('MSH')!;
    expect(msh.field(1).value).toBe('|');
    expect(msh.field(2).value).toBe('^~\\&');
    expect(msh.field(2).repetitions).toHaveLength(1);
    expect(msh.field(3).value).toBe('GAM');
    expect(msh.field(9).component(2).value).toBe('A01');
    expect(msh.field(10).value).toBe('3975');
    expect(msh.field(12).raw).toBe('2.5^FRA^2.11');
    expect(msh.field(18).value).toBe('UNICODE UTF-8');
    expect(msh.field(21).component(2).value).toBe('IHE_FRANCE-2.11-PAM');
    expect(msh.fieldCount).toBe(21);
  });

  it('numbers other segments from 1 after the segment id', () => {
    const pid = msg.get('PID')!;
    expect(pid.field(1).value).toBe('1');
    expect(pid.field(7).value).toBe('19790328');
    expect(pid.field(0).value).toBe('');
    expect(pid.fieldCount).toBe(8);
  });

  it('gives repetitions, components and subcomponents', () => {
    const ids = msg.get('PID')!.field(3).repetitions;
    expect(ids).toHaveLength(2);
    expect(ids[1]!.component(1).value).toBe('279035121518989');
    expect(ids[1]!.component(4).subcomponents).toEqual(['ASIP-SANTE-INS-NIR', '1.2.250.1.213.1.4.10', 'ISO']);
    expect(ids[1]!.component(4).subcomponent(2)).toBe('1.2.250.1.213.1.4.10');
    expect(ids[1]!.component(5).value).toBe('INS');
    expect(ids[0]!.component(4).value).toBe('CHU-X');
  });

  it('returns empty values for what is absent, never undefined', () => {
    const pid = msg.get('PID')!;
    expect(pid.field(99).value).toBe('');
    expect(pid.field(99).repetitions).toEqual([]);
    expect(pid.field(5).repetition(9).component(9).subcomponent(9)).toBe('');
    expect(pid.field(99).isEmpty).toBe(true);
    expect(msg.get('ZZZ')).toBeUndefined();
  });

  it('counts segment occurrences (ERR-2 sequence) and positions', () => {
    expect(msg.get('OBX', 2)!.sequence).toBe(2);
    expect(msg.get('OBX', 2)!.position).toBe(5);
    expect(msg.getAll('OBX')).toHaveLength(2);
    expect(msg.get('OBX', 3)).toBeUndefined();
    expect(msg.get('PID')!.location(7)).toEqual({ segment: 'PID', sequence: 1, field: 7 });
  });

  it('resolves escape sequences, keeps formatting ones', () => {
    expect(msg.get('OBX')!.field(5).value).toBe('a|b^c&d~e\\f\r\ng\\H\\bold\\N\\');
    expect(msg.get('OBX')!.field(5).raw).toContain('\\F\\');
  });

  it('accepts CR, LF and CRLF segment endings, and blank lines', () => {
    for (const sep of ['\r', '\n', '\r\n', '\n\n', '\r\n\r\n']) {
      const m = parseText(SAMPLE.replaceAll('\r', sep));
      expect(m.segments.map((s) => s.name)).toEqual(['MSH', 'EVN', 'PID', 'OBX', 'OBX']);
      expect(m.get('PID')!.field(5).component(1).value).toBe('PAT-TROIS');
    }
  });

  it('accepts a message without final terminator, a BOM, leading blank lines', () => {
    expect(parseText(SAMPLE.slice(0, -1)).segments).toHaveLength(5);
    expect(parseText('\uFEFF' + SAMPLE).segments).toHaveLength(5);
    expect(parseMessage(Buffer.from('\r\n' + SAMPLE)).segments).toHaveLength(5);
  });

  it('uses the delimiters of MSH-1/MSH-2', () => {
    const m = parseText('MSH*!@#$*A!B*C\rPID*1**X!Y@Z$W#V');
    expect(m.encoding).toEqual({
      field: '*',
      component: '!',
      repetition: '@',
      escape: '#',
      subcomponent: '$',
    });
    expect(m.get('MSH')!.field(3).component(2).value).toBe('B');
    const f = m.get('PID')!.field(3);
    expect(f.repetitions).toHaveLength(2);
    expect(f.component(2).value).toBe('Y');
    expect(f.repetition(2).component(1).subcomponents).toEqual(['Z', 'W#V']);
  });

  it('accepts the v2.7 truncation character in MSH-2', () => {
    expect(parseText('MSH|^~\\&#|A\rPID|1').encoding.subcomponent).toBe('&');
  });

  it('serialises back with CR terminators', () => {
    expect(parseText(SAMPLE.replaceAll('\r', '\n')).toString()).toBe(SAMPLE);
  });
});

describe('ER7 parser: malformed input', () => {
  it.each([
    ['', undefined, 'empty'],
    ['\r\n', undefined, 'empty'],
    ['PID|1||X', 'MSH', 'MSH'],
    ['EVN|\rMSH|^~\\&|A', 'MSH', 'MSH'],
    ['MSH', 'MSH-1', 'separator'],
    ['MSHA^~\\&|', 'MSH-1', 'separator'],
    ['MSH|^~\\', 'MSH-2', 'encoding'],
    ['MSH|^~\\&&|X', 'MSH-2', 'encoding'],
    ['MSH|^~|&|X', 'MSH-2', 'encoding'],
    ['MSH|^~a&|X', 'MSH-2', 'encoding'],
    ['MSH|^~\\&|X\rpid|1', undefined, 'not a segment'],
    ['MSH|^~\\&|X\rPI|1', undefined, 'not a segment'],
    ['MSH|^~\\&|X\r|||', undefined, 'not a segment'],
    ['MSH|^~\\&|X\rPID|1\rMSH|^~\\&|Y', 'MSH(2)', 'second MSH'],
  ])('refuses %j (%s)', (text, field, words) => {
    const e = syntaxError(() => parseText(text));
    expect(e.kind).toBe('syntax');
    expect(e.ackCode).toBe('AR');
    expect(e.field).toBe(field);
    expect(e.message).toMatch(new RegExp(words));
  });

  it('requires MSH-9 and MSH-10 to read the header', () => {
    expect(syntaxError(() => readHeader(parseText('MSH|^~\\&|A|B|C|D||||1|P|2.5'))).field).toBe('MSH-9');
    expect(syntaxError(() => readHeader(parseText('MSH|^~\\&|A|B|C|D|||ADT^A01||P|2.5'))).field).toBe(
      'MSH-10',
    );
  });
});

describe('escapes', () => {
  const enc = DEFAULT_ENCODING;
  it('escapes and unescapes every delimiter and line ends', () => {
    const text = 'a|b^c&d~e\\f\rg\nh';
    const escaped = escapeValue(text, enc);
    expect(escaped).toBe('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f\\X0D\\g\\X0A\\h');
    expect(unescapeValue(escaped, enc, 'UNICODE UTF-8')).toBe(text);
  });
  it('decodes \\X..\\ in the message charset', () => {
    expect(unescapeValue('\\XC3A9\\', enc, 'UNICODE UTF-8')).toBe('é');
    expect(unescapeValue('\\XE9\\', enc, '8859/1')).toBe('é');
  });
  it('keeps unknown, malformed and unterminated sequences as written', () => {
    for (const raw of ['\\.br\\', '\\X0\\', '\\XZZ\\', '\\Q\\', 'a\\', '\\', '\\\\', '\\F', 'x\\Fy']) {
      expect(unescapeValue(raw, enc, 'UNICODE UTF-8')).toBe(raw);
    }
  });
});

describe('timestamps', () => {
  it.each([
    ['1979', '1979', 'year'],
    ['197903', '1979-03', 'month'],
    ['19790328', '1979-03-28', 'day'],
    ['20240306111154', '2024-03-06T11:11:54', 'time'],
    ['202106060931', '2021-06-06T09:31:00', 'time'],
    ['20240306111154.123+0100', '2024-03-06T11:11:54.123+01:00', 'time'],
    ['2024030611-0500', '2024-03-06T11:00:00-05:00', 'time'],
  ])('%s → %s', (ts, iso, precision) => {
    expect(parseTimestamp(ts)).toEqual({ iso, precision });
  });
  it.each(['', '79', '19790230', '19791301', '1979032825', '19790328116', 'abcd', '20240306111154+2500'])(
    'refuses %j',
    (ts) => expect(parseTimestamp(ts)).toBeNull(),
  );
});

describe('sniffHeader', () => {
  it('reads MSH from bytes that do not parse', () => {
    const raw = Buffer.from(
      'MSH|^~\\&|GAM|CHU-X|RIS|CAB|2024||ADT^A28|MSG-7|P|2.5|||||FRA|8859/1\rgarbage\x00',
    );
    expect(sniffHeader(raw)).toMatchObject({
      charset: '8859/1',
      sendingApplication: 'GAM',
      sendingFacility: 'CHU-X',
      receivingApplication: 'RIS',
      receivingFacility: 'CAB',
      messageCode: 'ADT',
      triggerEvent: 'A28',
      controlId: 'MSG-7',
    });
  });
  it('returns empty values for bytes that are not HL7', () => {
    const s = sniffHeader(Buffer.from('hello'));
    expect(s.fields).toBeNull();
    expect(s.controlId).toBe('');
    expect(s.encoding).toEqual(DEFAULT_ENCODING);
  });
  it('takes the OID when an HD has no namespace, and reads UTF-8 names', () => {
    const raw = Buffer.from('MSH|^~\\&|^1.2.3^ISO|Hôpital Noël|||||ADT^A01|1|P|2.5|||||FRA|UNICODE UTF-8\r');
    expect(sniffHeader(raw)).toMatchObject({ sendingApplication: '1.2.3', sendingFacility: 'Hôpital Noël' });
  });
});

describe('ANS examples', () => {
  for (const example of hl7Examples()) {
    it(`parses ${example.name}`, () => {
      const msg = parseMessage(example.bytes);
      const header = readHeader(msg);
      expect(header.controlId).not.toBe('');
      expect(msg.segments[0]!.name).toBe('MSH');
      // The ANS files use LF; re-serialised with CR they keep every segment.
      expect(msg.toString().split('\r').filter(Boolean)).toHaveLength(
        example.bytes
          .toString('utf8')
          .split(/\r\n|\r|\n/)
          .filter((l) => l.trim() !== '').length,
      );
    });
  }

  it('has the PAM-FR ADT examples', () => {
    expect(adtExamples().length).toBeGreaterThanOrEqual(7);
  });
});
