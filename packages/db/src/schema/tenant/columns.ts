import { customType } from 'drizzle-orm/pg-core';

/** Raw bytes (exact HL7 messages, generated documents), read and written as Buffers. */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });
