import { normaliseFingerprint, parseAeTitle, parseCidr } from '@rayon/domain';
import { z } from 'zod';

/**
 * Lists a person types one entry per line in a form (addresses, AE titles, certificate
 * fingerprints), read into the array the API takes. Each entry is checked by the domain's own rule
 * and a wrong one is refused in French naming its line.
 */

/** The entries of a text: lines (commas, semicolons and spaces also separate), empty ones dropped. */
export function parseLines(text: string): string[] {
  return text
    .split(/[\n,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The French refusal of a list's entry, by the line it is on (1 for the first). */
export const ENTRY_REFUSALS = {
  aeTitle: (line: number) =>
    `Titre AE invalide (ligne ${line}) : 1 à 16 caractères (lettres, chiffres, _ -), sans accent ni « \\ ».`,
  source: (line: number) =>
    `Adresse ou plage invalide (ligne ${line}) : une adresse IP (192.0.2.10) ou une plage CIDR (192.0.2.0/24, 2001:db8::/32).`,
  fingerprint: (line: number) =>
    `Empreinte invalide (ligne ${line}) : 64 chiffres hexadécimaux (SHA-256), deux-points permis.`,
} as const;

export type EntryKind = keyof typeof ENTRY_REFUSALS;

/** The domain's rule of each kind of entry (it throws an AppError when the entry breaks it). */
const RULES: Record<EntryKind, (entry: string) => unknown> = {
  aeTitle: parseAeTitle,
  source: parseCidr,
  fingerprint: normaliseFingerprint,
};

function follows(rule: (entry: string) => unknown, entry: string): boolean {
  try {
    rule(entry);
    return true;
  } catch {
    return false;
  }
}

/** A form's text of `kind` entries, one per line, read into their list; the first wrong line is refused. */
export function linesOf(kind: EntryKind) {
  return z.string().transform((text, ctx) => {
    const entries = parseLines(text);
    const wrong = entries.findIndex((entry) => !follows(RULES[kind], entry));
    if (wrong >= 0) ctx.addIssue({ code: 'custom', message: ENTRY_REFUSALS[kind](wrong + 1) });
    return entries;
  });
}
