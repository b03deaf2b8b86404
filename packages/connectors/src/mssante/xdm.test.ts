import { createHash } from 'node:crypto';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exampleDescription, exampleDocuments } from './test-fixtures.ts';
import { buildXdmMetadata, buildXdmZip, derivedOid, XDM_PATHS, XDS_UUID, xdsTime } from './xdm.ts';

const RIM = 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0';
const LCM = 'urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0';

function parse(xml: string) {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

const children = (el: Element, name: string) =>
  Array.from(el.childNodes).filter(
    (n): n is Element => n.nodeType === 1 && (n as Element).localName === name,
  );

function slots(el: Element): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of children(el, 'Slot')) {
    const values = children(children(s, 'ValueList')[0]!, 'Value').map((v) => v.textContent ?? '');
    out[s.getAttribute('name')!] = values;
  }
  return out;
}

function classifications(el: Element, scheme: string) {
  return children(el, 'Classification')
    .filter((c) => c.getAttribute('classificationScheme') === scheme)
    .map((c) => ({ node: c.getAttribute('nodeRepresentation'), slots: slots(c) }));
}

function externalId(el: Element, scheme: string) {
  return children(el, 'ExternalIdentifier')
    .find((e) => e.getAttribute('identificationScheme') === scheme)
    ?.getAttribute('value');
}

describe('IHE XDM archive', () => {
  const description = exampleDescription('qualified-ins');
  const { cda } = exampleDocuments(description);

  it('has INDEX.HTM, README.TXT, METADATA.XML and the CDA as DOC0001.XML, unchanged', () => {
    const files = unzipSync(buildXdmZip({ description, cda }));
    expect(Object.keys(files).sort()).toEqual(
      [XDM_PATHS.index, XDM_PATHS.readme, XDM_PATHS.metadata, XDM_PATHS.document].sort(),
    );
    expect(Buffer.from(files[XDM_PATHS.document]!).equals(Buffer.from(cda))).toBe(true);
    const readme = new TextDecoder().decode(files[XDM_PATHS.readme]);
    expect(readme).toContain('Imagerie Démo Paris-Est (1750712184)');
    expect(readme).toContain('DOC0001.XML');
    const index = new TextDecoder().decode(files[XDM_PATHS.index]);
    expect(index).toContain('href="IHE_XDM/SUBSET01/DOC0001.XML"');
    // No patient data outside the metadata and the document.
    for (const text of [readme, index]) {
      expect(text).not.toContain('PAT-TROIS');
      expect(text).not.toContain('279035121518989');
    }
  });

  it('is byte-for-byte the same for the same input', () => {
    const a = buildXdmZip({ description, cda });
    const b = buildXdmZip({ description, cda });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('describes the CR d’imagerie CDA N1 with the XDS metadata of the reference', () => {
    const files = unzipSync(
      buildXdmZip({ description, cda, recipient: { address: 'dr.martin@test.mssante.fr' } }),
    );
    const doc = parse(new TextDecoder().decode(files[XDM_PATHS.metadata]));
    const root = doc.documentElement!;
    expect(root.namespaceURI).toBe(LCM);
    expect(root.localName).toBe('SubmitObjectsRequest');
    const list = children(root, 'RegistryObjectList')[0]!;
    expect(list.namespaceURI).toBe(RIM);

    const [entry] = children(list, 'ExtrinsicObject');
    expect(entry).toBeDefined();
    expect(entry!.getAttribute('objectType')).toBe(XDS_UUID.documentEntry);
    expect(entry!.getAttribute('mimeType')).toBe('text/xml');
    const s = slots(entry!);
    expect(s.URI).toEqual(['DOC0001.XML']);
    expect(s.hash).toEqual([createHash('sha1').update(cda).digest('hex')]);
    expect(s.size).toEqual([String(cda.length)]);
    expect(s.creationTime).toEqual(['20261122094200']);
    expect(s.serviceStartTime).toEqual(['20261122090500']);
    expect(s.serviceStopTime).toEqual(['20261122092500']);
    expect(s.languageCode).toEqual(['fr-FR']);
    expect(s.legalAuthenticator).toEqual([
      '810001234567^BIDEAULT^Jacques^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS',
    ]);
    expect(s.sourcePatientId).toEqual(['IPP101^^^&1.2.250.1.999.1.3&ISO^PI']);
    expect(s.sourcePatientInfo).toEqual(['PID-5|PAT-TROIS^DOMINIQUE^^^^^L', 'PID-7|19790328', 'PID-8|F']);
    expect(s['urn:ihe:iti:xds:2013:referenceIdList']).toContain(
      'A000000123^^^&1.2.250.1.999.1.5&ISO^urn:ihe:iti:xds:2013:accession',
    );
    expect(s['urn:ihe:iti:xds:2013:referenceIdList']).toContain(
      'OPN101^^^&1.2.250.1.748.12345678.12&ISO^urn:ihe:iti:xds:2013:order',
    );

    expect(classifications(entry!, XDS_UUID.deTypeCode)).toEqual([
      { node: '18748-4', slots: { codingScheme: ['2.16.840.1.113883.6.1'] } },
    ]);
    expect(classifications(entry!, XDS_UUID.deClassCode)).toEqual([
      { node: '10', slots: { codingScheme: ['1.2.250.1.213.1.1.4.1'] } },
    ]);
    expect(classifications(entry!, XDS_UUID.deFormatCode)).toEqual([
      { node: 'urn:ihe:iti:xds-sd:pdf:2008', slots: { codingScheme: ['1.3.6.1.4.1.19376.1.2.3'] } },
    ]);
    expect(classifications(entry!, XDS_UUID.deConfidentialityCode)).toEqual([
      { node: 'N', slots: { codingScheme: ['2.16.840.1.113883.5.25'] } },
    ]);
    expect(classifications(entry!, XDS_UUID.deFacilityTypeCode)[0]?.node).toBe('SA08');
    expect(classifications(entry!, XDS_UUID.dePracticeSettingCode)[0]?.node).toBe('AMBULATOIRE');
    expect(classifications(entry!, XDS_UUID.deEventCodeList).map((c) => c.node)).toEqual(['72696002']);
    const [author] = classifications(entry!, XDS_UUID.deAuthor);
    expect(author?.slots.authorPerson).toEqual([
      '810001234567^BIDEAULT^Jacques^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS',
    ]);
    expect(author?.slots.authorInstitution).toEqual([
      'Imagerie Démo Paris-Est^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^1750712184',
    ]);
    expect(externalId(entry!, XDS_UUID.dePatientId)).toBe('279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH');
    expect(externalId(entry!, XDS_UUID.deUniqueId)).toBe('1.2.250.1.999.1.1.20261122.1');

    const [set] = children(list, 'RegistryPackage');
    expect(slots(set!).submissionTime).toEqual([xdsTime(description.validatedAt)]);
    expect(slots(set!).intendedRecipient).toEqual(['||^^Internet^dr.martin@test.mssante.fr']);
    expect(externalId(set!, XDS_UUID.ssPatientId)).toBe('279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH');
    expect(externalId(set!, XDS_UUID.ssSourceId)).toBe(derivedOid('structure|1750712184'));
    expect(externalId(set!, XDS_UUID.ssUniqueId)).toMatch(/^2\.25\.\d+$/);
    expect(classifications(set!, XDS_UUID.ssContentTypeCode)[0]?.node).toBe('07');
    const node = children(list, 'Classification').find(
      (c) => c.getAttribute('classificationNode') === XDS_UUID.submissionSet,
    );
    expect(node?.getAttribute('classifiedObject')).toBe(set!.getAttribute('id'));
    const [association] = children(list, 'Association');
    expect(association?.getAttribute('associationType')).toBe(
      'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember',
    );
    expect(association?.getAttribute('sourceObject')).toBe(set!.getAttribute('id'));
    expect(association?.getAttribute('targetObject')).toBe(entry!.getAttribute('id'));
    expect(slots(association!).SubmissionSetStatus).toEqual(['Original']);
  });

  it('identifies a patient without a qualified identity by the practice IPP only', () => {
    const d = exampleDescription('identity-not-qualified');
    const { xml, facts } = buildXdmMetadata({ description: d, cda: exampleDocuments(d).cda });
    expect(facts.patientId).toBe('IPP202^^^&1.2.250.1.999.1.3&ISO^PI');
    expect(xml).not.toContain('^NH');
    expect(xml).not.toContain('1.2.250.1.213.1.4.');
  });

  it('gives each version its own entry and submission set ids', () => {
    const v2 = exampleDescription('replacement');
    const a = buildXdmMetadata({ description, cda }).facts;
    const b = buildXdmMetadata({ description: v2, cda: exampleDocuments(v2).cda }).facts;
    expect(a.entryUuid).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(b.entryUuid).not.toBe(a.entryUuid);
    expect(b.submissionSetUniqueId).not.toBe(a.submissionSetUniqueId);
    expect(b.documentUniqueId).toBe(v2.document.id);
  });

  it('refuses a patient with neither qualified INS nor local identifier', () => {
    const d = exampleDescription('identity-not-qualified');
    const { localId: _localId, ...patient } = d.patient;
    expect(() => buildXdmMetadata({ description: { ...d, patient }, cda })).toThrow(/local identifier/);
  });
});
