/**
 * CHECK constraints listing the values a text column may hold. The column names its values once,
 * `text('…', { enum: VALUES })` with an `as const` array (most in @rayon/domain): drizzle types the
 * column with them and the CHECK below is built from the same list, so the database refuses any
 * other value and TypeScript reads the column as the union. Adding a value is a change of the array
 * and a generated migration.
 */
import { sql } from 'drizzle-orm';
import { getTableColumns } from 'drizzle-orm';
import { check, PgArray, type PgColumn } from 'drizzle-orm/pg-core';

/** The values as SQL literals (inlined: a constraint's definition carries no parameters). */
const literals = (values: readonly string[]) =>
  sql.raw(values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', '));

/**
 * The value list of `column`, or of its elements for an array. The columns a table's constraints
 * are declared on are drizzle's index-building copies, which do not carry it: the table's own
 * column of that name does.
 */
function valuesOf(name: string, column: PgColumn): readonly string[] {
  const own = Object.values(getTableColumns(column.table)).find((c) => c.name === column.name);
  const values = (own instanceof PgArray ? own.baseColumn : own)?.enumValues;
  if (!values?.length) throw new Error(`${name}: the column ${column.name} names no value list ({ enum })`);
  return values;
}

/** `<name>`: the column holds one of its `enum` values (or null, where the column allows it). */
export const oneOf = (name: string, column: PgColumn) =>
  check(name, sql`${column} in (${literals(valuesOf(name, column))})`);

/** `<name>`: every element of the text array column is one of its elements' `enum` values. */
export const allOf = (name: string, column: PgColumn) =>
  check(name, sql`${column} <@ array[${literals(valuesOf(name, column))}]::text[]`);
