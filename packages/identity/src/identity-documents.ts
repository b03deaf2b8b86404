import {
  audit,
  findIdentityDocument,
  findPatient,
  getSetting,
  insertIdentityDocument,
  listIdentityDocuments,
  putSetting,
  type Database,
  type TenantRef,
  type UseCaseContext,
} from '@rayon/db';
import { openSecret, sealSecret } from '@rayon/connectors/certificates';
import {
  AppError,
  KEEP_DOCUMENT_COPIES_SETTING,
  type IdentityDocumentContentType,
  type IdentityDocumentType,
} from '@rayon/domain';

const sealContext = (tenant: TenantRef) => `identity-document:${tenant.id}`;

export interface IdentityDocumentsDeps {
  db: Database;
  /** Key sealing the copies at rest (32 bytes). */
  secretsKey: Buffer;
}

/**
 * Copies of identity documents (optional per practice): the content is sealed at rest with the
 * secrets key, bound to the practice; every viewing is written to the audit trail.
 */
export function createIdentityDocuments({ db, secretsKey }: IdentityDocumentsDeps) {
  return {
    async documentCopiesSettings(ctx: UseCaseContext) {
      const keep = await db.withTenant(ctx.tenant, (tx) => getSetting(tx, KEEP_DOCUMENT_COPIES_SETTING));
      return { keepCopies: keep === true };
    },

    async setKeepDocumentCopies(ctx: UseCaseContext, keepCopies: boolean) {
      return db.withTenant(ctx.tenant, async (tx) => {
        await putSetting(tx, KEEP_DOCUMENT_COPIES_SETTING, keepCopies);
        await audit(ctx, tx, 'setting.changed', KEEP_DOCUMENT_COPIES_SETTING, { value: keepCopies });
        return { keepCopies };
      });
    },

    async addDocumentCopy(
      ctx: UseCaseContext,
      input: {
        patientId: string;
        type: IdentityDocumentType;
        contentType: IdentityDocumentContentType;
        contentBase64: string;
      },
    ) {
      const { tenant } = ctx;
      const content = Buffer.from(input.contentBase64, 'base64');
      if (content.length === 0)
        throw new AppError('BAD_INPUT', 'the document is empty', {
          field: 'contentBase64',
          reason: 'identity.document.empty',
        });
      return db.withTenant(tenant, async (tx) => {
        if (!(await findPatient(tx, input.patientId)))
          throw new AppError('NOT_FOUND', 'patient not found', { reason: 'identity.patient.not_found' });
        if ((await getSetting(tx, KEEP_DOCUMENT_COPIES_SETTING)) !== true) {
          throw new AppError(
            'CONFLICT',
            'this practice does not keep copies of identity documents (setting)',
            { reason: 'identity.documents.copies_disabled' },
          );
        }
        const row = await insertIdentityDocument(tx, {
          patientId: input.patientId,
          type: input.type,
          contentType: input.contentType,
          sealedContent: sealSecret(content, secretsKey, sealContext(tenant)),
          createdBy: ctx.actor.id,
        });
        await audit(ctx, tx, 'identity-document.added', row.id, {
          patientId: input.patientId,
          type: input.type,
        });
        return { ...row, createdAt: row.createdAt.toISOString() };
      });
    },

    async listDocumentCopies(ctx: UseCaseContext, patientId: string) {
      return db.withTenant(ctx.tenant, async (tx) => {
        if (!(await findPatient(tx, patientId)))
          throw new AppError('NOT_FOUND', 'patient not found', { reason: 'identity.patient.not_found' });
        return (await listIdentityDocuments(tx, patientId)).map((d) => ({
          ...d,
          createdAt: d.createdAt.toISOString(),
        }));
      });
    },

    /** The document itself; who viewed it and when goes to the audit trail. */
    async viewDocumentCopy(ctx: UseCaseContext, id: string) {
      const { tenant } = ctx;
      return db.withTenant(tenant, async (tx) => {
        const row = await findIdentityDocument(tx, id);
        if (!row)
          throw new AppError('NOT_FOUND', 'document not found', { reason: 'identity.document.not_found' });
        await audit(ctx, tx, 'identity-document.viewed', id, { patientId: row.patientId });
        const content = openSecret(row.sealedContent, secretsKey, sealContext(tenant));
        return {
          id: row.id,
          type: row.type,
          contentType: row.contentType,
          contentBase64: content.toString('base64'),
        };
      });
    },
  };
}
