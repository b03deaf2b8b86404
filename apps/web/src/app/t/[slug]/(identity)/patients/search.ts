import { searchInput } from '@rayon/schemas/identity';
import { apiErrorInfo, type ApiClient } from '../../../../../server/api.ts';
import { handleApiError } from '../../../../../server/session.ts';
import { given, parseForm } from '../../../../../lib/forms.ts';
import type { Patient } from '../../../../../lib/patients.ts';

/** The patient search criteria, as URL parameters (so a search can be bookmarked and shared). */
export interface SearchCriteria {
  nom: string;
  naissance: string;
  ins: string;
  ipp: string;
}

export const SEARCH_FIELDS = ['nom', 'naissance', 'ins', 'ipp'] as const;

/** The search schema's paths → the criteria's URL parameters. */
const SEARCH_PATHS: Readonly<Record<string, keyof SearchCriteria>> = {
  name: 'nom',
  birthDate: 'naissance',
  ins: 'ins',
  ipp: 'ipp',
};

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
  // The matricule INS: spaces allowed (Carte Vitale), Corsica 2A/2B, key checked by the schema.
  const input = parseForm(
    searchInput,
    { name: given(c.nom), birthDate: given(c.naissance), ins: given(c.ins), ipp: given(c.ipp) },
    SEARCH_PATHS,
  );
  if (!input.ok) return { patients: null, errors: input.errors, formError: null };
  try {
    const patients = await api.identity.search.query(input.data);
    return { patients, errors: {}, formError: null };
  } catch (error) {
    const info = apiErrorInfo(error);
    if (info?.appCode === 'BAD_INPUT' || info?.code === 'BAD_REQUEST') {
      const field = info.field ? SEARCH_PATHS[info.field] : undefined;
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
