/**
 * The notifications that come back to the practice's applicative mailbox about the mails it sent
 * (SC.MSS/UX.35): each is matched to its send by the original Message-ID, noted in the send's
 * history, and moves the send forward (remis, intégré, lu) or back to a person (bounced,
 * refused by the recipient's software). A reading runs in one transaction that holds the
 * practice's mailbox and keeps where it stopped with the practice's settings: a notification is
 * applied once, and a reading cut short leaves nothing half-applied.
 */
import {
  findDeliveriesByRemoteId,
  getSetting,
  insertDeliveryAttempt,
  putSetting,
  updateDelivery,
  type TenantRef,
  type TenantTx,
} from '@rayon/db';
import { MAILBOX_CURSOR_SETTING, notificationEffect, type MailNotification } from '@rayon/domain';

/** The practice's settings key of where its mailbox was read up to. */

export interface MailboxCursor {
  uidValidity: string;
  lastUid: number;
}

const MAIL_DESTINATIONS = ['mssante_referrer', 'mssante_patient'] as const;

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

export const mailboxCursor = async (tx: TenantTx): Promise<MailboxCursor | null> =>
  (await getSetting(tx, MAILBOX_CURSOR_SETTING)) ?? null;

/**
 * Applies one message of the mailbox (a notification, or null for any other mail) and moves the
 * cursor past it. Returns whether it was about one of our sends.
 */
export async function recordMailboxMessage(
  tx: TenantTx,
  cursor: MailboxCursor,
  n: (MailNotification & { originalMessageId: string | null }) | null,
  now = new Date(),
): Promise<boolean> {
  await putSetting(tx, MAILBOX_CURSOR_SETTING, cursor);
  if (!n?.originalMessageId) return false;
  const sends = await findDeliveriesByRemoteId(tx, n.originalMessageId, MAIL_DESTINATIONS);
  for (const d of sends) {
    const effect = notificationEffect(n, d.receipt);
    await insertDeliveryAttempt(tx, {
      deliveryId: d.id,
      outcome: 'notification',
      detail: `${n.type.toUpperCase()} ${n.kind}${n.detail ? ` : ${n.detail}` : ''}`.slice(0, 500),
      durationMs: 0,
    });
    if ('receipt' in effect) await updateDelivery(tx, d.id, { receipt: effect.receipt, receiptAt: now });
    else if ('failed' in effect) await updateDelivery(tx, d.id, { status: 'failed', reason: effect.failed });
  }
  return sends.length > 0;
}
