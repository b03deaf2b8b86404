/**
 * Text as the PDF can show it: cleaned for one font (control characters out, characters the font
 * lacks become '?'), measured with the font's advance widths, and wrapped into lines.
 */
import type { Font } from '@pdf-lib/fontkit';

/**
 * OpenType features left off when pdf-lib lays text out: ligatures (a ﬁ glyph would not extract
 * back as "fi" everywhere) and kerning (pdf-lib draws glyphs at their advance width anyway).
 * Shaping features of Arabic and Hebrew (init, medi, fina, rlig…) stay on.
 */
export const FONT_FEATURES = { liga: false, clig: false, dlig: false, hlig: false, calt: false, kern: false };

const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;
const SPACE_SEPARATOR = /\p{Zs}/u;
const LONE_SURROGATE = /[\p{Cs}]/u;

export class FontFace {
  private readonly scale: number;
  private readonly advances = new Map<number, number>();
  private readonly known = new Map<number, boolean>();

  readonly font: Font;

  constructor(font: Font) {
    this.font = font;
    this.scale = 1000 / font.unitsPerEm;
  }

  has(codePoint: number): boolean {
    let known = this.known.get(codePoint);
    if (known === undefined) {
      known = this.font.hasGlyphForCodePoint(codePoint);
      this.known.set(codePoint, known);
    }
    return known;
  }

  /** Advance of one character, in thousandths of the font size. */
  private advance(codePoint: number): number {
    let advance = this.advances.get(codePoint);
    if (advance === undefined) {
      advance = this.font.glyphForCodePoint(codePoint).advanceWidth * this.scale;
      this.advances.set(codePoint, advance);
    }
    return advance;
  }

  width(text: string, size: number): number {
    let total = 0;
    for (let i = 0; i < text.length; i++) {
      const cp = text.codePointAt(i)!;
      if (cp > 0xffff) i++;
      total += this.advance(cp);
    }
    return (total * size) / 1000;
  }

  /**
   * The text this font can draw: NFC; CR LF, CR, LS and PS become LF (kept only with
   * `keepNewlines`, a space otherwise); tabs become spaces; other control and format characters
   * (bidi marks, zero-width joiners, BOM…) are removed; lone surrogates and characters without a
   * glyph become '?' (a space separator without a glyph becomes a space).
   */
  clean(text: string, o: { keepNewlines?: boolean } = {}): string {
    const normalised = text.normalize('NFC').replace(/\r\n?|[\u2028\u2029]/g, '\n');
    let out = '';
    for (const ch of normalised) {
      if (ch === '\n') {
        out += o.keepNewlines ? '\n' : ' ';
        continue;
      }
      if (ch === '\t') {
        out += ' ';
        continue;
      }
      if (CONTROL_OR_FORMAT.test(ch)) continue;
      if (LONE_SURROGATE.test(ch)) {
        out += '?';
        continue;
      }
      if (this.has(ch.codePointAt(0)!)) out += ch;
      else out += SPACE_SEPARATOR.test(ch) ? ' ' : '?';
    }
    return out;
  }

  /**
   * Greedy word wrap of one line of clean text (no LF) into lines at most `maxWidth` wide; a word
   * wider than a line is cut between characters. Runs of spaces collapse. Empty text: no line.
   */
  wrap(text: string, size: number, maxWidth: number): string[] {
    const lines: string[] = [];
    const spaceWidth = this.width(' ', size);
    let line = '';
    let lineWidth = 0;
    for (const word of text.split(' ')) {
      if (!word) continue;
      const wordWidth = this.width(word, size);
      if (line && lineWidth + spaceWidth + wordWidth <= maxWidth) {
        line += ` ${word}`;
        lineWidth += spaceWidth + wordWidth;
        continue;
      }
      if (line) lines.push(line);
      if (wordWidth <= maxWidth) {
        line = word;
        lineWidth = wordWidth;
        continue;
      }
      // a word longer than the line: cut it between characters
      line = '';
      lineWidth = 0;
      for (const ch of word) {
        const w = this.width(ch, size);
        if (line && lineWidth + w > maxWidth) {
          lines.push(line);
          line = '';
          lineWidth = 0;
        }
        line += ch;
        lineWidth += w;
      }
    }
    if (line) lines.push(line);
    return lines;
  }
}
