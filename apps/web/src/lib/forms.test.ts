import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formTexts, given, integerOrText, parseForm } from './forms.ts';

describe('reading a form', () => {
  it('trims what was typed and reads an absent field as empty', () => {
    const form = new FormData();
    form.set('name', '  Scanner 1 ');
    expect(formTexts(form, ['name', 'other'])).toEqual({ name: 'Scanner 1', other: '' });
  });

  it('leaves an empty field out and turns a whole number into a number', () => {
    expect(given('')).toBeUndefined();
    expect(given('x')).toBe('x');
    expect(integerOrText('')).toBeUndefined();
    expect(integerOrText('2575')).toBe(2575);
    // Not a whole number: kept as typed, for the schema to refuse with its message.
    expect(integerOrText('25.5')).toBe('25.5');
    expect(integerOrText('deux')).toBe('deux');
  });
});

describe('parsing a form with a shared schema', () => {
  const schema = z.strictObject({
    name: z.string({ error: 'Indiquez le nom.' }).min(2, 'Deux caractères au moins.'),
    address: z.strictObject({ port: z.number({ error: 'Un nombre.' }) }),
  });

  it('gives the parsed input', () => {
    expect(parseForm(schema, { name: 'CT', address: { port: 1 } })).toEqual({
      ok: true,
      data: { name: 'CT', address: { port: 1 } },
    });
  });

  it("puts each field's first French message under its dotted path, or the form's name for it", () => {
    expect(parseForm(schema, { address: { port: 'x' } })).toEqual({
      ok: false,
      errors: { name: 'Indiquez le nom.', 'address.port': 'Un nombre.' },
    });
    expect(parseForm(schema, { name: 'C', address: {} }, { 'address.port': 'port' })).toEqual({
      ok: false,
      errors: { name: 'Deux caractères au moins.', port: 'Un nombre.' },
    });
  });

  it('maps the paths under a mapped one (a list entry, a day) to its field', () => {
    const hours = z.strictObject({ days: z.record(z.string(), z.array(z.string().min(5, 'HH:MM.'))) });
    expect(parseForm(hours, { days: { '1': ['08:00', '9h'] } }, { 'days.1': 'hours.1' })).toEqual({
      ok: false,
      errors: { 'hours.1': 'HH:MM.' },
    });
  });

  it('keeps only the first message of a field', () => {
    const twice = z.strictObject({
      code: z.string().min(3, 'Trois caractères.').regex(/^\d+$/, 'Des chiffres.'),
    });
    expect(parseForm(twice, { code: 'a' })).toEqual({ ok: false, errors: { code: 'Trois caractères.' } });
  });
});
