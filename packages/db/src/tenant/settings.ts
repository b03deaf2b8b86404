/**
 * The practice's settings (the `settings` table, one JSON value per key): each key with the shape
 * of its value, parsed where it is read. A stored value of another shape fails with an error
 * naming the setting and the field.
 */
import {
  DISTRIBUTION_SETTING,
  KEEP_DOCUMENT_COPIES_SETTING,
  MAILBOX_CURSOR_SETTING,
  PFI_PROFILES,
  RGPD_NOTICE_SETTING,
  WORKLIST_MATCHING_SETTING,
} from '@rayon/domain';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { TenantTx } from '../client.ts';
import { settings } from '../schema/tenant.ts';
import type { SETTING_KEYS } from '../schema/tenant/practice.ts';
import { parseStored } from '../stored.ts';

/**
 * The settings and their values. Readers lay the value over the setting's defaults, so a key
 * written before a field existed may lack it (top-level fields optional where so).
 */
export const SETTINGS = {
  [DISTRIBUTION_SETTING]: z
    .object({
      dmp: z.boolean(),
      mssante: z.object({ enabled: z.boolean(), patient: z.boolean(), mailbox: z.string().nullish() }),
      pfi: z
        .object({
          host: z.string(),
          port: z.number().int(),
          receivingApplication: z.string(),
          receivingFacility: z.string(),
          profile: z.enum(PFI_PROFILES).optional(),
        })
        .nullable(),
    })
    .partial(),
  [WORKLIST_MATCHING_SETTING]: z.object({ accentInsensitiveNames: z.boolean() }).partial(),
  /** The RGPD mentions printed at the bottom of reports; null: none. */
  [RGPD_NOTICE_SETTING]: z.string().nullable(),
  /** Where the practice's MSSanté mailbox was read up to. */
  [MAILBOX_CURSOR_SETTING]: z.object({ uidValidity: z.string(), lastUid: z.number().int().nonnegative() }),
  /** Copies of identity documents are kept (optional per practice). */
  [KEEP_DOCUMENT_COPIES_SETTING]: z.boolean(),
} satisfies Record<(typeof SETTING_KEYS)[number], z.ZodType>;
export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]>;
/** The same, indexed so that a key's schema keeps its value's type. */
const SCHEMAS: { [K in SettingKey]: z.ZodType<SettingValue<K>> } = SETTINGS;

/** The practice's value of `key`, parsed (undefined when never set). */
export async function getSetting<K extends SettingKey>(
  tx: TenantTx,
  key: K,
): Promise<SettingValue<K> | undefined> {
  const [row] = await tx.select().from(settings).where(eq(settings.key, key));
  return row ? parseStored(SCHEMAS[key], row.value, `setting ${key}`) : undefined;
}

export async function putSetting<K extends SettingKey>(
  tx: TenantTx,
  key: K,
  value: z.input<(typeof SETTINGS)[K]>,
): Promise<void> {
  await tx
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
}
