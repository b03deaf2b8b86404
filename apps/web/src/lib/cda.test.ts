/**
 * The CDA viewer's reader, on the ANS example documents (../shared/conformance/cda/examples; set
 * RAYON_SHARED to point elsewhere) and on hand-made inputs: well-formedness, refusals in French,
 * header data, the PDF of the nonXMLBody.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatCoded, formatHl7Time, formatInstanceId, professionalIdText, readCda } from './cda.ts';
import { parseXml, XmlError } from './xml.ts';

const here = dirname(fileURLToPath(import.meta.url));
const shared = process.env.RAYON_SHARED ?? join(here, '../../../../../shared');
const examples = join(shared, 'conformance/cda/examples');
const ansReport = join(examples, 'testcontenucda/IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml');
const ris = join(examples, 'ris-vague2');

const PDF_B64 = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64');

function cda(o: { body?: string; header?: string; root?: string } = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment -->
${o.root ?? '<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:ps3-20="urn:dicom-org:ps3-20">'}
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <id root="1.2.3" extension="doc-1"/>
  <title>CR d&apos;imagerie &amp; &#233;cho &lt;genou&gt;</title>
  ${o.header ?? ''}
  <component>${o.body ?? `<nonXMLBody><text mediaType="application/pdf" representation="B64">\n${PDF_B64.replace(/(.{20})/g, '$1\n')}\n</text></nonXMLBody>`}</component>
</ClinicalDocument>`;
}

describe('parseXml', () => {
  it('reads elements, namespaces, attributes, entities and CDATA', () => {
    const root = parseXml(
      `<?xml version="1.0"?><a xmlns="urn:x" xmlns:p="urn:p" k='v "q"'><p:b>x<![CDATA[<&]]>y</p:b><c/></a>`,
    );
    expect(root).toMatchObject({ name: 'a', ns: 'urn:x', attrs: { k: 'v "q"' } });
    expect(root.children.map((c) => [c.name, c.ns])).toEqual([
      ['b', 'urn:p'],
      ['c', 'urn:x'],
    ]);
    expect(root.children[0]!.text).toBe('x<&y');
  });

  it.each([
    ['<a><b></a>', /does not close/],
    ['<a>', /not closed/],
    ['<a/><b/>', /more than one root/],
    ['<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /DOCTYPE/],
    ['<a>&x;</a>', /unknown entity/],
    ['<p:a/>', /undeclared namespace prefix/],
    ['<a b="1" b="2"/>', /repeated/],
    ['just text', /outside the root|no root/],
    ['', /no root/],
  ])('refuses %s', (xml, message) => {
    expect(() => parseXml(xml)).toThrow(XmlError);
    expect(() => parseXml(xml)).toThrow(message);
  });
});

describe('readCda', () => {
  it('reads the title (entities decoded) and the PDF base64 without its line breaks', () => {
    const r = readCda(cda());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.header.title).toBe("CR d'imagerie & écho <genou>");
    expect(r.pdfBase64).toBe(PDF_B64);
    expect(r.header.id).toEqual({ root: '1.2.3', extension: 'doc-1' });
  });

  it('refuses what is not XML, not a CDA R2, or has no PDF body, in French', () => {
    expect(readCda('%PDF-1.4 not xml')).toEqual({
      ok: false,
      error: "Ce fichier n'est pas un document XML valide : il ne peut pas être lu.",
    });
    expect(readCda('<ClinicalDocument><typeId/></ClinicalDocument>')).toMatchObject({
      ok: false,
      error: expect.stringContaining("n'est pas un document CDA R2"),
    });
    expect(readCda(cda({ root: '<ClinicalDocument xmlns="urn:other">' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining("n'est pas un document CDA R2"),
    });
    expect(readCda(cda({ body: '<structuredBody/>' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('corps structuré'),
    });
    expect(readCda(cda({ body: '' }))).toMatchObject({
      ok: false,
      error: expect.stringContaining('nonXMLBody'),
    });
    expect(
      readCda(
        cda({
          body: '<nonXMLBody><text mediaType="text/plain" representation="TXT">hello</text></nonXMLBody>',
        }),
      ),
    ).toMatchObject({ ok: false, error: expect.stringContaining('(type text/plain)') });
    expect(
      readCda(
        cda({
          body: `<nonXMLBody><text mediaType="application/pdf" representation="B64">${Buffer.from('hello').toString('base64')}</text></nonXMLBody>`,
        }),
      ),
    ).toMatchObject({ ok: false, error: "Le corps de ce document CDA n'est pas un PDF valide." });
  });

  it('leaves the INS out when the document carries none, and keeps the local identifiers', () => {
    const r = readCda(
      cda({
        header: `<recordTarget><patientRole><id root="1.2.250.1.999.1.3" extension="IPP7"/>
          <patient><name><family qualifier="BR">Noël</family><given qualifier="BR">Gwénaëlle</given>
          <given>Gwénaëlle Marie</given></name>
          <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="19840229"/></patient>
          </patientRole></recordTarget>`,
      }),
    );
    expect(r.ok && r.header.patient).toEqual({
      ins: null,
      otherIds: [{ root: '1.2.250.1.999.1.3', extension: 'IPP7' }],
      birthFamilyName: 'Noël',
      firstBirthForename: 'Gwénaëlle',
      birthForenames: 'Gwénaëlle Marie',
      usedFamilyName: null,
      usedForename: null,
      sex: { code: 'F', label: 'Féminin' },
      birthTime: '19840229',
      birthPlace: null,
    });
  });
});

describe.skipIf(!existsSync(ansReport))('the ANS example documents', () => {
  it('reads the header of the ANS CR d’imagerie (IMG_CR_IMG_2024.01, level 1)', () => {
    const r = readCda(readFileSync(ansReport, 'utf8'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const h = r.header;
    expect(h.title).toBe('CR d’imagerie médicale - Scanner Tête + Cou + Thorax avec injection');
    expect(h.code?.code).toBe('18748-4');
    expect(h.setId).toEqual({ root: '1.2.250.1.213.1.1.1.45.2024.2', extension: null });
    expect(h.version).toBe('2');
    expect(h.patient).toMatchObject({
      ins: { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' },
      otherIds: [{ root: '1.2.3.4.567.8.9.10', extension: '1234567890121' }],
      birthFamilyName: 'PAT-TROIS',
      firstBirthForename: 'DOMINIQUE',
      birthForenames: 'DOMINIQUE MARIE-LOUISE',
      usedFamilyName: 'PAT-TROIS',
      sex: { code: 'F', label: 'Féminin' },
      birthTime: '19790328',
      birthPlace: { code: '51215', city: 'DOMPREMY' },
    });
    expect(h.author).toMatchObject({
      name: 'DR Jacques BIDEAULT',
      rpps: '01234560801',
      profession: 'Médecin - Radio-diagnostic (SM)',
      organisation: 'Centre de radiologie Ambroise',
      time: '20210108111700+0100',
    });
    expect(h.legalAuthenticator?.name).toBe('DR Jacques BIDEAULT');
    expect(h.custodian).toEqual({
      id: { root: '1.2.250.1.71.4.2.2', extension: '1750803447' },
      name: 'Centre de radiologie Ambroise',
    });
    expect(h.orders).toEqual([
      {
        id: { root: '1.2.250.1.748.12345678.12', extension: '984375862' },
        accessionNumber: { root: '1.2.250.1.925.994044.27', extension: '105234751' },
      },
    ]);
    expect(h.serviceEvents.map((e) => e.code?.code)).toEqual(['24727-0', '36235-0', '24978-9', 'Z13.9']);
    expect(h.serviceEvents[0]!.translations.map((t) => t.code)).toEqual(['ACQH004', 'CT', '774007']);
    expect(h.serviceEvents[0]!.performer).toBe('DR Jacques BIDEAULT');
    expect(h.relatedDocuments).toEqual([
      { typeCode: 'RPLC', id: { root: '90E1C8EC-F951-4B26-A305-A34848818DD6', extension: null } },
    ]);
    expect(h.encounter?.facility.code?.displayName).toBe('Cabinet de groupe');
    expect(Buffer.from(r.pdfBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it.each(['transmission_initiale_cr_imagerie.xml', 'remplacement_cr_imagerie.xml'])(
    'reads the Ségur RIS example %s',
    (file) => {
      const path = join(ris, file);
      if (!existsSync(path)) return;
      const r = readCda(readFileSync(path, 'utf8'));
      expect(r.ok ? r.header.code?.code : r.error).toBe('18748-4');
    },
  );
});

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
