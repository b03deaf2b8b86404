import { desc, eq } from 'drizzle-orm';
import { identityDocuments } from '../schema/tenant.ts';
import type { TenantTx } from '../client.ts';

export type IdentityDocumentRow = typeof identityDocuments.$inferSelect;

const metadata = {
  id: identityDocuments.id,
  patientId: identityDocuments.patientId,
  type: identityDocuments.type,
  contentType: identityDocuments.contentType,
  createdBy: identityDocuments.createdBy,
  createdAt: identityDocuments.createdAt,
};

export async function insertIdentityDocument(
  tx: TenantTx,
  d: Omit<typeof identityDocuments.$inferInsert, 'id' | 'createdAt'>,
) {
  const [row] = await tx.insert(identityDocuments).values(d).returning(metadata);
  return row!;
}

/** The copies kept for a patient, without their content. */
export async function listIdentityDocuments(tx: TenantTx, patientId: string) {
  return tx
    .select(metadata)
    .from(identityDocuments)
    .where(eq(identityDocuments.patientId, patientId))
    .orderBy(desc(identityDocuments.createdAt));
}

export async function findIdentityDocument(
  tx: TenantTx,
  id: string,
): Promise<IdentityDocumentRow | undefined> {
  const [row] = await tx.select().from(identityDocuments).where(eq(identityDocuments.id, id));
  return row;
}

/** Moves every copy kept for `fromId` to `toId` (merge). */
export async function moveIdentityDocuments(tx: TenantTx, fromId: string, toId: string): Promise<void> {
  await tx.update(identityDocuments).set({ patientId: toId }).where(eq(identityDocuments.patientId, fromId));
}
