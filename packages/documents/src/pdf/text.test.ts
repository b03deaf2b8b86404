import { describe, expect, it } from 'vitest';
import { pdfAssets } from './assets.ts';
import { pdfAssetPathsFromEnv } from './env.ts';

const { regular } = await pdfAssets();
const face = regular.face;

describe('FontFace.clean', () => {
  it('keeps French as it is', () => {
    const french = 'Épanchement « modéré » d’œdème, ça évolue ; Où ? Ÿ Æ œ É ç';
    expect(face.clean(french)).toBe(french);
  });

  it('composes decomposed accents (NFC)', () => {
    expect(face.clean('E\u0301panchement')).toBe('Épanchement');
  });

  it('removes control and format characters, keeps line breaks only when asked', () => {
    const dirty = 'a\u0000b\u0007c\u001bd\u007fe\u200ef\u202eg\ufeffh\u00adi\r\nj\tk\u2028l';
    expect(face.clean(dirty, { keepNewlines: true })).toBe('abcdefghi\nj k\nl');
    expect(face.clean(dirty)).toBe('abcdefghi j k l');
  });

  it('turns characters without a glyph and lone surrogates into ?', () => {
    expect(face.clean('x漢y\ud800z\u{10FFFD}')).toBe('x?y?z?');
  });

  it('keeps markup-like text, Arabic and Hebrew', () => {
    expect(face.clean('<b> & ]]> مرحبا שלום')).toBe('<b> & ]]> مرحبا שלום');
  });
});

describe('FontFace.wrap', () => {
  it('fills lines up to the width and never exceeds it', () => {
    const text =
      'fissure horizontale de la corne postérieure du ménisque médial atteignant la surface articulaire';
    const lines = face.wrap(text, 10, 150);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.join(' ')).toBe(text);
    for (const l of lines) expect(face.width(l, 10)).toBeLessThanOrEqual(150);
  });

  it('cuts a word longer than the line between characters', () => {
    const word = 'x'.repeat(500);
    const lines = face.wrap(`avant ${word} après`, 10, 100);
    expect(lines[0]).toBe('avant');
    expect(lines.join('').replace(/ /g, '')).toBe(`avant${word}après`);
    expect(lines.slice(1, -1).every((l) => /^x+$/.test(l))).toBe(true);
    for (const l of lines) expect(face.width(l, 10)).toBeLessThanOrEqual(100);
  });

  it('collapses runs of spaces and gives no line for blank text', () => {
    expect(face.wrap('a    b', 10, 500)).toEqual(['a b']);
    expect(face.wrap('   ', 10, 500)).toEqual([]);
  });
});

describe('pdf assets', () => {
  it('reads its paths from RAYON_FONT_DIR and RAYON_ICC_PROFILE, Debian paths otherwise', () => {
    expect(pdfAssetPathsFromEnv({})).toEqual({
      fontDir: '/usr/share/fonts/truetype/dejavu',
      iccProfile: '/usr/share/color/icc/sRGB.icc',
    });
    expect(pdfAssetPathsFromEnv({ RAYON_FONT_DIR: '/f', RAYON_ICC_PROFILE: '/p.icc' })).toEqual({
      fontDir: '/f',
      iccProfile: '/p.icc',
    });
  });

  it('says which Debian package to install when a file is missing', async () => {
    await expect(pdfAssets({ fontDir: '/nonexistent' })).rejects.toThrow(/fonts-dejavu-core.*RAYON_FONT_DIR/);
    await expect(pdfAssets({ iccProfile: '/nonexistent.icc' })).rejects.toThrow(/icc-profiles-free/);
  });
});
