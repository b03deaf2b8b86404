import { DrizzleQueryError } from 'drizzle-orm/errors';

/**
 * What may be logged about an error: never patient data. A database error keeps its SQLSTATE,
 * constraint and table; not drizzle's "Failed query … params" text nor PostgreSQL's detail, which
 * quote the values (names, INS, birth dates). Other errors keep their name and message.
 */
export function loggableError(e: unknown): {
  name: string;
  message: string;
  code?: string;
  constraint?: string;
} {
  const db = e instanceof DrizzleQueryError ? e.cause : isPostgresError(e) ? e : undefined;
  if (db && isPostgresError(db)) {
    return {
      name: 'DatabaseError',
      message: `database error ${db.code}${db.constraint_name ? ` on ${db.constraint_name}` : ''}${db.table_name ? ` (${db.table_name})` : ''}`,
      code: db.code,
      ...(db.constraint_name ? { constraint: db.constraint_name } : {}),
    };
  }
  if (e instanceof DrizzleQueryError) return { name: 'DatabaseError', message: 'database query failed' };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

interface PostgresError {
  code: string;
  constraint_name?: string;
  table_name?: string;
}

function isPostgresError(e: unknown): e is PostgresError {
  return (
    typeof e === 'object' && e !== null && (e as { name?: string }).name === 'PostgresError' && 'code' in e
  );
}
