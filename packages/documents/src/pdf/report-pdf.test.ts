/**
 * The PDF/A-1b report judged by real, independent tools: PDFBox Preflight + qpdf
 * (../shared/tools/validate-pdfa), poppler (pdftoppm, pdftotext, pdfinfo) and libdmtx (dmtxread).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReportDocument, type ReportDocument } from '../input.ts';
import { insDataMatrixContent, renderReportPdf } from './index.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const shared = process.env.RAYON_SHARED ?? join(repoRoot, '../shared');
const validatePdfa = join(shared, 'tools/validate-pdfa');
const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
const example = JSON.parse(readFileSync(join(examplesDir, 'qualified-ins.json'), 'utf8'));
const producedAt = new Date('2026-11-22T09:45:00Z');

let out: string;

beforeAll(() => {
  const missing: string[] = [];
  for (const [command, debianPackage] of [
    ['pdftoppm', 'poppler-utils'],
    ['pdftotext', 'poppler-utils'],
    ['pdfinfo', 'poppler-utils'],
    ['dmtxread', 'dmtx-utils'],
    ['qpdf', 'qpdf'],
    ['java', 'default-jre-headless'],
  ]) {
    if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) {
      missing.push(`${command} (Debian package ${debianPackage})`);
    }
  }
  if (!existsSync(validatePdfa)) missing.push(`${validatePdfa} (set RAYON_SHARED to the shared folder)`);
  if (missing.length) {
    throw new Error(
      `missing tools: ${missing.join(', ')}; ../shared/tools/setup-peers installs most of them`,
    );
  }
  out = mkdtempSync(join(tmpdir(), 'rayon-pdfa-'));
});

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

function run(command: string, args: string[]) {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.error) throw r.error;
  return r;
}

function documentWith(over: {
  document?: Record<string, unknown>;
  patient?: Record<string, unknown>;
  organisation?: Record<string, unknown>;
  text?: string;
}): ReportDocument {
  return parseReportDocument({
    ...example,
    document: { ...example.document, ...over.document },
    patient: { ...example.patient, ...over.patient },
    organisation: { ...example.organisation, ...over.organisation },
    report: over.text === undefined ? example.report : { text: over.text },
  });
}

async function renderToFile(name: string, doc: ReportDocument): Promise<string> {
  const file = join(out, `${name}.pdf`);
  writeFileSync(file, await renderReportPdf(doc, { producedAt }));
  return file;
}

function expectValidPdfA(file: string): void {
  const r = run(validatePdfa, [file]);
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.stdout).toContain('Preflight PDF/A-1b: valid');
}

function pageCount(file: string): number {
  const r = run('pdfinfo', [file]);
  expect(r.status, r.stderr).toBe(0);
  return Number(/^Pages:\s+(\d+)/m.exec(r.stdout)?.[1]);
}

/** pdftoppm -r 50 renders every page, without a complaint. */
function expectEveryPageRenders(file: string): number {
  const pages = pageCount(file);
  const dir = mkdtempSync(join(out, 'pages-'));
  const r = run('pdftoppm', ['-r', '50', '-gray', file, join(dir, 'p')]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  expect(readdirSync(dir)).toHaveLength(pages);
  rmSync(dir, { recursive: true });
  return pages;
}

function pdfText(file: string): string {
  const r = run('pdftotext', ['-enc', 'UTF-8', file, '-']);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/**
 * The first DataMatrix dmtxread finds on a 300 dpi render of the page ('' when none). `area`
 * limits the render to the top right of the page (where the INS DataMatrix goes): dmtxread needs
 * minutes to conclude that a whole page of text holds no symbol.
 */
function dataMatrixOnPage(file: string, page: number, area: 'page' | 'top-right' = 'page'): string {
  const png = join(out, `dm-${page}`);
  // A4 at 300 dpi: 2480 × 3508 pixels; the right 35 % of the upper 45 %
  const crop = area === 'top-right' ? ['-x', '1600', '-y', '0', '-W', '880', '-H', '1600'] : [];
  const render = run('pdftoppm', [
    '-png',
    '-r',
    '300',
    '-f',
    String(page),
    '-l',
    String(page),
    ...crop,
    '-singlefile',
    file,
    png,
  ]);
  expect(render.status, render.stderr).toBe(0);
  const r = run('dmtxread', ['-N', '1', `${png}.png`]);
  // dmtxread exits 1 when it finds nothing
  expect([0, 1], r.stderr).toContain(r.status);
  return r.stdout;
}

describe('renderReportPdf (PDF/A-1b)', () => {
  it(
    'renders the qualified-INS example as a valid PDF/A-1b with the INS DataMatrix',
    { timeout: 120_000 },
    async () => {
      const doc = documentWith({});
      const file = await renderToFile('qualified-ins', doc);
      expectValidPdfA(file);
      expect(readFileSync(file).subarray(0, 8).toString('latin1')).toBe('%PDF-1.4');
      expect(expectEveryPageRenders(file)).toBe(1);

      const text = pdfText(file);
      for (const expected of [
        'Imagerie Démo Paris-Est',
        'Scanner · IRM · Échographie · Radiologie conventionnelle',
        '12 rue Ambroise Paré, 75010 PARIS · Tél. 01 46 00 00 00',
        'PAT-TROIS',
        'DOMINIQUE',
        '28/03/1979',
        'Féminin',
        'Identité qualifiée',
        '279035121518989',
        '1.2.250.1.213.1.4.10 (INS-NIR de test)',
        'IRM du genou droit',
        'Réalisé le 22/11/2026 à 10:05',
        "N° d'examen : A000000123",
        'Dr Sophie MARTIN',
        "Pas d'œdème osseux.",
        'Compte rendu validé le 22/11/2026 à 10:42 par',
        'Dr Jacques BIDEAULT',
        'Page 1 / 1',
      ]) {
        expect(text).toContain(expected);
      }
      // the RGPD notice, whole (pdftotext breaks its wrapped lines)
      expect(text.replace(/\s+/g, ' ')).toContain(doc.organisation.rgpdNotice);

      expect(dataMatrixOnPage(file, 1)).toBe(insDataMatrixContent(doc.patient));
      // the area the not-qualified test searches holds the symbol
      expect(dataMatrixOnPage(file, 1, 'top-right')).toBe(insDataMatrixContent(doc.patient));
    },
  );

  it('prints no INS and no DataMatrix when the identity is not qualified', { timeout: 120_000 }, async () => {
    for (const identityStatus of ['provisoire', 'recuperee', 'validee'] as const) {
      const doc = documentWith({ patient: { identityStatus, ins: undefined } });
      const file = await renderToFile(`not-qualified-${identityStatus}`, doc);
      const text = pdfText(file);
      expect(text).toContain(
        { provisoire: 'Identité provisoire', recuperee: 'Identité récupérée', validee: 'Identité validée' }[
          identityStatus
        ],
      );
      expect(text).not.toContain('279035121518989');
      expect(text).not.toContain('INS à scanner');
      if (identityStatus === 'validee') {
        expectValidPdfA(file);
        expect(dataMatrixOnPage(file, 1, 'top-right')).toBe('');
      }
    }
  });

  it('renders accented names, œ, É, ç, « », ’ with the embedded fonts', { timeout: 120_000 }, async () => {
    const doc = documentWith({
      patient: {
        birthFamilyName: 'LE GOFF-NOËL',
        firstBirthForename: 'GWÉNAËLLE',
        birthForenames: 'GWÉNAËLLE ZOÉ FRANÇOISE',
        usedFamilyName: 'L’HÔTE',
        usedForename: 'Zoé',
        birthPlaceName: 'CŒUVRES-ET-VALSERY',
        birthPlaceCode: '02210',
      },
      organisation: { name: 'Centre d’imagerie « Sœur-Thérèse »' },
      text: 'Œdème « périlésionnel » ; ÉTUDE façon ça — l’épaule gauche.\n\nÀ revoir dans 3 mois.',
    });
    const file = await renderToFile('accented-names', doc);
    expectValidPdfA(file);
    expectEveryPageRenders(file);
    const text = pdfText(file);
    for (const expected of [
      'LE GOFF-NOËL',
      'GWÉNAËLLE ZOÉ FRANÇOISE',
      'L’HÔTE',
      'Zoé',
      'CŒUVRES-ET-VALSERY (02210)',
      'Centre d’imagerie « Sœur-Thérèse »',
      'Œdème « périlésionnel » ; ÉTUDE façon ça — l’épaule gauche.',
      'À revoir dans 3 mois.',
      'LE GOFF-NOËL (L’HÔTE) GWÉNAËLLE, née le 28/03/1979',
    ]) {
      expect(text).toContain(expected);
    }
    const content = dataMatrixOnPage(file, 1);
    expect(content).toBe(insDataMatrixContent(doc.patient));
    expect(content).toContain('S3GWENAELLE ZOE FRANCOISE\x1dS4LE GOFF-NOEL\x1d');
  });

  it('numbers the pages of a 5-page report « Page n / 5 »', { timeout: 180_000 }, async () => {
    const paragraph =
      'Résultats : fissure horizontale de la corne postérieure du ménisque médial atteignant la surface ' +
      'articulaire inférieure. Ménisque latéral normal. Ligaments croisés et collatéraux intacts. ' +
      "Épanchement articulaire de faible abondance. Pas d'œdème osseux.";
    const render = async (paragraphs: number) => {
      const doc = documentWith({
        text: Array.from({ length: paragraphs }, (_, i) => `${i + 1}. ${paragraph}`).join('\n\n'),
      });
      const file = await renderToFile('five-pages', doc);
      return { file, pages: pageCount(file) };
    };
    // the fewest paragraphs that need 5 pages (a paragraph is a fraction of a page)
    let low = 1;
    let high = 200;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if ((await render(mid)).pages >= 5) high = mid;
      else low = mid + 1;
    }
    const { file, pages } = await render(low);
    expect(pages).toBe(5);
    expectValidPdfA(file);
    expect(expectEveryPageRenders(file)).toBe(5);
    const text = pdfText(file);
    for (let n = 1; n <= 5; n++) expect(text).toContain(`Page ${n} / 5`);
    expect(text).toContain(`${low}. Résultats`);
    expect(text.replace(/\s+/g, ' ')).toContain(example.organisation.rgpdNotice);
    // the letterhead is on every page
    expect(text.match(/Imagerie Démo Paris-Est/g)?.length).toBeGreaterThanOrEqual(5);
  });

  it('copes with 1 MB of report text', { timeout: 600_000 }, async () => {
    const paragraph =
      "Épanchement articulaire de faible abondance, pas d'œdème osseux ni de lésion ligamentaire. " +
      'Cartilage fémoro-tibial médial aminci sans perte de substance. ';
    let text = '';
    for (let i = 0; text.length < 1_000_000; i++)
      text += `${paragraph.repeat(1 + (i % 5))}${i % 4 ? '\n\n' : '\n'}`;
    text = text.slice(0, 1_000_000) + '\n\nFIN DU TEXTE';
    const file = await renderToFile('one-megabyte', documentWith({ text }));
    expectValidPdfA(file);
    const pages = expectEveryPageRenders(file);
    expect(pages).toBeGreaterThan(100);
    const extracted = pdfText(file);
    expect(extracted).toContain(`Page ${pages} / ${pages}`);
    expect(extracted).toContain('FIN DU TEXTE');
  });

  it(
    'keeps <, &, ]]>, control characters, right-to-left text and very long words harmless',
    { timeout: 120_000 },
    async () => {
      const control = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i))
        .filter((c) => c !== '\n' && c !== '\r' && c !== '\t')
        .join('');
      const text = [
        'Balises <script>alert(1)</script> & entités &amp; ]]> <![CDATA[ x ]]>',
        `Contrôle:${control}\u007f\u0085\u200e\u202e\ufeff:fin`,
        'Arabe : مرحبا بالعالم — Hébreu : שלום עולם',
        'Idéogramme 漢 et surrogate \ud800 isolé',
        `Mot${'ж'.repeat(3000)}long`,
        '\r\nLigne CRLF\rLigne CR\u2028Ligne LS',
      ].join('\n\n');
      const doc = documentWith({
        text,
        // the title goes into the Info dictionary and the XMP too (Preflight compares them)
        document: { title: 'Compte rendu <&> ]]> « é »\u0007 \u202e' },
        patient: { usedForename: 'Zo\u0000é' },
        organisation: { letterhead: ['Ligne <&> ]]>', 'מרכז הדמיה · مركز الأشعة'] },
      });
      const file = await renderToFile('hostile-text', doc);
      expectValidPdfA(file);
      expectEveryPageRenders(file);
      const extracted = pdfText(file);
      expect(extracted).toContain('Balises <script>alert(1)</script> & entités &amp; ]]> <![CDATA[ x ]]>');
      expect(extracted).toContain('Contrôle::fin');
      expect(extracted).toContain('Idéogramme ? et surrogate ? isolé');
      expect(extracted).toContain('Ligne <&> ]]>');
      expect(extracted).toContain('Zoé');
      expect(extracted).toContain('Compte rendu <&> ]]> « é »');
      // the long word is cut over lines, and here over two pages: every character is there
      expect(extracted.match(/ж/g)).toHaveLength(3000);
      expect(extracted).toMatch(/Motж+\n/);
      expect(extracted).toMatch(/\nж+long\n/);
      // no control character reaches the page (pdftotext ends pages with a form feed)
      expect(extracted.replace(/[\n\f]/g, '')).not.toMatch(/\p{Cc}/u);
    },
  );

  it(
    'prints mixed right-to-left and left-to-right lines in the right order (Unicode Bidirectional Algorithm), Arabic joined',
    { timeout: 120_000 },
    async () => {
      // Logical text as typed → the words as they stand on the page, left to right, as the
      // Unicode Bidirectional Algorithm (UAX #9) places them. pdftotext gives each right-to-left
      // word back in logical order, so a right-to-left word reads as typed; a line starting with
      // Hebrew or Arabic is a right-to-left paragraph, read from the right. Numbers keep their
      // digits in order (never « 12 mm » → « mm 21 »).
      const cases: [logical: string, onPage: string][] = [
        ['Mesure 12 mm שלום fin', 'Mesure 12 mm שלום fin'],
        // a number after a Hebrew word belongs to its right-to-left run (W1–W7, N1)
        ['Hébreu : בדיקה 45 mm fin', 'Hébreu : 45 בדיקה mm fin'],
        ['שלום 12 mm', 'mm 12 שלום'],
        ['בדיקה 7,5 cm', 'cm 7,5 בדיקה'],
        ['Conclusion : مرحبا fin', 'Conclusion : مرحبا fin'],
        ['مرحبا 12 mm', 'mm 12 مرحبا'],
        ['لا 25 سم', 'سم 25 لا'],
      ];
      const file = await renderToFile('bidi', documentWith({ text: cases.map(([l]) => l).join('\n\n') }));
      expectValidPdfA(file);
      expectEveryPageRenders(file);
      // Arabic is drawn in presentation forms: NFKC gives the letters back. pdftotext wraps
      // right-to-left words in U+202B…U+202C and moves the spaces around them: both are ignored.
      const extracted = pdfText(file)
        .normalize('NFKC')
        .replace(/[\u202a-\u202e\s]/g, (c) => (c === '\n' ? '\n' : ''))
        .split('\n');
      for (const [logical, onPage] of cases) {
        expect(extracted, logical).toContain(onPage.replace(/\s/g, ''));
      }
      // Arabic letters are joined: مرحبا as meem initial, reh final, hah initial, beh medial, alef
      // final (not the isolated letters), and lam-alef as its ligature
      expect(pdfText(file)).toContain('\ufee3\ufeae\ufea3\ufe92\ufe8e');
      expect(pdfText(file)).toContain('\ufefb');
    },
  );

  it('a title that looks like XML references (&p;, &#0;, &amp;) stays text in the XMP: still PDF/A', async () => {
    const file = await renderToFile(
      'entity-title',
      documentWith({ document: { title: 'CR &p; &#0; &amp; fin' } }),
    );
    expectValidPdfA(file);
    const info = run('pdfinfo', ['-meta', file]);
    expect(info.stdout).toContain('CR &amp;p; &amp;#0; &amp;amp; fin');
  }, 60_000);

  it('is deterministic: the same input and clock give the same bytes', { timeout: 60_000 }, async () => {
    const doc = documentWith({});
    const a = await renderReportPdf(doc, { producedAt });
    const b = await renderReportPdf(structuredClone(doc), { producedAt: new Date(producedAt.getTime()) });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);

    const later = await renderReportPdf(doc, { producedAt: new Date(producedAt.getTime() + 60_000) });
    expect(Buffer.from(later).equals(Buffer.from(a))).toBe(false);
    const trailerId = (bytes: Uint8Array) =>
      /\/ID \[ <([0-9A-F]{32})> <\1> \]/.exec(Buffer.from(bytes).toString('latin1'))?.[1];
    expect(trailerId(a)).toMatch(/^[0-9A-F]{32}$/);
    expect(trailerId(later)).not.toBe(trailerId(a));
  });

  it('renders every example input of the package as a valid PDF/A-1b', { timeout: 300_000 }, async () => {
    const files: string[] = [];
    for (const name of readdirSync(examplesDir).filter((f) => f.endsWith('.json'))) {
      const doc = parseReportDocument(JSON.parse(readFileSync(join(examplesDir, name), 'utf8')));
      const file = await renderToFile(`example-${name.replace(/\.json$/, '')}`, doc);
      files.push(file);
      expectEveryPageRenders(file);
      if (doc.patient.identityStatus === 'qualifiee') {
        expect(dataMatrixOnPage(file, 1), name).toBe(insDataMatrixContent(doc.patient));
      }
    }
    expect(files.length).toBeGreaterThan(0);
    const r = run(validatePdfa, files);
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  });
});
