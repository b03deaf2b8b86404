/** The CDA viewer's French: HL7 times, ids, codes, professionals, and the refusals by reason key. */
import { describe, expect, it } from 'vitest';
import {
  cdaRefusal,
  formatCoded,
  formatHl7Time,
  formatInstanceId,
  professionalIdText,
} from './cda-display.ts';

describe('formatting', () => {
  it('writes HL7 times in French, in Paris time when the offset is given', () => {
    expect(formatHl7Time('19790328')).toBe('28/03/1979');
    expect(formatHl7Time('20210108111700+0100')).toBe('08/01/2021 11:17');
    expect(formatHl7Time('20210708091700+0000')).toBe('08/07/2021 11:17');
    expect(formatHl7Time('202101081117')).toBe('08/01/2021 11:17');
    expect(formatHl7Time(null)).toBe('—');
    expect(formatHl7Time('garbage')).toBe('garbage');
  });

  it('writes ids and codes', () => {
    expect(formatInstanceId({ root: '1.2', extension: 'X' })).toBe('X (1.2)');
    expect(formatInstanceId({ root: '1.2', extension: null })).toBe('1.2');
    expect(
      formatCoded({ code: 'CT', displayName: 'Tomodensitométrie', codeSystem: '1.2', codeSystemName: 'DCM' }),
    ).toBe('Tomodensitométrie (CT, DCM)');
  });

  it('names a professional by RPPS, by ADELI (0 + ADELI), or says there is no identifier', () => {
    const idNat = (extension: string) => ({ root: '1.2.250.1.71.4.2.1', extension });
    expect(professionalIdText({ id: idNat('810003456789'), rpps: '10003456789' })).toBe('RPPS 10003456789');
    expect(professionalIdText({ id: idNat('0751234567'), rpps: null })).toBe('ADELI 751234567');
    expect(professionalIdText({ id: idNat('02B1234567'), rpps: null })).toBe('ADELI 2B1234567');
    expect(professionalIdText({ id: null, rpps: null })).toBe('sans identifiant');
    expect(professionalIdText({ id: { root: '1.2.3', extension: 'X' }, rpps: null })).toBe('X (1.2.3)');
  });
});

describe('cdaRefusal', () => {
  it('says in French why a CDA cannot be shown, by the reason key and its parameters', () => {
    expect(cdaRefusal({ reason: 'documents.cda.not_xml', params: {} })).toBe(
      "Ce fichier n'est pas un document XML valide : il ne peut pas être lu.",
    );
    expect(cdaRefusal({ reason: 'documents.cda.not_cda', params: {} })).toContain(
      "n'est pas un document CDA R2",
    );
    expect(cdaRefusal({ reason: 'documents.cda.structured_body', params: {} })).toContain('corps structuré');
    expect(cdaRefusal({ reason: 'documents.cda.no_body', params: {} })).toContain('nonXMLBody');
    expect(
      cdaRefusal({ reason: 'documents.cda.body_not_pdf', params: { mediaType: 'text/plain' } }),
    ).toContain('(type text/plain)');
    expect(cdaRefusal({ reason: 'documents.cda.body_not_pdf', params: { mediaType: null } })).toContain(
      '(type non précisé)',
    );
    expect(cdaRefusal({ reason: 'documents.cda.invalid_pdf', params: {} })).toBe(
      "Le corps de ce document CDA n'est pas un PDF valide.",
    );
    expect(
      cdaRefusal({ reason: 'documents.cda.too_large', params: { maxBytes: 20 * 1024 * 1024 } }),
    ).toContain('20 Mo');
    expect(cdaRefusal({ reason: 'documents.cda.not_text', params: {} })).toContain('UTF-8');
  });

  it('leaves any other refusal to the caller', () => {
    expect(cdaRefusal({ reason: 'password.weak', params: {} })).toBeUndefined();
    expect(cdaRefusal(undefined)).toBeUndefined();
  });
});
