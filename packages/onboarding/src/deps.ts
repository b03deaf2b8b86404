import type { Database, InvitationRow, TenantRef } from '@rayon/db';
import type { Hl7Platform } from './hl7.ts';

/**
 * The first administrator's invitation of a practice being onboarded: the account area's
 * (the API's staff service) validity and mail, handed in so that onboarding does not reach into it.
 */
export interface FirstAdminInvitations {
  /** How long an invitation link is valid. */
  ttlMs: number;
  /**
   * Mails an invitation whose row has committed and records the outcome; never throws for a
   * mail problem (the link then comes back to be passed on).
   */
  deliver(o: {
    invitation: InvitationRow;
    token: string;
    tenantName: string;
    inviter: string | null;
    existingAccount: boolean;
  }): Promise<{ invitation: InvitationRow; mailSent: boolean; link: string }>;
}

/** Random tokens and their hashes (invitation tokens, API key secrets), as the platform makes them. */
export interface Tokens {
  randomToken(bytes?: number): string;
  sha256(value: string): string;
  /** Constant-time comparison of two hex hashes. */
  sameHash(a: string, b: string): boolean;
}

/** What the onboarding use cases are given, once, by the process that composes them. */
export interface OnboardingDeps {
  db: Database;
  /** Key sealing organisation certificates' private keys at rest (32 bytes). */
  secretsKey: Buffer;
  tokens: Tokens;
  invitations: FirstAdminInvitations;
  /** HL7 port range, service ports and size ceiling; unset: DEFAULT_HL7_PLATFORM. */
  hl7Platform?: Hl7Platform | undefined;
  /** Processes a stored inbound HL7 message again (the HL7 intake channel, `@rayon/inbound`). */
  replayInboundMessage(
    tenant: TenantRef,
    messageId: string,
  ): Promise<{ status: 'processed' | 'failed' | 'duplicate' | 'rejected' }>;
}
