/**
 * The imaging report as a PDF/A-1b, A4: letterhead on every page; on the first page the title,
 * the patient (identity status, INS and INS DataMatrix when qualified), the exams and the
 * referrer; then the report text (paragraphs, word wrap, page breaks), the validating
 * radiologist; the RGPD notice in a reserved space at the bottom of the last page; on every page
 * a footer naming the patient and « Page n / N ».
 *
 * Deterministic: no clock, no random. Dates come from the input and `producedAt`; the trailer
 * /ID and the font subset tags derive from a SHA-256 of the input and `producedAt`.
 */
import { createHash } from 'node:crypto';
import { PageSizes, PDFDocument, type PDFPage } from 'pdf-lib';
import { INS_OIDS, type ReportDocument } from '../input.ts';
import { pdfAssets } from './assets.ts';
import { PageContent, type Rgb } from './content.ts';
import { DocumentFont, type PreparedFont } from './embedded-font.ts';
import type { PdfAssetPaths } from './env.ts';
import {
  IDENTITY_STATUS_LABELS,
  MODALITY_LABELS,
  SEX_LABELS,
  formatDate,
  formatDateTime,
  patientShortName,
  professionalName,
} from './format.ts';
import { drawable, paragraphDirection, shapeArabic, type Direction } from './bidi.ts';
import { encodeDataMatrix, insDataMatrixContent } from './ins-datamatrix.ts';
import { makePdfA, withPdf14Header } from './pdfa.ts';
import type { FontFace } from './text.ts';

export const PDF_PRODUCER = 'Rayon @rayon/documents (pdf-lib)';
export const PDF_CREATOR_TOOL = 'Rayon';

const [PAGE_WIDTH, PAGE_HEIGHT] = PageSizes.A4;
const MARGIN = { left: 56.7, right: 56.7, top: 42.5, bottom: 34 };
const CONTENT_WIDTH = PAGE_WIDTH - MARGIN.left - MARGIN.right;
const LEADING = 1.32;
const BLACK: Rgb = [0, 0, 0];
const GREY: Rgb = [0.33, 0.33, 0.33];
const RULE: Rgb = [0.62, 0.62, 0.62];
/** Footer: a rule, then one line of text. */
const FOOTER_RULE_Y = MARGIN.bottom + 13;
const BODY_BOTTOM = FOOTER_RULE_Y + 12;
/** INS DataMatrix: module size (0.6 mm) and quiet zone, in points. */
const DM_MODULE = 1.7;
const DM_QUIET = 2 * DM_MODULE;

type Doc = ReportDocument;

interface Face {
  pdf: DocumentFont;
  /** Its name in the pages' resources. */
  key: string;
  metrics: FontFace;
}

interface Style {
  face: Face;
  size: number;
  color?: Rgb;
}

interface Line {
  text: string;
  style: Style;
}

export interface RenderReportPdfOptions {
  /** When the document is produced: the PDF creation date (the only clock the renderer reads). */
  producedAt: Date;
  /** Fonts and ICC profile; defaults from RAYON_FONT_DIR / RAYON_ICC_PROFILE, then Debian paths. */
  assets?: Partial<PdfAssetPaths>;
}

/** Lays out lines down the pages; opens a new page (with its letterhead) when one is full. */
class Flow {
  readonly pages: { page: PDFPage; content: PageContent }[] = [];
  private page!: PageContent;
  y = 0;
  private readonly bodyTop: number;

  private readonly pdf: PDFDocument;
  private readonly letterhead: Line[];
  private readonly letterheadHeight: number;

  constructor(pdf: PDFDocument, letterhead: Line[], letterheadHeight: number) {
    this.pdf = pdf;
    this.letterhead = letterhead;
    this.letterheadHeight = letterheadHeight;
    this.bodyTop = PAGE_HEIGHT - MARGIN.top - letterheadHeight - 16;
    this.newPage();
  }

  get current(): PageContent {
    return this.page;
  }

  newPage(): void {
    this.page = new PageContent();
    this.pages.push({ page: this.pdf.addPage([PAGE_WIDTH, PAGE_HEIGHT]), content: this.page });
    let y = PAGE_HEIGHT - MARGIN.top;
    for (const line of this.letterhead) {
      y -= line.style.size * LEADING;
      this.draw(line.text, MARGIN.left, y + line.style.size * 0.28, line.style);
    }
    y = PAGE_HEIGHT - MARGIN.top - this.letterheadHeight - 6;
    this.page.line(MARGIN.left, y, PAGE_WIDTH - MARGIN.right, y, 0.6, RULE);
    this.y = this.bodyTop;
  }

  /** Room for `height` points below the cursor, else a new page. */
  ensure(height: number): void {
    if (this.y - height < BODY_BOTTOM) this.newPage();
  }

  space(height: number): void {
    this.y -= height;
  }

  /** Draws a line of clean logical text, shaped and in visual order (`bidi.ts`). */
  draw(text: string, x: number, baseline: number, style: Style, direction?: Direction): void {
    if (!text) return;
    drawText(this.page, drawable(style.face.metrics, text, direction), x, baseline, style);
  }

  /** One line at the cursor, `x` from the left margin, in its paragraph's direction. */
  line(text: string, style: Style, x = 0, direction?: Direction): void {
    const height = style.size * LEADING;
    this.ensure(height);
    this.y -= height;
    this.draw(text, MARGIN.left + x, this.y + style.size * 0.28, style, direction);
  }

  /** Where a line starts in a box `width` wide: flush right in a right-to-left paragraph. */
  indent(line: string, style: Style, width: number, direction: Direction): number {
    if (direction !== 'rtl') return 0;
    // measured as drawn: Arabic contextual forms are narrower than the isolated letters
    return Math.max(0, width - style.face.metrics.width(shapeArabic(style.face.metrics, line), style.size));
  }

  /** Clean, wrap and draw a text (LF = line break) in `width` points from `x`. */
  paragraph(text: string, style: Style, x = 0, width = CONTENT_WIDTH - x): void {
    for (const hardLine of style.face.metrics.clean(text, { keepNewlines: true }).split('\n')) {
      const lines = style.face.metrics.wrap(hardLine, style.size, width);
      if (lines.length === 0) this.space(style.size * LEADING);
      const direction = paragraphDirection(hardLine);
      for (const l of lines) this.line(l, style, x + this.indent(l, style, width, direction), direction);
    }
  }

  /** `label` in a left column, `value` wrapped in the rest. */
  field(
    label: string,
    value: string,
    labelStyle: Style,
    valueStyle: Style,
    x = 0,
    width = CONTENT_WIDTH - x,
  ): void {
    const labelWidth = 150;
    const lines = valueStyle.face.metrics.wrap(
      valueStyle.face.metrics.clean(value),
      valueStyle.size,
      width - labelWidth,
    );
    const height = valueStyle.size * LEADING;
    lines.forEach((l, i) => {
      this.ensure(height);
      this.y -= height;
      const baseline = this.y + valueStyle.size * 0.28;
      if (i === 0) this.draw(labelStyle.face.metrics.clean(label), MARGIN.left + x, baseline, labelStyle);
      this.draw(l, MARGIN.left + x + labelWidth, baseline, valueStyle);
    });
  }

  rule(): void {
    this.ensure(8);
    this.y -= 4;
    this.page.line(MARGIN.left, this.y, PAGE_WIDTH - MARGIN.right, this.y, 0.4, RULE);
    this.y -= 4;
  }
}

/** A line already shaped and in visual order, at (x, baseline). */
function drawText(page: PageContent, visual: string, x: number, baseline: number, style: Style): void {
  const { face } = style;
  page.text(face.key, face.pdf.ref, style.size, style.color ?? BLACK, x, baseline, face.pdf.encode(visual));
}

/** Renders the report as PDF/A-1b bytes. */
export async function renderReportPdf(doc: Doc, o: RenderReportPdfOptions): Promise<Uint8Array> {
  const assets = await pdfAssets(o.assets);
  const producedAt = new Date(Math.floor(o.producedAt.getTime() / 1000) * 1000);
  if (Number.isNaN(producedAt.getTime())) throw new TypeError('producedAt: a valid Date');
  const digest = createHash('sha256').update(JSON.stringify(doc)).update(producedAt.toISOString()).digest();

  const pdf = await PDFDocument.create({ updateMetadata: false });
  const regular = fontFor(pdf, assets.regular, 'DejaVuSans', 'F1', digest, 0);
  const bold = fontFor(pdf, assets.bold, 'DejaVuSans-Bold', 'F2', digest, 6);

  const s = {
    orgName: { face: bold, size: 13 },
    letterhead: { face: regular, size: 8.5, color: GREY },
    title: { face: bold, size: 14 },
    subtitle: { face: regular, size: 9, color: GREY },
    heading: { face: bold, size: 10.5 },
    label: { face: regular, size: 9, color: GREY },
    value: { face: regular, size: 9 },
    valueBold: { face: bold, size: 9 },
    body: { face: regular, size: 10 },
    small: { face: regular, size: 8.5, color: GREY },
    footer: { face: regular, size: 7.5, color: GREY },
    rgpd: { face: regular, size: 7.5, color: GREY },
  } satisfies Record<string, Style>;

  const letterhead = letterheadLines(doc, s);
  const letterheadHeight = letterhead.reduce((h, l) => h + l.style.size * LEADING, 0);
  const flow = new Flow(pdf, letterhead, letterheadHeight);

  titleBlock(flow, doc, s);
  patientBlock(flow, doc, s);
  examsBlock(flow, doc, s);
  flow.rule();
  flow.space(4);
  flow.line('Compte rendu', s.heading);
  flow.space(4);
  reportText(flow, doc.report.text, s.body);
  signatureBlock(flow, doc, s);
  rgpdBlock(flow, doc, s);
  footers(flow, doc, s);

  for (const { page, content } of flow.pages) content.writeTo(page, pdf.context);
  await regular.pdf.embed(pdf.context);
  await bold.pdf.embed(pdf.context);
  makePdfA(pdf, {
    title: regular.metrics.clean(doc.document.title).trim(),
    author: regular.metrics.clean(professionalName(doc.radiologist)).trim(),
    creatorTool: PDF_CREATOR_TOOL,
    producer: PDF_PRODUCER,
    date: producedAt,
    lang: 'fr-FR',
    id: digest.subarray(0, 16),
    iccProfile: assets.icc,
    outputCondition: 'sRGB IEC61966-2.1',
  });
  return withPdf14Header(await pdf.save({ useObjectStreams: false }));
}

/** A font subset named under a tag derived from the digest (`ABCDEF+DejaVuSans`, no random). */
function fontFor(
  pdf: PDFDocument,
  font: PreparedFont,
  name: string,
  key: string,
  digest: Buffer,
  offset: number,
): Face {
  const tag = Array.from(digest.subarray(offset, offset + 6), (b) => String.fromCharCode(65 + (b % 26))).join(
    '',
  );
  return { pdf: new DocumentFont(pdf.context, font, `${tag}+${name}`), key, metrics: font.face };
}

function letterheadLines(doc: Doc, s: Record<'orgName' | 'letterhead', Style>): Line[] {
  const org = doc.organisation;
  const wrap = (text: string, style: Style): Line[] =>
    style.face.metrics
      .wrap(style.face.metrics.clean(text), style.size, CONTENT_WIDTH)
      .map((t) => ({ text: t, style }));
  const address = [...org.address.lines, `${org.address.postalCode} ${org.address.city}`].join(', ');
  return [
    ...wrap(org.name, s.orgName),
    ...org.letterhead.flatMap((l) => wrap(l, s.letterhead)),
    ...wrap(org.phone ? `${address} · Tél. ${org.phone}` : address, s.letterhead),
  ];
}

function titleBlock(flow: Flow, doc: Doc, s: Record<'title' | 'subtitle', Style>): void {
  flow.paragraph(doc.document.title, s.title);
  const version =
    doc.document.version > 1 ? ` · Version ${doc.document.version}, remplace la version précédente` : '';
  flow.paragraph(`Établi le ${formatDateTime(doc.document.effectiveTime)}${version}`, s.subtitle);
  flow.space(8);
}

function patientBlock(
  flow: Flow,
  doc: Doc,
  s: Record<'heading' | 'label' | 'value' | 'valueBold' | 'small', Style>,
) {
  const p = doc.patient;
  const qualified = p.identityStatus === 'qualifiee' && p.ins !== undefined;
  const symbol = qualified ? encodeDataMatrix(insDataMatrixContent(p)) : undefined;
  const dmSide = symbol ? symbol.size * DM_MODULE + 2 * DM_QUIET : 0;
  const textWidth = symbol ? CONTENT_WIDTH - dmSide - 12 : CONTENT_WIDTH;

  // the block stays on one page (it is short; the letterhead is at most a few lines)
  flow.ensure(Math.max(dmSide + 14, 160));
  const top = flow.y;
  const page = flow.current;
  flow.line('Patient', s.heading);
  flow.space(2);
  const row = (label: string, value: string, bold = false) =>
    flow.field(label, value, s.label, bold ? s.valueBold : s.value, 0, textWidth);
  row('Nom de naissance', p.birthFamilyName, true);
  if (p.usedFamilyName) row('Nom utilisé', p.usedFamilyName, true);
  if (p.birthForenames.trim() === p.firstBirthForename.trim()) {
    row('Prénom de naissance', p.firstBirthForename, true);
  } else {
    row('Premier prénom de naissance', p.firstBirthForename, true);
    row('Prénoms de naissance', p.birthForenames);
  }
  if (p.usedForename) row('Prénom utilisé', p.usedForename);
  row('Date de naissance', formatDate(p.birthDate));
  row('Sexe', SEX_LABELS[p.sex]);
  if (p.birthPlaceName || p.birthPlaceCode) {
    row(
      'Lieu de naissance',
      [p.birthPlaceName, p.birthPlaceCode && `(${p.birthPlaceCode})`].filter(Boolean).join(' '),
    );
  }
  row("Statut de l'identité", IDENTITY_STATUS_LABELS[p.identityStatus], true);
  if (qualified && p.ins) {
    row('Matricule INS', p.ins.matricule, true);
    row("OID de l'INS", `${p.ins.oid} (${INS_OIDS[p.ins.oid]})`);
  }
  if (p.localId) row('N° patient (IPP)', p.localId.extension);

  if (symbol) {
    // modules as vector rectangles (PDF/A-1: no image with transparency), one per horizontal run
    const x0 = PAGE_WIDTH - MARGIN.right - dmSide + DM_QUIET;
    const yTop = top - DM_QUIET;
    const runs: [number, number, number, number][] = [];
    for (let y = 0; y < symbol.size; y++) {
      for (let x = 0; x < symbol.size; x++) {
        if (!symbol.dark(x, y)) continue;
        let end = x;
        while (end + 1 < symbol.size && symbol.dark(end + 1, y)) end++;
        const upper = yTop - y * DM_MODULE;
        runs.push([x0 + x * DM_MODULE, upper - DM_MODULE, (end + 1 - x) * DM_MODULE, DM_MODULE]);
        x = end;
      }
    }
    page.fillRectangles(runs, BLACK);
    const caption = 'INS à scanner';
    const captionWidth = s.small.face.metrics.width(caption, s.small.size);
    drawText(
      page,
      caption,
      x0 + (symbol.size * DM_MODULE - captionWidth) / 2,
      yTop - symbol.size * DM_MODULE - DM_QUIET - s.small.size,
      s.small,
    );
    flow.y = Math.min(flow.y, top - dmSide - s.small.size * LEADING - 2);
  }
  flow.space(8);
}

function examsBlock(
  flow: Flow,
  doc: Doc,
  s: Record<'heading' | 'label' | 'value' | 'valueBold' | 'small', Style>,
) {
  flow.ensure(40);
  flow.line(doc.exams.length > 1 ? 'Examens' : 'Examen', s.heading);
  flow.space(2);
  for (const exam of doc.exams) {
    flow.paragraph(exam.label, s.valueBold);
    const details = [
      `Réalisé le ${formatDateTime(exam.startedAt)}`,
      `${MODALITY_LABELS[exam.modality]} (${exam.modality})`,
      `N° d'examen : ${exam.accessionNumber}`,
      exam.ccam ? `CCAM ${exam.ccam.code}` : undefined,
    ].filter(Boolean);
    flow.paragraph(details.join(' · '), s.small);
    flow.space(3);
  }
  if (doc.referrer) {
    const r = doc.referrer;
    flow.space(3);
    flow.field(
      'Médecin demandeur',
      [professionalName(r), r.specialty, r.rpps ? `RPPS ${r.rpps}` : r.adeli ? `ADELI ${r.adeli}` : undefined]
        .filter(Boolean)
        .join(' · '),
      s.label,
      s.value,
    );
  }
  if (doc.order) flow.field('N° de demande', doc.order.placerOrderNumber, s.label, s.value);
  flow.space(6);
}

/** Paragraphs are separated by blank lines; single line breaks are kept. */
function reportText(flow: Flow, text: string, style: Style): void {
  const paragraphs = style.face.metrics
    .clean(text, { keepNewlines: true })
    .split(/\n[ \t]*\n\s*/)
    .map((p) => p.replace(/^\n+|\n+$/g, ''))
    .filter((p) => p.trim() !== '');
  paragraphs.forEach((p, i) => {
    if (i > 0) flow.space(style.size * 0.6);
    for (const hardLine of p.split('\n')) {
      const lines = style.face.metrics.wrap(hardLine, style.size, CONTENT_WIDTH);
      if (lines.length === 0) flow.space(style.size * LEADING);
      const direction = paragraphDirection(hardLine);
      for (const l of lines) flow.line(l, style, flow.indent(l, style, CONTENT_WIDTH, direction), direction);
    }
  });
}

function signatureBlock(flow: Flow, doc: Doc, s: Record<'value' | 'heading' | 'small', Style>): void {
  const r = doc.radiologist;
  flow.space(14);
  flow.ensure(4 * 11 * LEADING);
  flow.paragraph(`Compte rendu validé le ${formatDateTime(doc.validatedAt)} par`, s.value);
  flow.paragraph(professionalName(r), s.heading);
  flow.paragraph(`${r.specialty.label} · RPPS ${r.rpps}`, s.small);
}

/** The RGPD notice, boxed at the bottom of the last page (a new page if the last one is full). */
function rgpdBlock(flow: Flow, doc: Doc, s: Record<'rgpd', Style>): void {
  const notice = doc.organisation.rgpdNotice;
  if (!notice) return;
  const style = s.rgpd;
  const padding = 5;
  const lines = notice
    .split(/\r\n?|\n/)
    .flatMap((l) =>
      style.face.metrics.wrap(style.face.metrics.clean(l), style.size, CONTENT_WIDTH - 2 * padding),
    );
  const lineHeight = style.size * LEADING;
  const boxHeight = lines.length * lineHeight + 2 * padding;
  flow.space(10);
  flow.ensure(boxHeight);
  flow.current.strokeRectangle(MARGIN.left, BODY_BOTTOM, CONTENT_WIDTH, boxHeight, 0.5, RULE);
  lines.forEach((l, i) => {
    const baseline = BODY_BOTTOM + boxHeight - padding - (i + 1) * lineHeight + style.size * 0.28;
    flow.draw(l, MARGIN.left + padding, baseline, style);
  });
  flow.y = BODY_BOTTOM;
}

function footers(flow: Flow, doc: Doc, s: Record<'footer', Style>): void {
  const style = s.footer;
  const total = flow.pages.length;
  const who = style.face.metrics.clean(patientShortName(doc.patient));
  flow.pages.forEach(({ content: page }, i) => {
    page.line(MARGIN.left, FOOTER_RULE_Y, PAGE_WIDTH - MARGIN.right, FOOTER_RULE_Y, 0.4, RULE);
    const number = `Page ${i + 1} / ${total}`;
    const numberWidth = style.face.metrics.width(number, style.size);
    const baseline = MARGIN.bottom;
    const whoLines = style.face.metrics.wrap(who, style.size, CONTENT_WIDTH - numberWidth - 20);
    if (whoLines[0]) drawText(page, drawable(style.face.metrics, whoLines[0]), MARGIN.left, baseline, style);
    drawText(page, number, PAGE_WIDTH - MARGIN.right - numberWidth, baseline, style);
  });
}
