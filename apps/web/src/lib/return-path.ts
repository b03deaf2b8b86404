/**
 * Where to go back after signing in (`/connexion?suite=/invitation/…`): only a path of this
 * portal. `//host/…` and `/\host/…` are read by browsers as another site, and control
 * characters or backslashes have no place in our paths; anything else is refused.
 */
export function safeReturnPath(value: string | null | undefined): string | null {
  if (!value || value.length > 2000) return null;
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  for (const c of value) {
    const code = c.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || c === '\\') return null;
  }
  return value;
}
