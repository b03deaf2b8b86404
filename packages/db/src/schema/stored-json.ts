import { customType } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { parseStored } from '../stored.ts';

/**
 * A jsonb column read through its zod schema: every row read has the shape its readers expect,
 * or fails at once naming the malformed field (`parseStored`), instead of a type assertion.
 * Written as JSON, like drizzle's own jsonb.
 */
export const storedJson = <S extends z.ZodType>(name: string, schema: S, what: string) =>
  customType<{ data: z.output<S>; driverData: unknown }>({
    dataType: () => 'jsonb',
    toDriver: (value) => JSON.stringify(value),
    fromDriver: (value) =>
      parseStored(schema, typeof value === 'string' ? (JSON.parse(value) as unknown) : value, what),
  })(name);
