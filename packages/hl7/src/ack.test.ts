import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HL7_EXAMPLES } from '../test/examples.ts';
import { ackErrorFrom, buildAck, buildErrorAck } from './ack.ts';
import { encodeText } from './charset.ts';
import { Hl7Error } from './errors.ts';
import { sniffHeader } from './header.ts';
import { parseMessage, parseText } from './message.ts';

const NOW = new Date('2026-01-15T10:20:30Z');
const MDM_DIR = join(HL7_EXAMPLES, 'ans-hl7v2-exemples/volet-trans-doc-cda-v2.0-mdm/Suppression_MDM');

const lines = (text: string) => text.split('\r').filter(Boolean);

describe('buildAck', () => {
  it('has the shape of the ANS acknowledgement of the same request', () => {
    const request = parseMessage(readFileSync(join(MDM_DIR, 'message_MDM_CR_Radio_DEL_N1.er7')));
    const expected = lines(readFileSync(join(MDM_DIR, 'ack.er7'), 'utf8').replaceAll('\n', '\r'));
    const ack = lines(buildAck(request, { code: 'AA', now: NOW, controlId: '016' }).text);
    expect(ack).toHaveLength(2);
    const ours = ack[0]!.split('|');
    const theirs = expected[0]!.split('|');
    // Same fields except MSH-7 (date of the answer).
    ours[6] = theirs[6] = '';
    expect(ours).toEqual(theirs);
    expect(ack[1]).toBe(expected[1]);
  });

  const REQUEST =
    'MSH|^~\\&|GAM|CHU-X|RIS|CAB-Y|20240306111154||ADT^A28^ADT_A05|MSG\\F\\1|P|2.5^FRA^2.11|||||FRA|8859/1\r' +
    'PID|1||000003^^^CHU-X^PI||NOËL^Bénédicte^^^^^L||1979\r';

  it('swaps sender and receiver, answers the trigger, copies MSA-2 = MSH-10 as written', () => {
    const ack = buildAck(parseText(REQUEST, '8859/1'), { code: 'AA', now: NOW, controlId: 'A1' });
    expect(lines(ack.text)).toEqual([
      'MSH|^~\\&|RIS|CAB-Y|GAM|CHU-X|20260115112030+0100||ACK^A28^ACK|A1|P|2.5^FRA^2.11|||||FRA|8859/1',
      'MSA|AA|MSG\\F\\1',
    ]);
    const back = parseText(ack.text);
    expect(back.get('MSA')!.field(2).raw).toBe(parseText(REQUEST).get('MSH')!.field(10).raw);
  });

  it('writes one v2.5 ERR per error, and MSA-3 for AE/AR', () => {
    const ack = buildAck(parseText(REQUEST, '8859/1'), {
      code: 'AE',
      now: NOW,
      controlId: 'A2',
      errors: [
        {
          segment: 'PID',
          sequence: 1,
          field: 7,
          hl7ErrorCode: '102',
          severity: 'E',
          text: 'invalid birth date: 1979',
        },
        {
          segment: 'PID',
          sequence: 1,
          field: 3,
          repetition: 2,
          component: 4,
          subcomponent: 2,
          hl7ErrorCode: '103',
          severity: 'E',
          text: 'unknown OID',
        },
        {
          segment: 'PID',
          sequence: 1,
          field: 5,
          component: 1,
          hl7ErrorCode: '101',
          severity: 'W',
          text: 'a|b^c',
        },
        { hl7ErrorCode: '207', severity: 'I', text: 'no location' },
      ],
    });
    expect(lines(ack.text).slice(1)).toEqual([
      'MSA|AE|MSG\\F\\1|invalid birth date: 1979',
      'ERR||PID^1^7|102^Data type error^HL70357|E||||invalid birth date: 1979',
      'ERR||PID^1^3^2^4^2|103^Table value not found^HL70357|E||||unknown OID',
      'ERR||PID^1^5^1^1|101^Required field missing^HL70357|W||||a\\F\\b\\S\\c',
      'ERR|||207^Application internal error^HL70357|I||||no location',
    ]);
  });

  it('encodes the answer in the charset of the request', () => {
    const raw = encodeText(REQUEST, '8859/1');
    const request = parseMessage(raw);
    const ack = buildAck(request, {
      code: 'AE',
      now: NOW,
      controlId: 'A3',
      errors: [
        { segment: 'PID', sequence: 1, field: 5, hl7ErrorCode: '102', severity: 'E', text: 'Bénédicte NOËL' },
      ],
    });
    expect(ack.charset).toBe('8859/1');
    expect(ack.payload.includes(Buffer.from('Bénédicte NOËL', 'latin1'))).toBe(true);
    expect(parseMessage(ack.payload).get('ERR')!.field(8).value).toBe('Bénédicte NOËL');
  });

  it('uses the delimiters of the request', () => {
    const ack = buildAck(parseText('MSH*!@#$*A*B*C*D*2024**ADT!A01*X1*P*2.5\rPID*1'), {
      code: 'AA',
      now: NOW,
      controlId: 'Z',
    });
    expect(lines(ack.text)).toEqual([
      'MSH*!@#$*C*D*A*B*20260115112030+0100**ACK!A01!ACK*Z*P*2.5',
      'MSA*AA*X1',
    ]);
  });

  it('answers a request that could not be parsed, from its sniffed header', () => {
    const raw = Buffer.from('MSH|^~\\&|GAM|CHU-X|RIS|CAB|2024||ADT^A01|BAD-1|P|2.5\rgarbage line\r');
    let error: Hl7Error | undefined;
    try {
      parseMessage(raw);
    } catch (e) {
      error = e as Hl7Error;
    }
    expect(error).toBeInstanceOf(Hl7Error);
    const ack = buildErrorAck(sniffHeader(raw), error!, { now: NOW, controlId: 'A4' });
    const back = parseText(ack.text);
    expect(back.get('MSA')!.field(1).value).toBe('AR');
    expect(back.get('MSA')!.field(2).value).toBe('BAD-1');
    expect(back.get('MSH')!.field(9).raw).toBe('ACK^A01^ACK');
    expect(back.get('ERR')!.field(3).component(1).value).toBe('100');
  });

  it('answers bytes that are not HL7 at all', () => {
    const ack = buildErrorAck(sniffHeader(Buffer.from('hello')), new Hl7Error('syntax', '100', 'no MSH'), {
      now: NOW,
      controlId: 'A5',
    });
    expect(lines(ack.text)).toEqual([
      'MSH|^~\\&|||||20260115112030+0100||ACK|A5|P|2.5',
      'MSA|AR||no MSH',
      'ERR|||100^Segment sequence error^HL70357|E||||no MSH',
    ]);
  });

  it('gives back the header bytes of a request in an unsupported charset', () => {
    const raw = Buffer.concat([
      Buffer.from('MSH|^~\\&|H\xd4PITAL|CHU|RIS|CAB|2024||ADT^A01|Q1|P|2.5|||||FRA|8859/2\r', 'latin1'),
    ]);
    const s = sniffHeader(raw);
    expect(s.charset).toBeNull();
    const ack = buildAck(s, { code: 'AR', now: NOW, controlId: 'A6' });
    expect(ack.payload.includes(Buffer.from('H\xd4PITAL', 'latin1'))).toBe(true);
    expect(ack.text).toContain('|8859/2\r');
  });

  it('maps an Hl7Error to an ERR entry', () => {
    const e = new Hl7Error('content', '102', 'bad date', {
      location: { segment: 'PID', sequence: 1, field: 7 },
    });
    expect(ackErrorFrom(e)).toEqual({
      segment: 'PID',
      sequence: 1,
      field: 7,
      hl7ErrorCode: '102',
      severity: 'E',
      text: 'bad date',
    });
    expect(e.ackCode).toBe('AE');
    expect(e.code).toBe('BAD_INPUT');
    expect(e.field).toBe('PID-7');
  });
});
