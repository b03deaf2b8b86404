/**
 * Where the PDF renderer finds its fonts and colour profile. Debian paths by default
 * (fonts-dejavu-core, icc-profiles-free); RAYON_FONT_DIR and RAYON_ICC_PROFILE override them.
 */
import { z } from 'zod';

const pdfEnv = z.object({
  RAYON_FONT_DIR: z.string().min(1).default('/usr/share/fonts/truetype/dejavu'),
  RAYON_ICC_PROFILE: z.string().min(1).default('/usr/share/color/icc/sRGB.icc'),
});

export interface PdfAssetPaths {
  /** Folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf. */
  fontDir: string;
  /** An ICC v2 sRGB profile (the PDF/A output intent). */
  iccProfile: string;
}

export function pdfAssetPathsFromEnv(env: NodeJS.ProcessEnv = process.env): PdfAssetPaths {
  const parsed = pdfEnv.parse(env);
  return { fontDir: parsed.RAYON_FONT_DIR, iccProfile: parsed.RAYON_ICC_PROFILE };
}
