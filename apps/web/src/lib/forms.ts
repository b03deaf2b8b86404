import type { z } from 'zod';

/**
 * Server actions read a form into the input of a shared schema (`@rayon/schemas/<area>`), the same
 * the API parses, and show its French messages next to the fields: the portal does not check a
 * form by hand. The API checks again and answers BAD_INPUT naming the field.
 */

/** The form's fields as typed (trimmed), to show them again when the form is refused. */
export function formTexts<F extends string>(form: FormData, names: readonly F[]): Record<F, string> {
  return Object.fromEntries(names.map((n) => [n, String(form.get(n) ?? '').trim()])) as Record<F, string>;
}

/** A field left empty is absent: the schema says whether it is required. */
export function given(text: string): string | undefined {
  return text === '' ? undefined : text;
}

/** A whole number typed in a field; the text itself when it is not one (the schema refuses it). */
export function integerOrText(text: string): number | string | undefined {
  if (text === '') return undefined;
  return /^\d+$/.test(text) ? Number(text) : text;
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: Record<string, string> };

/**
 * The input parsed by the schema, or the first French message of each wrong field. `fields` maps a
 * schema path (`pfi.port`) and the paths under it (`openingHours.1` takes `openingHours.1.0.1`) to
 * the form's field name; other paths keep their dotted name (`traits.birthDate`), and a refusal of
 * the whole input goes under `''`.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  input: unknown,
  fields: Readonly<Record<string, string>> = {},
): FormResult<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.join('.');
    const under = Object.keys(fields).find((f) => path.startsWith(`${f}.`));
    const field = fields[path] ?? (under === undefined ? path : fields[under]!);
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
