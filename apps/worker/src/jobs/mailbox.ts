import { listTenants, loggableError, systemContext, toTenantRef, type Database } from '@rayon/db';
import { createDelivery, type MailboxReader } from '@rayon/delivery';
import type { Logger } from 'pino';

/** The job that reads the practices' applicative mailboxes for DSN/MDN, run on a schedule. */
export const MAILBOX_JOB = 'mssante.mailbox';
export const MAILBOX_EVERY_MS = 60 * 1000;

/**
 * mssante.mailbox, every minute for every active practice sending by MSSanté: the notifications
 * of its applicative mailbox update its sends (remis, intégré, lu, or failed with the reason).
 * Each reading is one transaction (see @rayon/delivery readMailbox, receipts): cut short by the
 * operator, it is read again next time. One practice's mailbox failing (certificate, operator
 * down) does not stop the others'.
 */
export function mailboxJob(db: Database, reader: MailboxReader, logger: Logger) {
  const useCases = createDelivery({ db, mailbox: reader });
  return async () => {
    let read = 0;
    let unreadable = 0;
    for (const tenant of await db.platform(listTenants)) {
      if (tenant.status !== 'active') continue;
      try {
        read += await useCases.readMailbox(systemContext(`${MAILBOX_JOB}:${tenant.id}`, toTenantRef(tenant)));
      } catch (err) {
        unreadable++;
        logger.warn({ tenantId: tenant.id, err: loggableError(err) }, 'MSSanté mailbox not read');
      }
    }
    return { read, unreadable };
  };
}
