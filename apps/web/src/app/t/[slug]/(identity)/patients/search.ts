import { apiErrorInfo, type ApiClient } from '../../../../../server/api.ts';
import { handleApiError } from '../../../../../server/session.ts';
import { readInsInput } from '../../../../../lib/ins-input.ts';
import type { Patient } from '../../../../../lib/patients.ts';

/** The patient search criteria, as URL parameters (so a search can be bookmarked and shared). */
export interface SearchCriteria {
  nom: string;
  naissance: string;
  ins: string;
  ipp: string;
}

export const SEARCH_FIELDS = ['nom', 'naissance', 'ins', 'ipp'] as const;

export function criteriaFrom(params: Record<string, string | string[] | undefined>): SearchCriteria {
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
  return {
    nom: one(params.nom),
    naissance: one(params.naissance),
    ins: one(params.ins),
    ipp: one(params.ipp),
  };
}

export function hasCriteria(c: SearchCriteria): boolean {
  return SEARCH_FIELDS.some((f) => c[f] !== '');
}

export function criteriaQuery(c: SearchCriteria): string {
  const q = new URLSearchParams();
  for (const f of SEARCH_FIELDS) if (c[f]) q.set(f, c[f]);
  return q.toString();
}

export type SearchResult =
  | { patients: Patient[]; errors: Partial<Record<keyof SearchCriteria, string>>; formError: null }
  | { patients: null; errors: Partial<Record<keyof SearchCriteria, string>>; formError: string | null };

/** Runs a search; bad criteria come back as French messages next to their field. */
export async function searchPatients(api: ApiClient, c: SearchCriteria): Promise<SearchResult> {
  const errors: Partial<Record<keyof SearchCriteria, string>> = {};
  // Spaces allowed (Carte Vitale), Corsica 2A/2B, key checked.
  const typed = c.ins ? readInsInput(c.ins) : { ins: null, error: null };
  if (typed.error) errors.ins = typed.error;
  const ins = typed.ins;
  if (c.naissance && !/^\d{4}-\d{2}-\d{2}$/.test(c.naissance))
    errors.naissance = 'Date de naissance invalide.';
  if (Object.keys(errors).length > 0) return { patients: null, errors, formError: null };
  try {
    const patients = await api.identity.search.query({
      ...(c.nom ? { name: c.nom } : {}),
      ...(c.naissance ? { birthDate: c.naissance } : {}),
      ...(ins ? { ins } : {}),
      ...(c.ipp ? { ipp: c.ipp } : {}),
    });
    return { patients, errors: {}, formError: null };
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') {
      const field =
        info.field === 'birthDate'
          ? 'naissance'
          : info.field === 'ins'
            ? 'ins'
            : info.field === 'ipp'
              ? 'ipp'
              : info.field === 'name'
                ? 'nom'
                : null;
      if (field === 'nom' && !c.nom) {
        return {
          patients: null,
          errors: {},
          formError: 'Saisissez un nom, une date de naissance, un INS ou un IPP.',
        };
      }
      if (field) return { patients: null, errors: { [field]: 'Critère invalide.' }, formError: null };
      return { patients: null, errors: {}, formError: 'Critères de recherche invalides.' };
    }
    handleApiError(error);
  }
}
