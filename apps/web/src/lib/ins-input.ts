import { checkMatricule } from '@rayon/domain';

/**
 * A matricule INS typed at the desk (often read from a Carte Vitale or a document, with spaces:
 * 1 85 03 63 220 123 45; Corsica: 1 86 02 2A 215 325 23): normalised, or the French reason it is
 * not one. The domain's check (format, Corsican 2A/2B at positions 6-7, key) is the one rule.
 */
export function readInsInput(raw: string): { ins: string; error: null } | { ins: null; error: string } {
  const check = checkMatricule(raw);
  if (check.valid) return { ins: check.matricule, error: null };
  const error = {
    length: 'Le matricule INS compte 15 caractères (NIR ou NIA avec sa clé).',
    format:
      'Ce n’est pas un matricule INS : sexe 1, 2, 3, 4, 7 ou 8, mois, département (2A ou 2B pour la Corse).',
    key: 'La clé du matricule INS ne correspond pas : vérifiez la saisie.',
  }[check.reason];
  return { ins: null, error };
}
