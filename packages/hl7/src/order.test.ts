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
const COMPLEMENT = example('flux4_OMI_O23_complement_post_examen.hl7');

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
      viewerUrl: Buffer.from('Penfhghdegge', 'base64').toString('utf8'),
    });
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
