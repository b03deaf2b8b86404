import type { CertificatePurpose } from '@rayon/domain';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { certificates } from '../schema/tenant.ts';
import type { TenantTx } from '../client.ts';

export type CertificateRow = typeof certificates.$inferSelect;
/** What may leave the server about a certificate: never the sealed key. */
export type CertificateView = Omit<CertificateRow, 'sealedKey'>;

const view = {
  id: certificates.id,
  purpose: certificates.purpose,
  subjectCn: certificates.subjectCn,
  subject: certificates.subject,
  issuer: certificates.issuer,
  serialNumber: certificates.serialNumber,
  fingerprintSha256: certificates.fingerprintSha256,
  notBefore: certificates.notBefore,
  notAfter: certificates.notAfter,
  certPem: certificates.certPem,
  chainPem: certificates.chainPem,
  createdBy: certificates.createdBy,
  createdAt: certificates.createdAt,
  revokedAt: certificates.revokedAt,
};

/** Stores a certificate for a purpose, retiring the one it replaces. */
export async function replaceCertificate(
  tx: TenantTx,
  c: Omit<typeof certificates.$inferInsert, 'id' | 'createdAt' | 'revokedAt'>,
): Promise<CertificateView> {
  await tx
    .update(certificates)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(certificates.purpose, c.purpose), isNull(certificates.revokedAt)));
  const [row] = await tx.insert(certificates).values(c).returning(view);
  return row!;
}

export async function listCertificates(tx: TenantTx): Promise<CertificateView[]> {
  return tx.select(view).from(certificates).orderBy(desc(certificates.createdAt));
}

/** The active certificate for a purpose, with its sealed key, for the connectors only. */
export async function findActiveCertificate(
  tx: TenantTx,
  purpose: CertificatePurpose,
): Promise<CertificateRow | undefined> {
  const [row] = await tx
    .select()
    .from(certificates)
    .where(and(eq(certificates.purpose, purpose), isNull(certificates.revokedAt)));
  return row;
}

export async function revokeCertificate(tx: TenantTx, id: string): Promise<CertificateView | undefined> {
  const [row] = await tx
    .update(certificates)
    .set({ revokedAt: sql`coalesce(${certificates.revokedAt}, now())` })
    .where(eq(certificates.id, id))
    .returning(view);
  return row;
}
