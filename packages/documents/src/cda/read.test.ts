/**
 * The CDA reader, on the ANS example documents (../shared/conformance/cda/examples; set
 * RAYON_SHARED to point elsewhere) and on hand-made inputs: strict XML (no DOCTYPE, no entity
 * other than XML's), refusals with a reason key and the field at fault, header data, the PDF of
 * the nonXMLBody.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@rayon/domain';
import { describe, expect, it } from 'vitest';
import { cdaHeaderSchema, MAX_CDA_BYTES, readCda } from './read.ts';

const shared = process.env.RAYON_SHARED ?? join(import.meta.dirname, '../../../../../shared');
const examples = join(shared, 'conformance/cda/examples');
const ansReport = join(examples, 'testcontenucda/IMG_CR_IMG_2024.01_CDA-R2-Niveau-1.xml');
const ris = join(examples, 'ris-vague2');

const PDF_B64 = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n').toString('base64');

function cda(o: { body?: string; header?: string; root?: string; prolog?: string } = {}): string {
  return `${o.prolog ?? '<?xml version="1.0" encoding="UTF-8"?>'}
<!-- a comment -->
${o.root ?? '<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:ps3-20="urn:dicom-org:ps3-20">'}
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <id root="1.2.3" extension="doc-1"/>
  <title>CR d&apos;imagerie &amp; &#233;cho &lt;genou&gt;<![CDATA[ (IRM)]]></title>
  ${o.header ?? ''}
  <component>${o.body ?? `<nonXMLBody><text mediaType="application/pdf" representation="B64">\n${PDF_B64.replace(/(.{20})/g, '$1\n')}\n</text></nonXMLBody>`}</component>
</ClinicalDocument>`;
}

const read = (xml: string | Uint8Array) => readCda(typeof xml === 'string' ? Buffer.from(xml) : xml);

/** The refusal readCda throws, as { code, field, reason }. */
function refusal(xml: string | Uint8Array) {
  try {
    read(xml);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      code: error.code,
      field: error.field,
      reason: error.reasonKey,
      ...error.params,
      message: error.message,
    };
  }
  throw new Error('read without refusal');
}

describe('readCda: the XML', () => {
  it('reads the title (entities, character references and CDATA) and the PDF base64 without its line breaks', () => {
    const r = read(cda());
    expect(r.header.title).toBe("CR d'imagerie & écho <genou> (IRM)");
    expect(r.pdfBase64).toBe(PDF_B64);
    expect(r.header.id).toEqual({ root: '1.2.3', extension: 'doc-1' });
  });

  it.each([
    ['<a><b></a>', /tag mismatch/i],
    ['<a>', /unclosed/],
    ['<a/><b/>', /only one element/i],
    ['<a>&x;</a>', /entity not found/],
    ['<p:a/>', /namespace/i],
    ['<a b="1" b="2"/>', /redefined/],
    ['just text', /root/],
    ['', /root/],
    ['%PDF-1.4 not xml', /root/],
  ])('refuses %s as not well-formed XML', (xml, message) => {
    expect(refusal(xml)).toMatchObject({
      code: 'BAD_INPUT',
      field: 'document',
      reason: 'documents.cda.not_xml',
    });
    expect(refusal(xml).message).toMatch(message);
  });

  it('refuses any DOCTYPE: no entity expansion, no external entity', () => {
    const laughs = `<!DOCTYPE ClinicalDocument [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>`;
    expect(refusal(cda({ prolog: `<?xml version="1.0"?>${laughs}`, header: '<x>&b;</x>' }))).toMatchObject({
      reason: 'documents.cda.not_xml',
    });
    expect(refusal(cda({ prolog: '<!DOCTYPE ClinicalDocument SYSTEM "file:///etc/passwd">' }))).toMatchObject(
      {
        reason: 'documents.cda.not_xml',
        message: expect.stringContaining('DOCTYPE'),
      },
    );
    expect(
      refusal(
        cda({
          prolog: '<!DOCTYPE ClinicalDocument [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
          header: '<x>&x;</x>',
        }),
      ),
    ).toMatchObject({ reason: 'documents.cda.not_xml' });
  });

  it('refuses a document over the size limit before reading it', () => {
    expect(refusal(new Uint8Array(MAX_CDA_BYTES + 1))).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      reason: 'documents.cda.too_large',
      maxBytes: MAX_CDA_BYTES,
    });
  });

  it('reads ISO-8859-1 when the document says so, and refuses other non-UTF-8 text', () => {
    const latin1 = (xml: string) => Buffer.from(xml, 'latin1');
    const header =
      '<recordTarget><patientRole><patient><name><family>Noël</family></name></patient></patientRole></recordTarget>';
    const declared = latin1(cda({ prolog: '<?xml version="1.0" encoding="ISO-8859-1"?>', header }));
    expect(readCda(declared).header.patient?.birthFamilyName).toBe('Noël');
    expect(refusal(latin1(cda({ header })))).toMatchObject({
      field: 'document',
      reason: 'documents.cda.not_text',
    });
  });
});

describe('readCda: a CDA R2 level 1 carrying a PDF', () => {
  it('refuses what is not a CDA R2, or has no PDF body, naming the part at fault', () => {
    expect(refusal('<ClinicalDocument><typeId/></ClinicalDocument>')).toMatchObject({
      code: 'BAD_INPUT',
      field: 'ClinicalDocument',
      reason: 'documents.cda.not_cda',
    });
    expect(refusal(cda({ root: '<ClinicalDocument xmlns="urn:other">' }))).toMatchObject({
      reason: 'documents.cda.not_cda',
    });
    expect(refusal(cda({ body: '<structuredBody/>' }))).toMatchObject({
      field: 'component.structuredBody',
      reason: 'documents.cda.structured_body',
    });
    expect(refusal(cda({ body: '' }))).toMatchObject({
      field: 'component.nonXMLBody',
      reason: 'documents.cda.no_body',
    });
    expect(
      refusal(
        cda({
          body: '<nonXMLBody><text mediaType="text/plain" representation="TXT">hello</text></nonXMLBody>',
        }),
      ),
    ).toMatchObject({
      field: 'component.nonXMLBody.text',
      reason: 'documents.cda.body_not_pdf',
      mediaType: 'text/plain',
    });
    expect(
      refusal(
        cda({
          body: `<nonXMLBody><text mediaType="application/pdf" representation="B64">${Buffer.from('hello').toString('base64')}</text></nonXMLBody>`,
        }),
      ),
    ).toMatchObject({ field: 'component.nonXMLBody.text', reason: 'documents.cda.invalid_pdf' });
  });

  it('reads a prefixed HL7 v3 root as well as a default namespace', () => {
    const prefixed = cda({ root: '<hl7:ClinicalDocument xmlns:hl7="urn:hl7-org:v3">' }).replace(
      '</ClinicalDocument>',
      '</hl7:ClinicalDocument>',
    );
    expect(read(prefixed).header.id).toEqual({ root: '1.2.3', extension: 'doc-1' });
  });

  it('leaves the INS out when the document carries none, and keeps the local identifiers', () => {
    const r = read(
      cda({
        header: `<recordTarget><patientRole><id root="1.2.250.1.999.1.3" extension="IPP7"/>
          <patient><name><family qualifier="BR">Noël</family><given qualifier="BR">Gwénaëlle</given>
          <given>Gwénaëlle Marie</given></name>
          <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="19840229"/></patient>
          </patientRole></recordTarget>`,
      }),
    );
    expect(r.header.patient).toEqual({
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
    const r = readCda(readFileSync(ansReport));
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
    // The schema the REST API answers with describes all of it.
    expect(cdaHeaderSchema.parse(h)).toEqual(h);
  });

  it.each(['transmission_initiale_cr_imagerie.xml', 'remplacement_cr_imagerie.xml'])(
    'reads the Ségur RIS example %s',
    (file) => {
      expect(readCda(readFileSync(join(ris, file))).header.code?.code).toBe('18748-4');
    },
  );
});
