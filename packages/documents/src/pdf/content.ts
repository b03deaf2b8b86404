/**
 * A page's content stream, written as text: the few operators the report draws (text lines, rules,
 * a stroked box, filled rectangles), the same marks pdf-lib's drawText / drawLine / drawRectangle
 * made, without building an object per operator and per operand. Coordinates are rounded to
 * 1/1000 pt (pdf-lib wrote 473.9799999999999).
 */
import { deflateSync } from 'node:zlib';
import { PDFName, PDFRawStream, type PDFContext, type PDFPage } from 'pdf-lib';

export type Rgb = readonly [number, number, number];

/** A number as the content stream writes it: at most three decimals, no exponent. */
export function num(n: number): string {
  const r = Math.round(n * 1000) / 1000;
  return r === 0 ? '0' : String(r);
}

const color = ([r, g, b]: Rgb) => `${num(r)} ${num(g)} ${num(b)}`;

export class PageContent {
  private out = '';
  /** Resource name of each font the page uses, by the font's reference. */
  private readonly fonts = new Map<string, ReturnType<PDFContext['nextRef']>>();

  /** One line of text: `hex` is the string of its CIDs in the font `fontName`. */
  text(
    fontName: string,
    fontRef: ReturnType<PDFContext['nextRef']>,
    size: number,
    fill: Rgb,
    x: number,
    y: number,
    hex: string,
  ): void {
    this.fonts.set(fontName, fontRef);
    this.out += `BT\n${color(fill)} rg\n/${fontName} ${num(size)} Tf\n1 0 0 1 ${num(x)} ${num(y)} Tm\n<${hex}> Tj\nET\n`;
  }

  line(x1: number, y1: number, x2: number, y2: number, thickness: number, stroke: Rgb): void {
    this.out += `q\n${color(stroke)} RG\n${num(thickness)} w\n[] 0 d\n${num(x1)} ${num(y1)} m\n${num(x2)} ${num(y2)} l\nS\nQ\n`;
  }

  strokeRectangle(x: number, y: number, width: number, height: number, thickness: number, stroke: Rgb): void {
    this.out += `q\n${color(stroke)} RG\n${num(thickness)} w\n[] 0 d\n${num(x)} ${num(y)} ${num(width)} ${num(height)} re\nS\nQ\n`;
  }

  /** Rectangles [x, y, width, height] filled in one colour (one path, one fill). */
  fillRectangles(rectangles: [number, number, number, number][], fill: Rgb): void {
    let path = '';
    for (const [x, y, w, h] of rectangles) path += `${num(x)} ${num(y)} ${num(w)} ${num(h)} re\n`;
    this.out += `q\n${color(fill)} rg\n${path}f\nQ\n`;
  }

  /** Gives the page its content stream (compressed) and its font resources. */
  writeTo(page: PDFPage, context: PDFContext): void {
    const stream = PDFRawStream.of(
      context.obj({ Filter: 'FlateDecode' }),
      deflateSync(Buffer.from(this.out, 'latin1')),
    );
    page.node.set(PDFName.of('Contents'), context.register(stream));
    for (const [name, ref] of this.fonts) page.node.setFontDictionary(PDFName.of(name), ref);
  }
}
