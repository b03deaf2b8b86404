import {
  listTenants,
  lockMailboxReading,
  loggableError,
  toTenantRef,
  type Database,
  type TenantRef,
} from '@rayon/db';
import type { MailNotification } from '@rayon/domain';
import {
  distributionSettings,
  mailboxCursor,
  recordMailboxMessage,
  type MailboxCursor,
} from '@rayon/reporting';
import type { Logger } from 'pino';

/** The job that reads the practices' applicative mailboxes for DSN/MDN, run on a schedule. */
export const MAILBOX_JOB = 'mssante.mailbox';
export const MAILBOX_EVERY_MS = 60 * 1000;

export interface MailboxMessage {
  uid: number;
  uidValidity: string;
  notification: (MailNotification & { originalMessageId: string | null }) | null;
}

/** Reads a practice's mailbox past `since`, handing each message over in order. */
export type MailboxReader = (
  tenant: TenantRef,
  mailbox: string,
  since: MailboxCursor | null,
  handle: (m: MailboxMessage) => Promise<void>,
) => Promise<{ read: number }>;

/**
 * mssante.mailbox, every minute for every active practice sending by MSSanté: the notifications
 * of its applicative mailbox update its sends (remis, intégré, lu, or failed with the reason).
 * Each reading is one transaction (see @rayon/reporting receipts): cut short by the operator, it
 * is read again next time. One practice's mailbox failing (certificate, operator down) does not
 * stop the others'.
 */
export function mailboxJob(db: Database, reader: MailboxReader, logger: Logger) {
  return async () => {
    let read = 0;
    let unreadable = 0;
    for (const tenant of await db.platform(listTenants)) {
      if (tenant.status !== 'active') continue;
      const ref = toTenantRef(tenant);
      try {
        read += await db.withTenant(ref, async (tx) => {
          const settings = await distributionSettings(tx);
          if (!settings.mssante.enabled || !settings.mssante.mailbox) return 0;
          // Another reading of this mailbox is under way (a slow one overlapping): it does the work.
          if (!(await lockMailboxReading(tx))) return 0;
          const since = await mailboxCursor(tx);
          const r = await reader(ref, settings.mssante.mailbox, since, ({ uid, uidValidity, notification }) =>
            recordMailboxMessage(tx, { uidValidity, lastUid: uid }, notification).then(() => undefined),
          );
          return r.read;
        });
      } catch (err) {
        unreadable++;
        logger.warn({ tenantId: tenant.id, err: loggableError(err) }, 'MSSanté mailbox not read');
      }
    }
    return { read, unreadable };
  };
}
