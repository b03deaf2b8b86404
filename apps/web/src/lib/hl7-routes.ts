/**
 * HL7 routes in the portal: sizes in Kio / Mio, and the French words for the API's refusals
 * (matched on the field the API names, never on its English text).
 */

/** 1048576 → « 1 Mio », 65536 → « 64 Kio », 1500 → « 1 500 octets ». */
export function formatBytes(bytes: number): string {
  const n = (v: number) => v.toLocaleString('fr-FR', { maximumFractionDigits: 1 });
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${n(bytes / (1024 * 1024))} Mio`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${n(bytes / 1024)} Kio`;
  return `${n(bytes)} octets`;
}

export type RouteField =
  | 'receivingApplication'
  | 'receivingFacility'
  | 'allowedSources'
  | 'clientCertFingerprints'
  | 'maxMessageKib';

/** The form field an API field path (e.g. `allowedSources[2]`) belongs to. */
export function routeFieldOf(apiField: string | null): RouteField | null {
  if (!apiField) return null;
  const base = apiField.replace(/\[\d+\]$/, '');
  if (base === 'maxMessageBytes') return 'maxMessageKib';
  if (
    base === 'receivingApplication' ||
    base === 'receivingFacility' ||
    base === 'allowedSources' ||
    base === 'clientCertFingerprints'
  ) {
    return base;
  }
  return null;
}

/**
 * The French sentence for a refusal of `apiField` (BAD_INPUT or CONFLICT) that only the API can
 * decide (the form's own rules are the shared schema's): the platform's limits, a taken MSH-5 /
 * MSH-6 pair, certificates on a dedicated port.
 */
export function routeFieldError(apiField: string, conflict: boolean): string {
  switch (routeFieldOf(apiField)) {
    case 'clientCertFingerprints':
      return 'Les certificats clients sont vérifiés sur le port TLS partagé (MSH-5 / MSH-6) : un port dédié reçoit le MLLP sans TLS.';
    case 'maxMessageKib':
      return 'Taille hors des limites permises par la plateforme.';
    case 'receivingApplication':
    case 'receivingFacility':
      return conflict
        ? 'Ce couple MSH-5 / MSH-6 est déjà routé (par cet établissement ou un autre).'
        : 'Obligatoire sur le port partagé.';
    default:
      return 'Valeur invalide.';
  }
}
