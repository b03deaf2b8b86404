/**
 * Fonts and ICC profile, read once per path and kept (they are a few hundred kB), with what every
 * document embeds of them prepared once: the fonts' prepared subsets, the compressed profile.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import fontkit from '@pdf-lib/fontkit';
import { PreparedFont } from './embedded-font.ts';
import { pdfAssetPathsFromEnv, type PdfAssetPaths } from './env.ts';
import { FontFace } from './text.ts';

export interface PdfAssets {
  regular: PreparedFont;
  bold: PreparedFont;
  /** ICC v2 sRGB profile: its bytes and their FlateDecode compression. */
  icc: { bytes: Uint8Array; flate: Uint8Array };
}

const cache = new Map<string, Promise<PdfAssets>>();

async function readAsset(
  path: string,
  what: string,
  debianPackage: string,
  envName: string,
): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new Error(
      `${what} not found at ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)}): install the Debian package ${debianPackage} or set ${envName}`,
      { cause: err },
    );
  }
}

async function loadFont(dir: string, file: string) {
  const bytes = await readAsset(join(dir, file), `font ${file}`, 'fonts-dejavu-core', 'RAYON_FONT_DIR');
  return PreparedFont.prepare(new FontFace(fontkit.create(bytes)));
}

async function load(paths: PdfAssetPaths): Promise<PdfAssets> {
  const [regular, bold, icc] = await Promise.all([
    loadFont(paths.fontDir, 'DejaVuSans.ttf'),
    loadFont(paths.fontDir, 'DejaVuSans-Bold.ttf'),
    readAsset(paths.iccProfile, 'sRGB ICC profile', 'icc-profiles-free', 'RAYON_ICC_PROFILE'),
  ]);
  return { regular, bold, icc: { bytes: icc, flate: deflateSync(icc) } };
}

export function pdfAssets(paths: Partial<PdfAssetPaths> = {}): Promise<PdfAssets> {
  const resolved = { ...pdfAssetPathsFromEnv(), ...paths };
  const key = `${resolved.fontDir}\n${resolved.iccProfile}`;
  let assets = cache.get(key);
  if (!assets) {
    assets = load(resolved);
    // a failed read is not cached: installing the package fixes the next render
    assets.catch(() => cache.delete(key));
    cache.set(key, assets);
  }
  return assets;
}
