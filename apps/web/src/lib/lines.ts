/**
 * Lists typed one entry per line in the portal's forms (addresses, AE titles, certificate
 * fingerprints): commas, semicolons and spaces also separate entries, empty lines are dropped.
 */
export function parseLines(text: string): string[] {
  return text
    .split(/[\n,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}
