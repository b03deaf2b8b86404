import { describe, expect, it } from 'vitest';
import { pdfAssets } from './assets.ts';
import { paragraphDirection, shapeArabic, visualOrder } from './bidi.ts';

const { regular } = await pdfAssets();

describe('visualOrder (UAX #9, rules L1–L4)', () => {
  it('leaves left-to-right text alone', () => {
    expect(visualOrder('Épanchement de 12 mm, « modéré ».')).toBe('Épanchement de 12 mm, « modéré ».');
  });

  it('reverses a right-to-left run inside a left-to-right line, numbers keep their digits', () => {
    expect(visualOrder('Mesure 12 mm שלום עולם fin')).toBe('Mesure 12 mm םלוע םולש fin');
    expect(visualOrder('שלום 12 mm')).toBe('mm 12 םולש');
    expect(visualOrder('בדיקה 7,5 cm')).toBe('cm 7,5 הקידב');
  });

  it('mirrors brackets in right-to-left runs', () => {
    expect(visualOrder('שלום (ימין)')).toBe('(ןימי) םולש');
  });

  it('keeps combining marks after their base and surrogate pairs whole', () => {
    // shin with dagesh (U+05BC) and a point (U+05C1): the marks follow the shin on the page
    expect(visualOrder('שּׁלום')).toBe('םולשּׁ');
    expect(visualOrder('שלום 😀 fin', 'ltr')).toBe('םולש 😀 fin');
  });

  it('takes the paragraph direction from the first strong character (P2–P3)', () => {
    expect(paragraphDirection('12 שלום mm')).toBe('rtl');
    expect(paragraphDirection('12 mm שלום')).toBe('ltr');
    expect(paragraphDirection('12 34')).toBe('ltr');
  });
});

describe('shapeArabic', () => {
  it('gives each letter its contextual form, lam-alef its ligature, leaves the rest', () => {
    // meem initial, reh final, hah initial, beh medial, alef final
    expect(shapeArabic(regular.face, 'مرحبا 12 mm')).toBe('\ufee3\ufeae\ufea3\ufe92\ufe8e 12 mm');
    expect(shapeArabic(regular.face, 'لا')).toBe('\ufefb');
    expect(shapeArabic(regular.face, 'Épanchement שלום')).toBe('Épanchement שלום');
    expect(shapeArabic(regular.face, 'مرحبا').normalize('NFKC')).toBe('مرحبا');
  });
});
