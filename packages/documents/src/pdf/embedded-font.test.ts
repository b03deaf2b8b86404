import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pdfAssets } from './assets.ts';
import type { GlyphRun, PreparedFont } from './embedded-font.ts';
import { FONT_FEATURES } from './text.ts';

const { regular, bold } = await pdfAssets();
const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));

type Layout = (t: string, f: unknown, s: string, l: undefined, d: string) => { glyphs: { id: number }[] };

/** What pdf-lib drew: fontkit's layout, Latin script, left to right, the report's features. */
function fontkitGlyphs(font: PreparedFont, text: string): number[] {
  const layout = font.font.layout.bind(font.font) as unknown as Layout;
  return layout(text, FONT_FEATURES, 'latn', undefined, 'ltr').glyphs.map((g) => g.id);
}

function glyphs(font: PreparedFont, text: string): number[] {
  const out: GlyphRun = { ids: [], codePoints: [], several: new Map() };
  font.glyphs(text, out);
  return out.ids;
}

const corpus = [
  'Épanchement « modéré » d’œdème, ça évolue ; Où ? Ÿ Æ œ É ç — 12 mm ± 3 ‰ € ™',
  'Łódź Şişli Ğ ı İ ő Ő ž č ř ß ĳ ŉ ſ',
  // combining marks: i and j lose their dot under fontkit's ccmp
  'i\u0301 j\u0308 e\u0301 b\u0300 A\u030a l\u0323 ỉ',
  'tone letters \u02e5\u02e6\u02e7\u02e8\u02e9 \u02e9\u02e5',
  'default ignorables a\u00adb c\u200bd e\ufe0ff \u034f',
  'Arabe ﻣﺮﺣﺒﺎ ﻻ — Hébreu שלום — Grec αβγ Δ µ — Cyrillique жизнь',
  'fi fl ffi ff st ct Th',
  'Idéogramme ? et surrogate 😀 isolé',
];

describe('PreparedFont.glyphs', () => {
  for (const [name, font] of [
    ['regular', regular],
    ['bold', bold],
  ] as const) {
    it(`gives the glyphs fontkit's layout gave for every line (${name})`, () => {
      const lines = [...corpus];
      for (const file of readdirSync(examplesDir).filter((f) => f.endsWith('.json'))) {
        lines.push(
          ...JSON.stringify(JSON.parse(readFileSync(`${examplesDir}${file}`, 'utf8'))).split(/\\n|"/),
        );
      }
      for (const line of lines) expect(glyphs(font, line), line).toEqual(fontkitGlyphs(font, line));
    });

    it(`gives the glyphs fontkit's layout gave for every character of the font, alone and after i (${name})`, () => {
      for (const cp of font.font.characterSet) {
        const ch = String.fromCodePoint(cp);
        for (const text of [ch, `i${ch}`, `Ab${ch}j${ch}`]) {
          expect(glyphs(font, text), `U+${cp.toString(16)}`).toEqual(fontkitGlyphs(font, text));
        }
      }
    });
  }

  it('prepares the glyphs of French text once: a French line uses no glyph outside the prepared subset', () => {
    const ids = glyphs(regular, corpus[0]!);
    expect(ids.every((id) => regular.cidOf[id]! >= 0)).toBe(true);
    expect(glyphs(regular, 'жизнь').some((id) => regular.cidOf[id]! < 0)).toBe(true);
  });
});
