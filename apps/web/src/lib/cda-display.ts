/**
 * The CDA viewer's French: the header data the API reads from a CDA R2 (`reporting.readDocument`,
 * `reporting.readReceivedCda`) written as people read it, and the refusals of a document that
 * cannot be read, by their reason key.
 */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@rayon/api';
import { formatParisDateTime, MAX_CDA_BYTES } from '@rayon/domain';
import type { ApiErrorInfo } from '../server/api.ts';
import { frenchReason, reasonText } from './api-messages.ts';

export type CdaHeader = inferRouterOutputs<AppRouter>['reporting']['readDocument']['header'];
export type CdaPerson = NonNullable<CdaHeader['author']>;
type InstanceId = NonNullable<CdaHeader['id']>;
type Coded = NonNullable<CdaHeader['code']>;

/** The RPPS national id OID: extension = « 8 » + RPPS, or « 0 » + ADELI. */
const RPPS_OID = '1.2.250.1.71.4.2.1';

/**
 * An HL7 TS in French: 19790328 → 28/03/1979; 20210108111700+0100 → 08/01/2021 11:17 (Paris
 * time when the offset is given, the time as written otherwise).
 */
export function formatHl7Time(value: string | null | undefined): string {
  if (!value) return '—';
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$/.exec(value);
  if (!m) return value;
  const [, y, mo, d, h, mi, s, tz] = m;
  if (!mo) return y!;
  if (!d) return `${mo}/${y}`;
  if (!h) return `${d}/${mo}/${y}`;
  if (tz) {
    const sign = tz.startsWith('-') ? -1 : 1;
    const offset = sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3, 5)));
    const utc = Date.UTC(+y!, +mo - 1, +d, +h, +(mi ?? 0), +(s ?? 0)) - offset * 60_000;
    if (!Number.isNaN(utc)) return formatParisDateTime(new Date(utc));
  }
  return `${d}/${mo}/${y} ${h}:${mi ?? '00'}`;
}

/**
 * A professional's identifier as people read it: « RPPS … » (IdNat_PS 8 + RPPS), « ADELI … »
 * (0 + ADELI), another id as it is, « sans identifiant » for one known by name only.
 */
export function professionalIdText(p: Pick<CdaPerson, 'id' | 'rpps'>): string {
  if (p.rpps) return `RPPS ${p.rpps}`;
  const adeli = p.id?.root === RPPS_OID && /^0((\d{2}|2[AB])\d{7})$/.exec(p.id.extension ?? '')?.[1];
  if (adeli) return `ADELI ${adeli}`;
  return p.id ? formatInstanceId(p.id) : 'sans identifiant';
}

/** An instance id as « extension (root) » (or the root alone). */
export function formatInstanceId(id: InstanceId | null | undefined): string {
  if (!id) return '—';
  return id.extension ? `${id.extension} (${id.root})` : id.root;
}

/** A code as « displayName (code, system) ». */
export function formatCoded(c: Coded | null | undefined): string {
  if (!c) return '—';
  const system = c.codeSystemName ?? null;
  const detail = [c.code, system].filter(Boolean).join(', ');
  return c.displayName ? (detail ? `${c.displayName} (${detail})` : c.displayName) : detail || '—';
}

/** A file over the reader's limit (MAX_CDA_BYTES), refused by the portal before sending or by the API. */
export const CDA_TOO_LARGE = reasonText('documents.cda.too_large', { maxBytes: MAX_CDA_BYTES });

/** Why a CDA cannot be shown, in French: a `documents.cda.*` refusal of the API, else undefined. */
export function cdaRefusal(info: Pick<ApiErrorInfo, 'reason' | 'params'> | undefined): string | undefined {
  return info?.reason?.startsWith('documents.cda.') ? frenchReason(info.reason, info.params) : undefined;
}
