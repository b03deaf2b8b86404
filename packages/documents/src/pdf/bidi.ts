/**
 * Right-to-left text on a PDF line. pdf-lib draws a string left to right, laying it out with
 * fontkit, which picks ONE script for the whole string (its first non-common letter) and, when
 * that script is right-to-left, reverses every glyph: a line mixing Hebrew or Arabic with
 * « 12 mm » printed « mm 21 », and a Latin-first line printed its Hebrew backwards. So a line is
 * drawn in visual order, prepared here:
 *
 * 1. Arabic is shaped in logical order by fontkit's Arabic shaper (OpenType init/medi/fina and
 *    the required lam-alef ligature of the embedded DejaVu Sans), and each shaped glyph is written
 *    as the Arabic Presentation Forms character the font maps to it, so the contextual form
 *    survives step 3 and the text extracted from the PDF is those characters (NFKC gives the
 *    letters back).
 * 2. The Unicode Bidirectional Algorithm (bidi-js, UAX #9) gives each character its embedding
 *    level (paragraph direction from the first strong character, rules P2–P3, unless given) and
 *    the mirrored form of brackets in right-to-left runs (L4).
 * 3. Rules L1–L2: trailing whitespace to the paragraph level, then from the highest level down to
 *    the lowest odd one, every run at that level or higher is reversed. Reversal is by cluster (a
 *    character with its combining marks, a surrogate pair), so marks stay after their base (L3).
 *
 * The string is then drawn as fontkit lays it out when told it is already in visual order (Latin
 * script, left to right, no reversal and no second shaping: `embedded-font.ts`).
 */
import bidiModule, { type Bidi } from 'bidi-js';
import { FONT_FEATURES, type FontFace } from './text.ts';

// bidi-js is a UMD module: its default export is the factory under Node, the namespace for tsc
const bidiFactory = (
  typeof bidiModule === 'function' ? bidiModule : (bidiModule as { default: () => Bidi }).default
) as () => Bidi;
const bidi = bidiFactory();

/** fontkit's `layout` with the script, language and direction arguments its typings leave out. */
type Layout = (
  text: string,
  features: unknown,
  script?: string,
  language?: string,
  direction?: Direction,
) => { glyphs: { id: number; codePoints: number[] }[] };

export type Direction = 'ltr' | 'rtl';

/** A run of Arabic letters and marks (a space or any other character ends the joining). */
const ARABIC_RUN = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]+/gu;
const STRONG_RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/u;
const COMBINING = /\p{M}/u;

/** Presentation form character of each glyph the font maps one to (per font, computed once). */
const presentationForms = new WeakMap<FontFace, Map<number, number>>();

function formsOf(face: FontFace): Map<number, number> {
  let forms = presentationForms.get(face);
  if (!forms) {
    forms = new Map();
    for (const [from, to] of [
      [0xfb50, 0xfdff],
      [0xfe70, 0xfeff],
    ] as const) {
      for (let cp = from; cp <= to; cp++) {
        if (face.has(cp)) forms.set(face.font.glyphForCodePoint(cp).id, cp);
      }
    }
    presentationForms.set(face, forms);
  }
  return forms;
}

/** Arabic letters in their contextual presentation forms, still in logical order. */
export function shapeArabic(face: FontFace, text: string): string {
  if (!/[\u0600-\u08ff]/u.test(text)) return text;
  const forms = formsOf(face);
  return text.replace(ARABIC_RUN, (run) => {
    const layout = face.font.layout.bind(face.font) as unknown as Layout;
    const { glyphs } = layout(run, FONT_FEATURES, 'arab', undefined, 'ltr');
    let out = '';
    for (const glyph of glyphs) {
      const form = forms.get(glyph.id);
      out += form !== undefined ? String.fromCodePoint(form) : String.fromCodePoint(...glyph.codePoints);
    }
    return out;
  });
}

/** The paragraph direction by rules P2–P3: that of the first strong character, else left to right. */
export function paragraphDirection(text: string): Direction {
  if (!hasRightToLeft(text)) return 'ltr';
  const { paragraphs } = bidi.getEmbeddingLevels(text);
  return paragraphs[0]?.level === 1 ? 'rtl' : 'ltr';
}

/** Whether the text needs the algorithm at all (it has a right-to-left character). */
export function hasRightToLeft(text: string): boolean {
  return STRONG_RTL.test(text);
}

/** A line of logical text (no line break) in visual order: levels, mirroring, reordering. */
export function visualOrder(text: string, direction?: Direction): string {
  if (!hasRightToLeft(text)) return text;
  const { levels } = bidi.getEmbeddingLevels(text, direction);
  const mirrored = bidi.getMirroredCharactersMap(text, levels);
  const paragraphLevel = (direction ?? paragraphDirection(text)) === 'rtl' ? 1 : 0;

  // clusters: a base character with its combining marks (a surrogate pair is one character)
  const clusters: { text: string; level: number }[] = [];
  let i = 0;
  for (const ch of text) {
    const level = levels[i]!;
    const shown = mirrored.get(i) ?? ch;
    const last = clusters.at(-1);
    if (last && COMBINING.test(ch)) last.text += shown;
    else clusters.push({ text: shown, level });
    i += ch.length;
  }
  // L1: whitespace at the end of the line goes to the paragraph level
  for (let k = clusters.length - 1; k >= 0 && /^\s+$/u.test(clusters[k]!.text); k--) {
    clusters[k]!.level = paragraphLevel;
  }
  // L2: from the highest level to the lowest odd level, reverse runs at that level or above
  const highest = Math.max(...clusters.map((c) => c.level));
  const lowestOdd = Math.min(...clusters.map((c) => (c.level % 2 === 1 ? c.level : Infinity)));
  for (let level = highest; level >= lowestOdd && level > 0; level--) {
    let k = 0;
    while (k < clusters.length) {
      if (clusters[k]!.level < level) {
        k++;
        continue;
      }
      let end = k;
      while (end + 1 < clusters.length && clusters[end + 1]!.level >= level) end++;
      const run = clusters.slice(k, end + 1).reverse();
      clusters.splice(k, run.length, ...run);
      k = end + 1;
    }
  }
  return clusters.map((c) => c.text).join('');
}

/** What the PDF draws for a line of clean logical text: shaped, then in visual order. */
export function drawable(face: FontFace, line: string, direction?: Direction): string {
  return visualOrder(shapeArabic(face, line), direction);
}
