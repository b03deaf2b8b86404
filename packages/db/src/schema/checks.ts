/**
 * CHECK constraints listing the values a text column may hold, built from the `as const` arrays
 * that name those values (most in @rayon/domain): the database refuses any other value, and the
 * values have one home. Adding a value is a change of the array and a generated migration.
 */
import { sql } from 'drizzle-orm';
import { check, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** The values as SQL literals (inlined: a constraint's definition carries no parameters). */
const literals = (values: readonly string[]) =>
  sql.raw(values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', '));

/** `<name>`: the column holds one of `values` (or null, where the column allows it). */
export const oneOf = (name: string, column: AnyPgColumn, values: readonly [string, ...string[]]) =>
  check(name, sql`${column} in (${literals(values)})`);

/** `<name>`: every element of the text array column is one of `values`. */
export const allOf = (name: string, column: AnyPgColumn, values: readonly [string, ...string[]]) =>
  check(name, sql`${column} <@ array[${literals(values)}]::text[]`);
