import type { FaultTrigger, SimulatedIdentity, SimulatedTiq } from './identities.ts';

/**
 * How the simulator matches a query. The real service's matching (phonetics, tolerance) is not
 * public; these rules are ours, simple and predictable, and reproduce the official cases:
 * - names compared in upper case without diacritics and with single spaces;
 * - birth family name, sex: equal;
 * - birth date: year, month and day each equal, `00` on either side matching anything (DateLunaire);
 * - each queried Prenom: one of the identity's forenames (ListePrenom split on spaces) or the
 *   whole list (TCHITCHI: CATARINA → 00, OLA → 01; TLSI-INS sends the whole list as last try);
 * - birth place, when given: equal.
 * One identity → 00; none → 01; several → 02.
 */
export interface TraitsCriteria {
  birthName: string;
  forenames: string[];
  sex: string;
  birthDate: string;
  birthPlace?: string;
}

export interface VitaleCriteria {
  /** MatriculeIndividu, else MatriculeOD: NumIdentifiant + Cle. */
  matricule: string;
  birthName?: string;
  birthDate?: string;
}

export function normaliseName(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase().replace(/\s+/g, ' ').trim();
}

export function datesMatch(a: string, b: string): boolean {
  const pa = a.split('-');
  const pb = b.split('-');
  if (pa.length !== 3 || pb.length !== 3) return false;
  return pa.every((part, i) => part === pb[i] || (i > 0 && (part === '00' || pb[i] === '00')));
}

type MatchableTiq = Pick<SimulatedTiq, 'NomNaissance' | 'ListePrenom' | 'Sexe' | 'DateNaissance'> & {
  LieuNaissance?: string;
};

function traitsMatch(tiq: MatchableTiq, q: TraitsCriteria): boolean {
  if (normaliseName(q.birthName) !== tiq.NomNaissance) return false;
  if (q.sex !== tiq.Sexe) return false;
  if (!datesMatch(q.birthDate, tiq.DateNaissance)) return false;
  if (q.birthPlace !== undefined && q.birthPlace.toUpperCase() !== tiq.LieuNaissance) return false;
  const list = tiq.ListePrenom;
  const names = list.split(' ');
  return q.forenames.every((f) => {
    const n = normaliseName(f);
    return n === list || names.includes(n);
  });
}

export function findByTraits(
  identities: readonly SimulatedIdentity[],
  q: TraitsCriteria,
): SimulatedIdentity[] {
  return identities.filter((identity) => traitsMatch(identity.tiq, q));
}

export function findFault(triggers: readonly FaultTrigger[], q: TraitsCriteria): FaultTrigger | undefined {
  return triggers.find((t) => traitsMatch(t.tiq, { ...q, birthPlace: undefined }));
}

export function findByVitale(
  identities: readonly SimulatedIdentity[],
  q: VitaleCriteria,
): SimulatedIdentity[] {
  return identities.filter((identity) => {
    const known = [identity.active, ...identity.history].map((ins) => ins.number + ins.key);
    if (!known.includes(q.matricule.toUpperCase())) return false;
    if (q.birthDate !== undefined && !datesMatch(q.birthDate, identity.tiq.DateNaissance)) return false;
    if (q.birthName !== undefined && normaliseName(q.birthName) !== identity.tiq.NomNaissance) return false;
    return true;
  });
}
