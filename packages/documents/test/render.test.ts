/**
 * The render command end to end, judged by the independent validators of ../shared/tools
 * (CDA XSD + ANS StrucMin schematron, PDFBox Preflight PDF/A-1b): every example input and the
 * hostile texts. The shared folder is ../shared beside the checkout; set RAYON_SHARED to point
 * elsewhere.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportDocumentJsonSchema } from '../src/input.ts';

const run = promisify(execFile);
const pkg = join(import.meta.dirname, '..');
const shared = process.env.RAYON_SHARED ?? join(pkg, '../../../shared');
const examplesDir = join(pkg, 'examples');
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.json'));
const out = mkdtempSync(join(tmpdir(), 'rayon-documents-'));
const inputs = mkdtempSync(join(tmpdir(), 'rayon-documents-in-'));

async function render(files: string[], dir = out) {
  try {
    const r = await run(
      process.execPath,
      ['--import', 'tsx', join(pkg, 'src/cli.ts'), ...files, '--out', dir],
      {
        cwd: pkg,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function validator(tool: string, files: string[]) {
  try {
    const r = await run(join(shared, 'tools', tool), files, { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, output: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, output: err.stdout + err.stderr };
  }
}

const example = (name: string) => JSON.parse(readFileSync(join(examplesDir, name), 'utf8'));
const cdaOf = (name: string) => readFileSync(join(out, `${name}.xml`), 'utf8');

/** Hostile report texts: markup characters, control characters, right-to-left, 1 MB. */
function hostile(): string[] {
  const base = example('qualified-ins.json');
  const texts: Record<string, string> = {
    'markup-characters': 'a < b && c > d ]]> <![CDATA[ x ]]> </text> &amp; &#0; <script>alert(1)</script>',
    'control-characters': 'avant\u0000\u0001\u0007\u000b\u001b\u007f\u0085après\ttabulation\r\nligne',
    'right-to-left': 'Conclusion : مرحبا بالعالم — שלום עולם — \u202eabc\u202c fin.',
    'one-megabyte': Array.from(
      { length: 9000 },
      (_, i) => `Paragraphe ${i} : ${'é'.repeat(50)} ${'x'.repeat(60)}`,
    ).join('\n\n'),
  };
  const files = Object.entries(texts).map(([name, text]) => {
    const file = join(inputs, `${name}.json`);
    writeFileSync(file, JSON.stringify({ ...base, report: { text } }));
    return file;
  });
  // Names and labels that look like XML references: kept as typed, never read as markup.
  const entities = join(inputs, 'entity-like-names.json');
  writeFileSync(
    entities,
    JSON.stringify({
      ...base,
      patient: { ...base.patient, birthFamilyName: 'PAT&p;TROIS &amp; &#0;' },
      exams: [
        {
          ...base.exams[0],
          loinc: { code: '24802-1', label: 'RM &lt;genou&gt; &#x41;' },
          accessionNumber: 'A&p;123',
        },
      ],
    }),
  );
  return [...files, entities];
}

let rendered: Awaited<ReturnType<typeof render>>;
let hostileFiles: string[];

beforeAll(async () => {
  hostileFiles = hostile();
  rendered = await render([...examples.map((e) => join(examplesDir, e)), ...hostileFiles]);
}, 300_000);

describe('render command', () => {
  it('writes a PDF and a CDA for every example and hostile input', () => {
    expect(rendered.stderr).toBe('');
    expect(rendered.code).toBe(0);
    for (const name of [
      ...examples.map((e) => e.replace('.json', '')),
      'markup-characters',
      'one-megabyte',
    ]) {
      expect(readdirSync(out)).toEqual(expect.arrayContaining([`${name}.pdf`, `${name}.xml`]));
    }
  });

  it('every CDA passes the CDA XSD and the ANS StrucMin schematron with zero errors', async () => {
    const files = readdirSync(out)
      .filter((f) => f.endsWith('.xml'))
      .map((f) => join(out, f));
    expect(files.length).toBe(examples.length + 5);
    const { code, output } = await validator('validate-cda', files);
    expect(output).toContain(`${files.length} passed, 0 failed`);
    expect(code, output).toBe(0);
  }, 300_000);

  it('every PDF passes PDFBox Preflight PDF/A-1b and qpdf', async () => {
    const files = readdirSync(out)
      .filter((f) => f.endsWith('.pdf'))
      .map((f) => join(out, f));
    const { code, output } = await validator('validate-pdfa', files);
    expect(code, output).toBe(0);
  }, 300_000);

  it('the CDA body is exactly the PDF written beside it', () => {
    for (const name of ['qualified-ins', 'one-megabyte']) {
      const body = /<text mediaType="application\/pdf" representation="B64">([^<]+)<\/text>/.exec(
        cdaOf(name),
      )![1]!;
      expect(Buffer.from(body.trim(), 'base64').equals(readFileSync(join(out, `${name}.pdf`)))).toBe(true);
    }
  });

  it('the INS goes into the CDA only for a qualified identity, with the strict traits', () => {
    const qualified = cdaOf('qualified-ins');
    expect(qualified).toContain('<id root="1.2.250.1.213.1.4.10" extension="279035121518989"/>');
    expect(qualified).toContain('<family qualifier="BR">PAT-TROIS</family>');
    expect(qualified).toContain('<county>63220</county>');
    const notQualified = cdaOf('identity-not-qualified');
    expect(notQualified).not.toMatch(/1\.2\.250\.1\.213\.1\.4\.(8|9|10|11)"/);
    expect(notQualified).toContain('extension="IPP202"');
  });

  it('a replacement keeps the setId, takes version + 1 and points at the replaced version (RPLC)', () => {
    const first = example('qualified-ins.json').document;
    const cda = cdaOf('replacement');
    expect(cda).toContain(`<setId root="${first.setId}"/>`);
    expect(cda).toContain('<versionNumber value="2"/>');
    expect(cda).toMatch(
      new RegExp(
        `<relatedDocument typeCode="RPLC">\\s*<parentDocument>\\s*<id root="${first.id.replaceAll('.', '\\.')}"/>`,
      ),
    );
    expect(cdaOf('qualified-ins')).not.toContain('relatedDocument');
  });

  it('several exams: one serviceEvent per study, every accession number on the order', () => {
    const cda = cdaOf('several-exams');
    expect(cda.match(/<serviceEvent /g)).toHaveLength(2);
    expect(cda).toContain('extension="A000000601"');
    expect(cda).toContain('extension="A000000602"');
    expect(cda).toContain('<id root="1.2.250.1.999.1.4.602"/>');
  });

  it('an exam type without LOINC nor CCAM code: serviceEvent code OTH with the label as originalText', () => {
    const cda = cdaOf('exam-without-code');
    expect(cda).toMatch(
      /<code nullFlavor="OTH">\s*<originalText>Échographie de l'épaule droite \(type d'examen sans code\)<\/originalText>\s*<translation code="US"/,
    );
    expect(cda).not.toContain('nullFlavor="UNK"');
  });

  it('a signer printed « Dr »: title DR as suffix, no civility outside JDV_J245', () => {
    const cda = cdaOf('exam-without-code');
    expect(cda).toMatch(/<given>Jacques<\/given>\s*<family>BIDEAULT<\/family>\s*<suffix>DR<\/suffix>/);
    expect(cda).not.toContain('<prefix>Dr</prefix>');
  });

  it('referrers by RPPS, by ADELI (IdNat_PS 0 + ADELI) or by name only (no id) are all named', () => {
    expect(cdaOf('qualified-ins')).toMatch(
      /<intendedRecipient>\s*<id root="1\.2\.250\.1\.71\.4\.2\.1" extension="810003456789"\/>/,
    );
    expect(cdaOf('referrer-adeli')).toMatch(
      /<intendedRecipient>\s*<id root="1\.2\.250\.1\.71\.4\.2\.1" extension="0751234567"\/>\s*<informationRecipient>\s*<name>\s*<prefix>MME<\/prefix>\s*<given>Hélène<\/given>\s*<family>KINÉ-DUPONT<\/family>/,
    );
    expect(cdaOf('referrer-name-only')).toMatch(
      /<intendedRecipient>\s*<informationRecipient>\s*<name>\s*<given>Awa<\/given>\s*<family>N'DIAYE<\/family>\s*<suffix>DR<\/suffix>/,
    );
  });

  it('FINESS géographique of the site as the organisation, FINESS juridique as the entity it is part of', () => {
    const cda = cdaOf('referrer-adeli');
    expect(cda).toMatch(
      /<performer typeCode="PRF">[\s\S]*<representedOrganization>\s*<id root="1\.2\.250\.1\.71\.4\.2\.2" extension="1750712184"\/>[\s\S]*<asOrganizationPartOf>\s*<wholeOrganization>\s*<id root="1\.2\.250\.1\.71\.4\.2\.2" extension="1750712176"\/>\s*<name>SELARL Imagerie Démo<\/name>/,
    );
    expect(cda).toMatch(
      /<healthCareFacility>\s*<id root="1\.2\.250\.1\.71\.4\.2\.2" extension="1750712184"\/>/,
    );
    expect(cdaOf('qualified-ins')).not.toContain('asOrganizationPartOf');
  });

  it('names that look like XML references (&p;, &amp;, &#0;) are escaped, read back as typed', () => {
    const cda = cdaOf('entity-like-names');
    expect(cda).toContain('<family qualifier="BR">PAT&amp;p;TROIS &amp;amp; &amp;#0;</family>');
    expect(cda).toContain('displayName="RM &amp;lt;genou&amp;gt; &amp;#x41;"');
    expect(cda).toContain('extension="A&amp;p;123"');
  });

  it('hostile text is escaped or dropped in the CDA, never breaks it', () => {
    const cda = cdaOf('markup-characters');
    expect(cda).not.toContain('<script>');
    // eslint-disable-next-line no-control-regex
    expect(cdaOf('control-characters')).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('the same input renders to the same bytes', async () => {
    const again = mkdtempSync(join(tmpdir(), 'rayon-documents-again-'));
    const r = await render([join(examplesDir, 'accented-names.json')], again);
    expect(r.code).toBe(0);
    for (const ext of ['pdf', 'xml']) {
      expect(
        readFileSync(join(again, `accented-names.${ext}`)).equals(
          readFileSync(join(out, `accented-names.${ext}`)),
        ),
      ).toBe(true);
    }
  }, 60_000);

  it('bad input gets exit 1 and each wrong field named, nothing written', async () => {
    const bad = example('qualified-ins.json');
    bad.patient.ins.matricule = '279035121518900';
    delete bad.radiologist.rpps;
    bad.exams[0].modality = 'XX';
    const file = join(inputs, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    const dir = mkdtempSync(join(tmpdir(), 'rayon-documents-bad-'));
    const r = await render([file], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('patient.ins.matricule');
    expect(r.stderr).toContain('radiologist.rpps');
    expect(r.stderr).toContain('exams.0.modality');
    expect(readdirSync(dir)).toEqual([]);
    const noParent = example('qualified-ins.json');
    noParent.document.version = 2;
    writeFileSync(file, JSON.stringify(noParent));
    const second = await render([file], dir);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      'document.replaces: a version after the first names the version it replaces',
    );
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(file, '{ not json');
    const notJson = await render([file], dir);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('not a readable JSON file');
  }, 60_000);

  it('the published JSON Schema is the one the code checks against', () => {
    const published = JSON.parse(readFileSync(join(pkg, 'report-document.schema.json'), 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(reportDocumentJsonSchema())));
  });
});
