/**
 * The simulator's own reading of a matricule INS (NIR or NIA: 13 characters and a 2-digit key),
 * written from national-services.md and INSEE's rules, not taken from Rayon's domain: a simulator
 * that shared our check would accept whatever our check wrongly accepts.
 *
 * Accepted: first digit 1, 2 (NIR) or 3, 4, 7, 8 (temporary numbers); month 01-12, 20-42 or
 * 50-99 (civil status without a month); département 01-99, 2A or 2B; key = 97 − (body mod 97)
 * where 2A counts as 19 and 2B as 18.
 */
export type MatriculeReading =
  { valid: true; matricule: string } | { valid: false; reason: 'length' | 'format' | 'key' };

const inRange = (text: string, low: number, high: number) =>
  /^\d{2}$/.test(text) && +text >= low && +text <= high;

export function readMatricule(value: string): MatriculeReading {
  const matricule = value.replace(/[\s.]/g, '').toUpperCase();
  if (matricule.length !== 15) return { valid: false, reason: 'length' };
  const sex = matricule.slice(0, 1);
  const year = matricule.slice(1, 3);
  const month = matricule.slice(3, 5);
  const department = matricule.slice(5, 7);
  const rest = matricule.slice(7);
  const wellFormed =
    '123478'.includes(sex) &&
    /^\d{2}$/.test(year) &&
    (inRange(month, 1, 12) || inRange(month, 20, 42) || inRange(month, 50, 99)) &&
    (department === '2A' || department === '2B' || inRange(department, 1, 99)) &&
    /^\d{8}$/.test(rest);
  if (!wellFormed) return { valid: false, reason: 'format' };
  const numeric =
    matricule.slice(0, 5) +
    (department === '2A' ? '19' : department === '2B' ? '18' : department) +
    rest.slice(0, 6);
  const key = 97n - (BigInt(numeric) % 97n);
  return key === BigInt(rest.slice(6)) ? { valid: true, matricule } : { valid: false, reason: 'key' };
}
