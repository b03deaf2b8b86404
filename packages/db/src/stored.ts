/**
 * What was stored as JSON (a settings value, a job's payload, a jsonb column) is parsed where it
 * is read, not cast: a value that does not have the shape its reader expects fails at once, with
 * an error naming each malformed field (field names and zod's wording only, never the values).
 */
import type { z } from 'zod';

/** `<what>` is malformed: `<field>`: `<problem>`; … (the root is named `<what>` itself). */
export function malformed(what: string, error: z.ZodError): string {
  const fields = error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  return `${what} is malformed: ${fields.join('; ')}`;
}

/** `value` as `schema` reads it, or an Error naming the malformed fields of `what`. */
export function parseStored<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(malformed(what, parsed.error));
  return parsed.data;
}
