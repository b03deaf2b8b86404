import { describe, expect, it } from 'vitest';
import { hl7Examples } from '../test/examples.ts';
import { Hl7Error } from './errors.ts';
import { parseMessage, parseText } from './message.ts';
import { parseOrders } from './order.ts';

const example = (name: string) =>
  hl7Examples()
    .find((e) => e.name === `teleradiologie-examples/${name}`)!
    .bytes.toString('utf8');
const NEW = example('flux1_ORM_O01_transmission_demande.hl7');
const CANCEL = example('flux2_ORM_O01_annulation_demande.hl7');
const COMPLEMENT_AS_IS = example('flux4_OMI_O23_complement_post_examen.hl7');
/** A DRIMbox partial URL (st_flux4: FQDN, service, StudyInstanceUID, AccessionNumber). */
const VIEWER_URL =
  'drimbox.example.fr/viewer?StudyInstanceUID=1.2.250.1.213.4.5.2.1.101&AccessionNumber=ACN101';
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
/** The ANS example's viewer URL, `Penfhghdegge`, is a placeholder (it decodes to no text): a real one here. */
const withViewerData = (data: string) =>
  COMPLEMENT_AS_IS.replace('^Base64^Penfhghdegge|', `^Base64^${data}|`);
const COMPLEMENT = withViewerData(b64(VIEWER_URL));

const parse = (text: string) => parseOrders(parseMessage(Buffer.from(text.replaceAll('\n', '\r'), 'utf8')));

function failure(text: string): Hl7Error {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof Hl7Error) return e;
    throw e;
  }
  throw new Error('parsed without error');
}

const PLACER = { number: 'OPN101', authority: '1.2.250.1.748.12345678.12' };

describe('parseOrders: the ANS teleradiology examples', () => {
  it('flux 1 (ORM^O01, NW): the INS patient, the placer number, the MR modality and regions, the ordering doctor', () => {
    const event = parse(NEW);
    expect(event.messageCode).toBe('ORM');
    expect(event.patient.ins).toEqual({ matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' });
    expect(event.patient.traits.birthFamilyName).toBe('PAT-TROIS');
    expect(event.orders).toHaveLength(1);
    const [order] = event.orders;
    expect(order).toMatchObject({
      control: 'NW',
      placer: PLACER,
      urgency: 'routine',
      modalityTypes: [{ type: 'MR', label: 'IRM' }],
      regions: ['tête et/ou cou', 'côté droit'],
      provider: { id: '801234567897', rpps: '01234567897', familyName: 'Hoda', givenName: 'Adam' },
      procedure: { code: 'TRANSMISSION_DEMANDE', system: 'TLR_OBR_PROCEDURE' },
      performed: null,
    });
    expect(order!.clinicalInfo).toContain('JustificationDemande');
    expect(order!.clinicalInfo).toContain("Commentaire sur la finalité de l'examen");
    expect(order!.clinicalInfo).toContain('Antécédents majeur du patient');
    expect(order!.clinicalInfo).toContain('Body weight : 68 kg');
  });

  it('flux 2 (ORM^O01, CA): the same placer number, the cancel reason', () => {
    const [order] = parse(CANCEL).orders;
    expect(order).toMatchObject({
      control: 'CA',
      placer: PLACER,
      reason: "Motif d'annulation de la demande",
    });
  });

  it('flux 4 (OMI^O23, SR): the post-exam complement: date, accession, Study Instance UID, act code, viewer URL', () => {
    const event = parse(COMPLEMENT);
    expect(event.messageCode).toBe('OMI');
    const [order] = event.orders;
    expect(order!.control).toBe('SR');
    expect(order!.performed).toEqual({
      at: '2026-01-06T18:44:18',
      retentionDays: 730,
      accessionNumber: { value: 'ACN101', authority: '1.2.250.1.925.994044.27' },
      studyInstanceUid: '1.2.250.1.213.4.5.2.1.101',
      procedure: { code: '24590-2', label: 'résonance magnétique cerveau', system: 'LN' },
      viewerUrl: VIEWER_URL,
    });
  });
});

describe('parseOrders: the DRIMbox URL (base64 in OBX-5) is kept only when it decodes to a URL', () => {
  it.each([
    ['https with a port', 'https://drimbox.chu-x.fr:8443/ohif/viewer?StudyInstanceUIDs=1.2.3'],
    ['no scheme (partial URL)', 'drimbox.example.fr/viewer?AccessionNumber=A1'],
    ['non-ASCII in the query', 'drimbox.example.fr/viewer?étude=1'],
  ])('%s', (_name, url) => {
    expect(parse(withViewerData(b64(url))).orders[0]!.performed!.viewerUrl).toBe(url);
  });

  it.each([
    [
      "the ANS example's placeholder (not UTF-8 once decoded)",
      'Penfhghdegge',
      /does not decode to UTF-8 text/,
    ],
    ['characters outside base64', 'aHR0cHM6Ly9@ZXhhbXBsZS5mcg==', /not valid base64/],
    ['missing padding', b64('https://drimbox.example.fr/v').replace(/=+$/, ''), /not valid base64/],
    ['padding inside', 'aGk=aGk=', /not valid base64/],
    ['invalid UTF-8', b64(Buffer.from([0x68, 0x74, 0xc3, 0x28])), /does not decode to UTF-8 text/],
    ['a control character', b64('drimbox.example.fr/v\u0000x'), /control characters/],
    ['text that is no URL', b64('Bonjour, voici les images'), /not a DRIMbox URL/],
    ['another scheme', b64('javascript:alert(1)'), /not a DRIMbox URL/],
    ['ftp', b64('ftp://drimbox.example.fr/v'), /not a DRIMbox URL/],
    ['no domain name', b64('https://localhost/viewer'), /not a DRIMbox URL/],
    ['credentials in the URL', b64('https://user:pw@drimbox.example.fr/v'), /not a DRIMbox URL/],
  ])('%s: refused, AE naming OBX-5', (_name, data, message) => {
    const e = failure(withViewerData(data));
    expect(e.ackCode).toBe('AE');
    expect(e.hl7Code).toBe('102');
    expect(e.location).toMatchObject({ segment: 'OBX', sequence: 1, field: 5 });
    expect(e.message).toMatch(/^OBX-5 URL_PARTIELLE_VIEWER: /);
    expect(e.message).toMatch(message);
  });
});

describe('parseOrders: malformed orders are refused with the place of the error', () => {
  it.each([
    [
      'no ORC',
      NEW.split('\n')
        .filter((l) => !/^(ORC|OBR|NTE|OBX)/.test(l))
        .join('\n'),
      '100',
      'ORC',
    ],
    [
      'no placer number',
      NEW.replace('ORC|NW|OPN101^^1.2.250.1.748.12345678.12^ISO|', 'ORC|NW||').replace(
        /OBR\|\|[^|]*\|/,
        'OBR|||',
      ),
      '101',
      'ORC',
    ],
    ['unknown order control', NEW.replace('ORC|NW|', 'ORC|ZZ|'), '103', 'ORC'],
    ['unknown modality', NEW.replace('||MR^IRM^DCM|', '||XX^Rayons X^DCM|'), '103', 'OBX'],
    ['OBR before ORC', NEW.replace(/\nORC\|[^\n]*/, ''), '100', 'OBR'],
    ['no PID', NEW.replace(/\nPID\|[^\n]*/, ''), '100', 'PID'],
    ['an ADT trigger in an ORM', NEW.replace('ORM^O01^ORM_O01', 'ORM^O02^ORM_O01'), '201', 'MSH'],
  ])('%s', (_name, text, code, segment) => {
    const e = failure(text);
    expect(e.hl7Code).toBe(code);
    expect(e.location?.segment).toBe(segment);
  });

  it('an urgent priority (OBR-5 = S) makes an urgent order', () => {
    const text = NEW.replace(
      /\nOBR\|[^\n]*/,
      '\nOBR||OPN101^^1.2.250.1.748.12345678.12^ISO||ZCQH001^Scanner abdomen^CCAM|S|',
    );
    const [order] = parse(text).orders;
    expect(order!.urgency).toBe('urgent');
    expect(order!.procedure).toEqual({ code: 'ZCQH001', label: 'Scanner abdomen', system: 'CCAM' });
  });

  it('reads 8859/1 messages too', () => {
    const text = NEW.replace('UNICODE UTF-8', '8859/1').replaceAll('\n', '\r');
    const event = parseOrders(parseText(text, '8859/1'));
    expect(event.orders[0]!.regions).toEqual(['tête et/ou cou', 'côté droit']);
  });
});
