/**
 * HL7 routes in the portal: the senders typed one per line, sizes in Kio / Mio, and the French
 * words for the API's refusals (matched on the field the API names, never on its English text).
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

/** The French sentence for a refusal of `apiField` (BAD_INPUT or CONFLICT). */
export function routeFieldError(apiField: string, conflict: boolean): string {
  const index = /\[(\d+)\]$/.exec(apiField);
  const line = index ? ` (ligne ${Number(index[1]) + 1})` : '';
  switch (routeFieldOf(apiField)) {
    case 'allowedSources':
      return `Adresse ou plage invalide${line} : une adresse IP (192.0.2.10) ou une plage CIDR (192.0.2.0/24, 2001:db8::/32).`;
    case 'clientCertFingerprints':
      return index
        ? `Empreinte invalide${line} : 64 chiffres hexadécimaux SHA-256, deux-points permis.`
        : 'Les certificats clients sont vérifiés sur le port TLS partagé (MSH-5 / MSH-6) : un port dédié reçoit le MLLP sans TLS.';
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
