import {
  EXAM_STATUS_LABELS,
  EXAM_STATUSES,
  formatParisTime,
  isOneOf,
  type IsoWeekday,
  MODALITY_TYPES,
  type ModalityType,
  parisDate,
} from '@rayon/domain';
import type { ApiClient } from '../server/api.ts';

/** What the API answers (the portal's vocabulary for the scheduling area). */
export type Schedule = Awaited<ReturnType<ApiClient['scheduling']['day']['query']>>;
export type ScheduleModality = Schedule['modalities'][number];
export type ScheduleEntry = ScheduleModality['days'][number]['appointments'][number];
export type OrderToSchedule = Awaited<
  ReturnType<ApiClient['scheduling']['orders']['toSchedule']['query']>
>[number];
export type Availability = Awaited<ReturnType<ApiClient['scheduling']['availability']['query']>>;
export type PatientDisplay = ScheduleEntry['patient'];

// ----------------------------------------------------------------------------------- labels

export function examStatusLabel(status: string): string {
  return isOneOf(EXAM_STATUSES, status) ? EXAM_STATUS_LABELS[status] : status;
}

export const MODALITY_TYPE_LABELS: Record<ModalityType, string> = {
  CR: 'Radiographie (CR)',
  DX: 'Radiographie numérique (DX)',
  MG: 'Mammographie (MG)',
  CT: 'Scanner (CT)',
  MR: 'IRM (MR)',
  US: 'Échographie (US)',
  NM: 'Médecine nucléaire (NM)',
  PT: 'TEP (PT)',
};

export function modalityTypeLabel(type: string): string {
  return isOneOf(MODALITY_TYPES, type) ? MODALITY_TYPE_LABELS[type] : type;
}

export const URGENCY_LABELS: Record<string, string> = { routine: 'Non urgent', urgent: 'Urgent' };

export function urgencyLabel(urgency: string): string {
  return URGENCY_LABELS[urgency] ?? urgency;
}

const ORDER_SOURCE_LABELS: Record<string, string> = {
  desk: 'Accueil',
  api: 'API',
  hl7: 'HL7',
};

export function orderSourceLabel(source: string): string {
  return ORDER_SOURCE_LABELS[source] ?? source;
}

// ------------------------------------------------------------------------- dates and times

const longDayFormat = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const shortDayFormat = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  timeZone: 'UTC',
});

/** 08:15 (Paris) of an ISO instant. */
export function formatTime(iso: string): string {
  return formatParisTime(new Date(iso));
}

/** 08:00–08:15 */
export function formatTimeRange(start: string, end: string): string {
  return `${formatTime(start)}–${formatTime(end)}`;
}

const capitalized = (text: string) => text.charAt(0).toLocaleUpperCase('fr-FR') + text.slice(1);

/** « Lundi 14 janvier 2030 » for a calendar date `YYYY-MM-DD`. */
export function formatLongDate(date: string): string {
  return capitalized(longDayFormat.format(new Date(`${date}T12:00:00Z`)));
}

/** « lun. 14 janv. » (« Lun. 14 janv. » as a heading). */
export function formatShortDate(date: string, o: { heading?: boolean } = {}): string {
  const text = shortDayFormat.format(new Date(`${date}T12:00:00Z`));
  return o.heading ? capitalized(text) : text;
}

/** Today's calendar date of the practices (Europe/Paris). */
export function today(): string {
  return parisDate(new Date());
}

/** A `YYYY-MM-DD` URL parameter, or today's date when it is missing or malformed. */
export function dateParam(value: string | string[] | undefined): string {
  const v = Array.isArray(value) ? value[0] : value;
  return v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T12:00:00Z`)) ? v : today();
}

export function oneParam(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

// --------------------------------------------------------------------------------- patients

/** NOM DE NAISSANCE Premier prénom (RNIV: the birth name first), as the desk reads it. */
export function patientDisplayName(
  p: Pick<PatientDisplay, 'birthFamilyName' | 'firstBirthForename'>,
): string {
  return `${p.birthFamilyName.toLocaleUpperCase('fr-FR')} ${p.firstBirthForename}`;
}

/** « nom utilisé : MARCHAND », when the patient uses another name. */
export function usedNameNote(p: Pick<PatientDisplay, 'usedFamilyName' | 'usedForename'>): string | null {
  const used = [p.usedFamilyName?.toLocaleUpperCase('fr-FR'), p.usedForename].filter(Boolean).join(' ');
  return used ? `nom utilisé : ${used}` : null;
}

// ------------------------------------------------------------------------------------ paths

const practice = (slug: string) => `/t/${encodeURIComponent(slug)}`;

export function deskPath(slug: string, date?: string): string {
  return `${practice(slug)}/accueil${date ? `?date=${date}` : ''}`;
}

export function demandesPath(slug: string): string {
  return `${practice(slug)}/demandes`;
}

export function demandePath(slug: string, orderId: string, params: Record<string, string> = {}): string {
  const q = new URLSearchParams(params).toString();
  return `${practice(slug)}/demandes/${encodeURIComponent(orderId)}${q ? `?${q}` : ''}`;
}

export function newDemandePath(slug: string, patientId?: string): string {
  return `${practice(slug)}/demandes/nouvelle${patientId ? `?patient=${encodeURIComponent(patientId)}` : ''}`;
}

export function planningPath(slug: string, params: { modalite?: string; date?: string } = {}): string {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v) as [string, string][]).toString();
  return `${practice(slug)}/planning${q ? `?${q}` : ''}`;
}

export function worklistPath(slug: string, params: { modalite?: string; date?: string } = {}): string {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v) as [string, string][]).toString();
  return `${practice(slug)}/liste-de-travail${q ? `?${q}` : ''}`;
}

export function configurationPath(slug: string): string {
  return `${practice(slug)}/configuration`;
}

/** « RPPS 10003456789 », « ADELI 751234567 », both, or « Nom seul ». */
export function referrerIdText(r: { rpps: string | null; adeli: string | null }): string {
  const ids = [r.rpps && `RPPS ${r.rpps}`, r.adeli && `ADELI ${r.adeli}`].filter(Boolean);
  return ids.length > 0 ? ids.join(' · ') : 'Nom seul';
}

/** The page where a referrer's details are edited. */
export function referrerPath(slug: string, id: string): string {
  return `${configurationPath(slug)}/prescripteurs/${id}`;
}

// ---------------------------------------------------------------------------- opening hours

export type OpeningHoursValue = Partial<Record<IsoWeekday, [string, string][]>>;

/** « 08:00–12:00, 13:30–18:00 » */
export function formatIntervals(intervals: readonly (readonly [string, string])[] | undefined): string {
  return intervals && intervals.length > 0 ? intervals.map(([a, b]) => `${a}–${b}`).join(', ') : 'Fermé';
}

/** The text of a day's intervals for the form: « 08:00-12:00, 13:30-18:00 ». */
export function openingHoursText(intervals: readonly (readonly [string, string])[] | undefined): string {
  return (intervals ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
}
