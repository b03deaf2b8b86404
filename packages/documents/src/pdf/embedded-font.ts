/**
 * The report fonts as the PDF embeds them (Type 0, Identity-H, CIDFontType2), prepared once per
 * process instead of once per document: pdf-lib parsed the 700 kB TrueType file, laid every line
 * out with fontkit and subset the font again for each report (80 % of a one-page report's time).
 *
 * - A prepared subset: the glyphs of the scripts reports are written in (`PREPARED_CHARACTERS`),
 *   subset by fontkit and compressed once; every report embeds those same bytes. PDF/A-1b asks
 *   that every glyph used be embedded, and that the CIDSet list every glyph of the program: both
 *   hold. A report that uses a glyph outside it (Greek, Cyrillic, Hebrew, Arabic…) gets the
 *   prepared glyphs plus its own, subset for it alone (the former cost, for those reports only);
 *   the prepared glyphs keep their numbers, so the text already written stays right.
 * - Text to glyphs: the glyphs pdf-lib's fontkit layout gave (Latin script, left to right,
 *   `FONT_FEATURES`). Where no substitution of those features can apply to a line (computed from
 *   the font's GSUB, see `contextTriggers`), that is the font's character map, one glyph per
 *   character; otherwise the line goes through fontkit's layout, on the one font parsed per
 *   process.
 */
import { deflateSync } from 'node:zlib';
import type { Font } from '@pdf-lib/fontkit';
import { PDFRawStream, PDFString, type PDFContext, type PDFRef } from 'pdf-lib';
import { FONT_FEATURES, type FontFace } from './text.ts';

/**
 * Basic Latin, Latin-1, Latin Extended-A (French, and the names of patients born elsewhere in
 * Europe), the punctuation of French typography (’ « » — … ‰), € and ™.
 */
const PREPARED_CHARACTERS: [number, number][] = [
  [0x20, 0x7e],
  [0xa0, 0x17f],
  [0x2010, 0x2027],
  [0x2030, 0x203a],
  [0x20ac, 0x20ac],
  [0x2122, 0x2122],
];

/** GSUB features fontkit's default shaper turns on for a left-to-right Latin run. */
const SHAPER_FEATURES = [
  'rvrn',
  'ltra',
  'ltrm',
  'frac',
  'numr',
  'dnom',
  'ccmp',
  'locl',
  'rlig',
  'calt',
  'clig',
  'liga',
  'rclt',
];

type Glyph = { id: number; codePoints: number[]; advanceWidth: number };
type Layout = (
  text: string,
  features: unknown,
  script?: string,
  language?: string,
  direction?: string,
) => { glyphs: Glyph[] };

/* The parts of fontkit's OpenType tables read here (fontkit's typings leave them out). */
interface Coverage {
  version: number;
  glyphs?: number[];
  rangeRecords?: { start: number; end: number }[];
}
interface ClassDef {
  version: number;
  startGlyph?: number;
  classValueArray?: number[];
  classRangeRecord?: { start: number; end: number; class: number }[];
}
interface Subtable {
  version?: number;
  lookupType?: number;
  extension?: Subtable;
  coverage?: Coverage;
  coverages?: Coverage[];
  inputCoverage?: Coverage[];
  lookaheadCoverage?: Coverage[];
  backtrackCoverage?: Coverage[];
  classDef?: ClassDef;
  inputClassDef?: ClassDef;
  lookaheadClassDef?: ClassDef;
  backtrackClassDef?: ClassDef;
  ruleSets?: ({ input: number[] }[] | null)[];
  classSet?: ({ classes: number[] }[] | null)[];
  chainRuleSets?: ({ input: number[]; lookahead: number[]; backtrack: number[] }[] | null)[];
  chainClassSet?: ({ input: number[]; lookahead: number[]; backtrack: number[] }[] | null)[];
}
interface Gsub {
  scriptList: { tag: string; script: { defaultLangSys?: { featureIndexes: number[] } } }[];
  featureList: { tag: string; feature: { lookupListIndexes: number[] } }[];
  lookupList: { get(i: number): { lookupType: number; subTables: Subtable[] } };
}

function coverageGlyphs(c: Coverage | undefined): number[] {
  if (!c) return [];
  if (c.glyphs) return c.glyphs;
  const out: number[] = [];
  for (const r of c.rangeRecords ?? []) for (let g = r.start; g <= r.end; g++) out.push(g);
  return out;
}

function classGlyphs(cd: ClassDef | undefined, k: number): number[] | undefined {
  // class 0 is every glyph the definition leaves out: no requirement
  if (!cd || k === 0) return undefined;
  const out: number[] = [];
  if (cd.classValueArray) cd.classValueArray.forEach((v, i) => v === k && out.push(cd.startGlyph! + i));
  for (const r of cd.classRangeRecord ?? [])
    if (r.class === k) for (let g = r.start; g <= r.end; g++) out.push(g);
  return out;
}

/**
 * The glyphs without which no substitution of the shaper's features can apply to a run: for each
 * lookup rule, the glyphs of one position it needs (its first glyph, or a class or glyph of its
 * input, look-ahead or backtrack), the one least met in ordinary Latin text. A run with none of
 * them is laid out by the character map alone. Rules whose every position accepts any glyph fall
 * back to their coverage (the run must contain one of those glyphs).
 */
function contextTriggers(font: Font): Set<number> {
  const gsub = (font as unknown as { GSUB?: Gsub }).GSUB;
  const triggers = new Set<number>();
  if (!gsub) return triggers;
  const common = new Set<number>();
  for (let cp = 0x20; cp < 0x250; cp++)
    if (font.hasGlyphForCodePoint(cp)) common.add(font.glyphForCodePoint(cp).id);
  const add = (candidates: (number[] | undefined)[], fallback: number[]) => {
    const usable = candidates.filter((c): c is number[] => c !== undefined && c.length > 0);
    const score = (c: number[]) => c.filter((g) => common.has(g)).length * 1e6 + c.length;
    const best = usable.sort((a, b) => score(a) - score(b))[0] ?? fallback;
    for (const g of best) triggers.add(g);
  };
  const lookups = new Set<number>();
  for (const { tag, script } of gsub.scriptList) {
    if (tag !== 'latn' && tag !== 'DFLT') continue;
    for (const index of script.defaultLangSys?.featureIndexes ?? []) {
      const feature = gsub.featureList[index]!;
      const off = (FONT_FEATURES as Record<string, boolean>)[feature.tag] === false;
      if (SHAPER_FEATURES.includes(feature.tag) && !off)
        feature.feature.lookupListIndexes.forEach((i) => lookups.add(i));
    }
  }
  for (const index of lookups) {
    const lookup = gsub.lookupList.get(index);
    for (const raw of lookup.subTables) {
      const type = lookup.lookupType === 7 ? raw.lookupType! : lookup.lookupType;
      const st = lookup.lookupType === 7 ? raw.extension! : raw;
      const covered = coverageGlyphs(st.coverage);
      if (type === 6 && st.version === 2) {
        (st.chainClassSet ?? []).forEach((rules, k) => {
          for (const rule of rules ?? []) {
            const first =
              k === 0 ? covered : covered.filter((g) => classGlyphs(st.inputClassDef, k)!.includes(g));
            add(
              [
                first,
                ...rule.input.map((c) => classGlyphs(st.inputClassDef, c)),
                ...rule.lookahead.map((c) => classGlyphs(st.lookaheadClassDef, c)),
                ...rule.backtrack.map((c) => classGlyphs(st.backtrackClassDef, c)),
              ],
              covered,
            );
          }
        });
      } else if (type === 6 && st.version === 1) {
        for (const rules of st.chainRuleSets ?? [])
          for (const rule of rules ?? [])
            add(
              [...rule.input, ...rule.lookahead, ...rule.backtrack].map((g) => [g]),
              covered,
            );
      } else if (type === 6 && st.version === 3) {
        add(
          [...(st.inputCoverage ?? []), ...(st.lookaheadCoverage ?? []), ...(st.backtrackCoverage ?? [])].map(
            coverageGlyphs,
          ),
          [],
        );
      } else if (type === 5 && st.version === 3) {
        add((st.coverages ?? []).map(coverageGlyphs), []);
      } else {
        // single, multiple, alternate, ligature, context formats 1–2, reverse chaining: the coverage
        for (const g of covered) triggers.add(g);
      }
    }
  }
  return triggers;
}

/** fontkit's default ignorables (its layout draws them as a space) and variation selectors. */
function ignorable(cp: number): boolean {
  return (
    cp === 0xad ||
    cp === 0x34f ||
    cp === 0x61c ||
    (cp >= 0x115f && cp <= 0x1160) ||
    (cp >= 0x17b4 && cp <= 0x17b5) ||
    (cp >= 0x180b && cp <= 0x180e) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0x3164 ||
    (cp >= 0xd800 && cp <= 0xdfff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff ||
    cp === 0xffa0 ||
    (cp >= 0xfff0 && cp <= 0xfff8)
  );
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');

async function encodeSubset(
  font: Font,
  glyphIds: Iterable<number>,
): Promise<{ program: Uint8Array; order: number[] }> {
  const subset = font.createSubset();
  for (const id of glyphIds) subset.includeGlyph(id);
  const parts: Uint8Array[] = [];
  await new Promise<void>((resolve) => {
    subset
      .encodeStream()
      .on('data', (bytes: Uint8Array) => parts.push(bytes))
      .on('end', () => resolve());
  });
  // after encoding, the subset also holds the components of its composite glyphs
  const order = (subset as unknown as { glyphs: number[] }).glyphs.slice();
  return { program: Buffer.concat(parts), order };
}

/** The CIDSet (PDF/A-1, 6.3.5): one bit per CID of the program, all present. */
function cidSet(count: number): Uint8Array {
  const bits = new Uint8Array(Math.floor((count - 1) / 8) + 1);
  for (let cid = 0; cid < count; cid++) bits[cid >> 3]! |= 0x80 >> (cid & 7);
  return deflateSync(bits);
}

/** Glyphs of a line and the character each shows; `several`: by index, glyphs showing 0 or 2+. */
export interface GlyphRun {
  ids: number[];
  codePoints: number[];
  several: Map<number, number[]>;
}

/** A font ready to be embedded in any number of documents (one per font file and process). */
export class PreparedFont {
  readonly face: FontFace;
  readonly font: Font;
  readonly scale: number;
  /** CID of each glyph of the prepared subset (-1: not in it). */
  readonly cidOf: Int32Array;
  /** Original glyph of each CID of the prepared subset. */
  readonly order: number[];
  readonly program: { flate: Uint8Array; length: number; cidSet: Uint8Array };
  private readonly glyphOf = new Int32Array(0x10000).fill(-1);
  private readonly triggers: Set<number>;
  private readonly layout: Layout;

  private constructor(face: FontFace, order: number[], program: Uint8Array) {
    this.face = face;
    this.font = face.font;
    this.scale = 1000 / this.font.unitsPerEm;
    this.order = order;
    this.cidOf = new Int32Array(this.font.numGlyphs).fill(-1);
    order.forEach((gid, cid) => (this.cidOf[gid] = cid));
    this.program = { flate: deflateSync(program), length: program.length, cidSet: cidSet(order.length) };
    this.layout = this.font.layout.bind(this.font) as unknown as Layout;
    const glyphTriggers = contextTriggers(this.font);
    this.triggers = new Set();
    for (const cp of this.font.characterSet) {
      if (cp < 0x10000 && glyphTriggers.has(this.font.glyphForCodePoint(cp).id)) this.triggers.add(cp);
    }
  }

  static async prepare(face: FontFace): Promise<PreparedFont> {
    const ids: number[] = [];
    for (const [from, to] of PREPARED_CHARACTERS) {
      for (let cp = from; cp <= to; cp++) if (face.has(cp)) ids.push(face.font.glyphForCodePoint(cp).id);
    }
    const { program, order } = await encodeSubset(face.font, ids);
    return new PreparedFont(face, order, program);
  }

  /**
   * The glyphs of a line, each with the characters it shows, as fontkit lays it out (Latin
   * script, left to right, `FONT_FEATURES`): the text must already be shaped and in visual order.
   */
  glyphs(text: string, out: GlyphRun): void {
    out.ids.length = 0;
    out.codePoints.length = 0;
    out.several.clear();
    for (let i = 0; i < text.length; i++) {
      const cp = text.charCodeAt(i);
      if (this.triggers.has(cp) || ignorable(cp)) return this.laidOut(text, out);
      let id = this.glyphOf[cp]!;
      if (id < 0) {
        id = this.font.glyphForCodePoint(cp).id;
        this.glyphOf[cp] = id;
      }
      out.ids.push(id);
      out.codePoints.push(cp);
    }
  }

  private laidOut(text: string, out: GlyphRun): void {
    out.ids.length = 0;
    out.codePoints.length = 0;
    for (const glyph of this.layout(text, FONT_FEATURES, 'latn', undefined, 'ltr').glyphs) {
      if (glyph.codePoints.length !== 1) out.several.set(out.ids.length, glyph.codePoints);
      out.ids.push(glyph.id);
      out.codePoints.push(glyph.codePoints.length === 1 ? glyph.codePoints[0]! : -1);
    }
  }

  advance(gid: number): number {
    return this.font.getGlyph(gid).advanceWidth * this.scale;
  }

  /** The prepared subset plus `extra` glyphs, numbered after it. */
  extended(extra: number[]): Promise<{ program: Uint8Array; order: number[] }> {
    return encodeSubset(this.font, [...this.order, ...extra]);
  }
}

/** One embedded font of one document: the glyphs it used, its text, its dictionaries. */
export class DocumentFont {
  readonly ref: PDFRef;
  private readonly prepared: PreparedFont;
  private readonly name: string;
  /** Characters shown by each CID used (first use), by CID. */
  private readonly used = new Map<number, number[]>();
  private readonly extraCid = new Map<number, number>();
  private readonly extra: number[] = [];
  private readonly run: GlyphRun = { ids: [], codePoints: [], several: new Map() };

  constructor(context: PDFContext, prepared: PreparedFont, name: string) {
    this.ref = context.nextRef();
    this.prepared = prepared;
    this.name = name;
  }

  get face(): FontFace {
    return this.prepared.face;
  }

  /** A line of text (shaped, in visual order) as the hex string of its CIDs. */
  encode(text: string): string {
    const p = this.prepared;
    p.glyphs(text, this.run);
    const { ids, codePoints, several } = this.run;
    let hex = '';
    for (let i = 0; i < ids.length; i++) {
      const gid = ids[i]!;
      let cid = p.cidOf[gid]!;
      if (cid < 0) {
        cid = this.extraCid.get(gid) ?? -1;
        if (cid < 0) {
          cid = p.order.length + this.extra.length;
          this.extra.push(gid);
          this.extraCid.set(gid, cid);
        }
      }
      if (!this.used.has(cid)) {
        const cp = codePoints[i]!;
        this.used.set(cid, cp >= 0 ? [cp] : several.get(i)!);
      }
      hex += hex4(cid);
    }
    return hex;
  }

  /** Writes the font's objects (PDF/A-1b: program embedded, CIDSet, widths of every glyph used). */
  async embed(context: PDFContext): Promise<void> {
    const p = this.prepared;
    const font = p.font;
    let program = p.program;
    let order = p.order;
    if (this.extra.length > 0) {
      const extended = await p.extended(this.extra);
      order = extended.order;
      program = {
        flate: deflateSync(extended.program),
        length: extended.program.length,
        cidSet: cidSet(order.length),
      };
    }
    const cids = [...this.used.keys()].sort((a, b) => a - b);
    const widths: (number | number[])[] = [];
    let section: number[] = [];
    cids.forEach((cid, i) => {
      if (i === 0 || cid - cids[i - 1]! !== 1) {
        if (i > 0) widths.push(section);
        widths.push(cid);
        section = [];
      }
      section.push(p.advance(order[cid]!));
    });
    if (cids.length > 0) widths.push(section);

    const fontFile = context.register(
      PDFRawStream.of(context.obj({ Filter: 'FlateDecode', Length1: program.length }), program.flate),
    );
    const cidSetRef = context.register(
      PDFRawStream.of(context.obj({ Filter: 'FlateDecode' }), program.cidSet),
    );
    const { italicAngle, ascent, descent, capHeight, xHeight, bbox } = font;
    const s = p.scale;
    const descriptor = context.register(
      context.obj({
        Type: 'FontDescriptor',
        FontName: this.name,
        Flags: fontFlags(font),
        FontBBox: [bbox.minX * s, bbox.minY * s, bbox.maxX * s, bbox.maxY * s],
        ItalicAngle: italicAngle,
        Ascent: ascent * s,
        Descent: descent * s,
        CapHeight: (capHeight || ascent) * s,
        XHeight: (xHeight || 0) * s,
        StemV: 0,
        FontFile2: fontFile,
        CIDSet: cidSetRef,
      }),
    );
    const cidFont = context.register(
      context.obj({
        Type: 'Font',
        Subtype: 'CIDFontType2',
        CIDToGIDMap: 'Identity',
        BaseFont: this.name,
        CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
        FontDescriptor: descriptor,
        W: widths,
      }),
    );
    const toUnicode = context.register(
      PDFRawStream.of(
        context.obj({ Filter: 'FlateDecode' }),
        deflateSync(Buffer.from(toUnicodeCMap(cids, this.used), 'latin1')),
      ),
    );
    context.assign(
      this.ref,
      context.obj({
        Type: 'Font',
        Subtype: 'Type0',
        BaseFont: this.name,
        Encoding: 'Identity-H',
        DescendantFonts: [cidFont],
        ToUnicode: toUnicode,
      }),
    );
  }
}

/** The FontDescriptor flags pdf-lib gives an embedded font (after pdfkit). */
function fontFlags(font: Font): number {
  const f = font as unknown as {
    'OS/2'?: { sFamilyClass: number };
    post: { isFixedPitch: number };
    head: { macStyle: { italic: boolean } };
  };
  const familyClass = f['OS/2']?.sFamilyClass ?? 0;
  let flags = 1 << 2; // symbolic
  if (f.post.isFixedPitch) flags |= 1 << 0;
  if (familyClass >= 1 && familyClass <= 7) flags |= 1 << 1;
  if (familyClass === 10) flags |= 1 << 3;
  if (f.head.macStyle.italic) flags |= 1 << 6;
  return flags;
}

const utf16Hex = (cp: number) =>
  cp < 0x10000 ? hex4(cp) : hex4(0xd800 + ((cp - 0x10000) >> 10)) + hex4(0xdc00 + ((cp - 0x10000) & 0x3ff));

/** ToUnicode CMap of the CIDs used, each to the characters it was first drawn for. */
function toUnicodeCMap(cids: number[], used: Map<number, number[]>): string {
  let blocks = '';
  // at most 100 mappings per bfchar block (Adobe CMap specification, 5014)
  for (let i = 0; i < cids.length; i += 100) {
    const block = cids.slice(i, i + 100);
    const lines = block.map((cid) => `<${hex4(cid)}> <${used.get(cid)!.map(utf16Hex).join('')}>`);
    blocks += `${block.length} beginbfchar\n${lines.join('\n')}\nendbfchar\n`;
  }
  return (
    '/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo <<\n  /Registry (Adobe)\n' +
    '  /Ordering (UCS)\n  /Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n' +
    `1 begincodespacerange\n<0000><ffff>\nendcodespacerange\n${blocks}` +
    'endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend'
  );
}
