/**
 * A modality's DICOM callers in the portal: calling AE titles, addresses and certificate
 * fingerprints typed one per line, and the French words for the API's refusals (matched on the
 * field the API names, e.g. `allowedSources[2]`, never on its English text).
 */

export type CallersField = 'callingAeTitles' | 'allowedSources' | 'clientCertFingerprints';

/** The form field of an API field path (`callingAeTitles[1]` → `callingAeTitles`). */
export function callersFieldOf(apiField: string): CallersField | undefined {
  const base = apiField.replace(/\[\d+\]$/, '');
  return base === 'callingAeTitles' || base === 'allowedSources' || base === 'clientCertFingerprints'
    ? base
    : undefined;
}

/** An AE title as DICOM allows it: 1 to 16 characters, no backslash nor control character. */
export const AE_TITLE = /^[\x20-\x5b\x5d-\x7e]{1,16}$/;

/** The French sentence for a refused entry of a callers field, with its line number. */
export function callersFieldError(apiField: string): string | undefined {
  const index = /\[(\d+)\]$/.exec(apiField);
  const line = index ? ` (ligne ${Number(index[1]) + 1})` : '';
  switch (callersFieldOf(apiField)) {
    case 'callingAeTitles':
      return `Titre AE invalide${line} : 1 à 16 caractères (lettres, chiffres, _ -), sans accent ni « \\ ».`;
    case 'allowedSources':
      return `Adresse ou plage invalide${line} : une adresse IP (192.0.2.10) ou une plage CIDR (192.0.2.0/24, 2001:db8::/32).`;
    case 'clientCertFingerprints':
      return `Empreinte invalide${line} : 64 chiffres hexadécimaux (SHA-256), deux-points permis.`;
    default:
      return undefined;
  }
}

/** Checks the calling AE titles typed (the API checks everything again). */
export function callingAeTitlesError(titles: string[]): string | undefined {
  const bad = titles.findIndex((t) => !AE_TITLE.test(t.trim()) || t.trim() === '');
  return bad >= 0 ? callersFieldError(`callingAeTitles[${bad}]`) : undefined;
}
