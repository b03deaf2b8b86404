import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { XDS_UUID } from './codes.ts';
import { buildDeletionMetadata, buildXdsMetadata, dmpEligibility, dmpEntryUuid } from './metadata.ts';
import { sampleDescription } from './test-fixtures.ts';

const RIM = 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0';
const cda = Buffer.from('<ClinicalDocument xmlns="urn:hl7-org:v3"/>');

function parse(xml: string) {
  return new DOMParser().parseFromString(xml, 'text/xml');
}
function classifications(xml: string, scheme: string): { code: string; scheme: string }[] {
  const doc = parse(xml);
  return Array.from(doc.getElementsByTagNameNS(RIM, 'Classification'))
    .filter((c) => c.getAttribute('classificationScheme') === scheme)
    .map((c: Element) => ({
      code: c.getAttribute('nodeRepresentation') ?? '',
      scheme: c.getElementsByTagNameNS(RIM, 'Value')[0]?.textContent ?? '',
    }));
}

describe('dmpEligibility', () => {
  it('accepts a qualified identity with its INS and refuses the others in plain French', () => {
    expect(dmpEligibility(sampleDescription())).toEqual({ eligible: true });
    const d = sampleDescription();
    const notQualified = {
      ...d,
      patient: { ...d.patient, identityStatus: 'validee' as const, ins: undefined },
    };
    expect(dmpEligibility(notQualified)).toEqual({
      eligible: false,
      reason: 'identité non qualifiée : document non envoyé au DMP',
    });
    expect(() => buildXdsMetadata(notQualified, { cda })).toThrow(/identité non qualifiée/);
  });
});

describe('buildXdsMetadata', () => {
  it('codes a CR d’imagerie N1 entry with every required classification and identifier', () => {
    const m = buildXdsMetadata(sampleDescription(), { cda, now: new Date('2026-11-22T10:10:00Z') });
    expect(classifications(m.xml, XDS_UUID.typeCode)).toEqual([
      { code: '18748-4', scheme: '2.16.840.1.113883.6.1' },
    ]);
    expect(classifications(m.xml, XDS_UUID.classCode)).toEqual([
      { code: '10', scheme: '1.2.250.1.213.1.1.4.1' },
    ]);
    expect(classifications(m.xml, XDS_UUID.formatCode)).toEqual([
      { code: 'urn:ihe:iti:xds-sd:pdf:2008', scheme: '1.3.6.1.4.1.19376.1.2.3' },
    ]);
    expect(classifications(m.xml, XDS_UUID.healthcareFacilityTypeCode)).toEqual([
      { code: 'SA08', scheme: '1.2.250.1.71.4.2.4' },
    ]);
    expect(classifications(m.xml, XDS_UUID.practiceSettingCode)).toEqual([
      { code: 'AMBULATOIRE', scheme: '1.2.250.1.213.1.1.4.9' },
    ]);
    expect(classifications(m.xml, XDS_UUID.confidentialityCode)).toEqual([
      { code: 'N', scheme: '2.16.840.1.113883.5.25' },
    ]);
    expect(classifications(m.xml, XDS_UUID.eventCodeList)).toEqual([
      { code: '72696002', scheme: '1.2.250.1.213.2.5' },
    ]);
    expect(m.xml).toContain(
      `identificationScheme="${XDS_UUID.documentEntryPatientId}" registryObject="${m.entryUuid}" value="279035121518989^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH"`,
    );
    expect(m.xml).toContain(
      `identificationScheme="${XDS_UUID.documentEntryUniqueId}" registryObject="${m.entryUuid}" value="1.2.250.1.999.1.1.20261122.1"`,
    );
    expect(m.xml).toContain(`classificationNode="${XDS_UUID.submissionSet}"`);
    expect(m.xml).toContain('<rim:Value>20261122101000</rim:Value>');
    expect(m.xml).toContain('<rim:Value>20261122100200</rim:Value>'); // creationTime in UTC
    expect(m.xml).toContain('810001234567^BIDEAULT^Jacques^^^^^^&amp;1.2.250.1.71.4.2.1&amp;ISO^D^^^IDNPS');
    expect(m.xml).toContain('Imagerie Démo Paris-Est^^^^^&amp;1.2.250.1.71.4.2.2&amp;ISO^IDNST^^^1750712184');
    expect(m.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(m.size).toBe(cda.length);
    expect(m.xml).toContain('urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember');
    expect(m.xml).not.toContain('AssociationType:RPLC');
    expect(m.entryUuid).toBe(dmpEntryUuid('1.2.250.1.999.1.1.20261122.1'));
    expect(parse(m.xml).getElementsByTagNameNS(RIM, 'ExtrinsicObject')).toHaveLength(1);
  });

  it('a new version replaces the previous entry by an RPLC association', () => {
    const d = sampleDescription();
    const v2 = {
      ...d,
      document: { ...d.document, id: '1.2.250.1.999.1.1.20261122.3', version: 2, replaces: d.document.id },
    };
    const m = buildXdsMetadata(v2, { cda });
    expect(m.replacedEntryUuid).toBe(dmpEntryUuid(d.document.id));
    expect(m.xml).toContain(
      `associationType="urn:ihe:iti:2007:AssociationType:RPLC" id="${/RPLC" id="([^"]+)"/.exec(m.xml)?.[1]}" sourceObject="${m.entryUuid}" targetObject="${dmpEntryUuid(d.document.id)}"`,
    );
  });

  it('adds the DMP visibility codes when flagged', () => {
    const m = buildXdsMetadata(sampleDescription(), {
      cda,
      confidentiality: { invisiblePatient: true, masquePs: true, invisibleRepresentantsLegaux: true },
    });
    expect(classifications(m.xml, XDS_UUID.confidentialityCode)).toEqual([
      { code: 'N', scheme: '2.16.840.1.113883.5.25' },
      { code: 'MASQUE_PS', scheme: '1.2.250.1.213.1.1.4.13' },
      { code: 'INVISIBLE_PATIENT', scheme: '1.2.250.1.213.1.1.4.13' },
      { code: 'INVISIBLE_REPRESENTANTS_LEGAUX', scheme: '1.2.250.1.213.1.1.4.13' },
    ]);
  });
});

describe('buildDeletionMetadata', () => {
  it('asks Approved → Deleted for the entry', () => {
    const xml = buildDeletionMetadata({
      entryUuid: dmpEntryUuid('1.2.3'),
      patientIns: { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' },
      author: { rpps: '10001234567', familyName: 'BIDEAULT' },
      organisation: { name: 'X', idNat: '1750712184' },
      sourceId: '1.2.250.1.999',
    });
    expect(xml).toContain('urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus');
    expect(xml).toContain(`targetObject="${dmpEntryUuid('1.2.3')}"`);
    expect(xml).toContain('<rim:Value>urn:asip:ci-sis:2010:StatusType:Deleted</rim:Value>');
  });
});

describe('buildXdsMetadata for an ITI-57 metadata update', () => {
  it('a new logical version of the entry: new id, the lid, HasMember with PreviousVersion, no RPLC, the visibility asked', () => {
    const d = sampleDescription();
    const lid = dmpEntryUuid(d.document.id);
    const m = buildXdsMetadata(
      { ...d, document: { ...d.document, replaces: '1.2.3.4' } },
      {
        cda,
        confidentiality: { masquePs: true, invisiblePatient: false },
        update: { entryUuid: 'urn:uuid:11111111-1111-4111-8111-111111111111', lid, previousVersion: '1' },
      },
    );
    const doc = parse(m.xml);
    const entry = doc.getElementsByTagNameNS(RIM, 'ExtrinsicObject')[0]!;
    expect(entry.getAttribute('id')).toBe('urn:uuid:11111111-1111-4111-8111-111111111111');
    expect(entry.getAttribute('lid')).toBe(lid);
    expect(m.uniqueId).toBe(d.document.id);
    const associations = Array.from(doc.getElementsByTagNameNS(RIM, 'Association'));
    expect(associations.map((a) => a.getAttribute('associationType'))).toEqual([
      'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember',
    ]);
    const slots = Array.from(associations[0]!.getElementsByTagNameNS(RIM, 'Slot')).map((s) => [
      s.getAttribute('name'),
      s.getElementsByTagNameNS(RIM, 'Value')[0]?.textContent,
    ]);
    expect(slots).toEqual([
      ['SubmissionSetStatus', 'Original'],
      ['PreviousVersion', '1'],
    ]);
    expect(m.confidentialityCodes).toEqual(['N', 'MASQUE_PS']);
    expect(m.replacedEntryUuid).toBeUndefined();
  });
});
