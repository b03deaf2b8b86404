/** How the report prints dates, people and codes (French, Paris wall-clock time). */
import { formatParisDateAtTime } from '@rayon/domain';
import type { ReportDocument } from '../input.ts';

type Patient = ReportDocument['patient'];

export const IDENTITY_STATUS_LABELS: Record<Patient['identityStatus'], string> = {
  provisoire: 'Identité provisoire',
  recuperee: 'Identité récupérée',
  validee: 'Identité validée',
  qualifiee: 'Identité qualifiée',
};

export const SEX_LABELS: Record<Patient['sex'], string> = { F: 'Féminin', M: 'Masculin', U: 'Indéterminé' };

export const MODALITY_LABELS: Record<ReportDocument['exams'][number]['modality'], string> = {
  CR: 'Radiographie numérisée',
  DX: 'Radiographie',
  MG: 'Mammographie',
  CT: 'Scanner',
  MR: 'IRM',
  US: 'Échographie',
  NM: 'Médecine nucléaire',
  PT: 'TEP',
  RF: 'Radioscopie',
  XA: 'Angiographie',
};

/** `2026-11-22T10:05:00+01:00` → `22/11/2026 à 10:05` (Paris time). */
export function formatDateTime(instant: string): string {
  return formatParisDateAtTime(new Date(instant));
}

/** `1979-03-28` → `28/03/1979`. */
export function formatDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${day}/${month}/${year}`;
}

const TITLES: Record<string, string> = { DR: 'Dr', PR: 'Pr' };
const CIVILITIES: Record<string, string> = { M: 'M.', MME: 'Mme', MLLE: 'Mlle' };

/** `Dr Sophie MARTIN`: the title (DR, PR) when there is one, else the civility. */
export function professionalName(p: {
  familyName: string;
  givenName?: string | undefined;
  prefix?: string | undefined;
  suffix?: string | undefined;
}): string {
  const suffix = p.suffix?.toUpperCase();
  const prefix = p.prefix?.toUpperCase();
  const honorific =
    (suffix && TITLES[suffix]) ?? (prefix && CIVILITIES[prefix]) ?? p.suffix ?? p.prefix ?? undefined;
  return [honorific, p.givenName, p.familyName].filter(Boolean).join(' ');
}

/** The patient as the footer of every page names them: birth name, first birth forename, birth date. */
export function patientShortName(p: Patient): string {
  const born = p.sex === 'F' ? 'née' : p.sex === 'M' ? 'né' : 'né(e)';
  const used = p.usedFamilyName ? ` (${p.usedFamilyName})` : '';
  return `${p.birthFamilyName}${used} ${p.firstBirthForename}, ${born} le ${formatDate(p.birthDate)}`;
}
