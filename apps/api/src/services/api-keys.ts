import {
  findActiveApiKey,
  findTenantBySlug,
  insertApiKey,
  listApiKeys,
  recordAudit,
  revokeApiKey,
  toTenantRef,
  touchApiKey,
  type ApiKeyView,
  type TenantRef,
} from '@rayon/db';
import { AppError, type ApiScope } from '@rayon/domain';
import { randomToken, sameHash, sha256 } from '../auth/secrets.ts';
import { currentActor, currentContext, type Deps } from './deps.ts';

/** Keys look like `rayon_<prefix>_<secret>`: the prefix finds the key, the secret proves it. */
const KEY_FORMAT = /^rayon_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function apiKeyView(k: ApiKeyView) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
  };
}

export interface ApiKeyPrincipal {
  keyId: string;
  tenant: TenantRef;
  scopes: string[];
}

export function createApiKeyService({ db }: Deps) {
  async function tenantBySlug(slug: string) {
    const t = await db.platform((tx) => findTenantBySlug(tx, slug));
    if (!t || t.status === 'deprovisioned') throw new AppError('NOT_FOUND', `practice ${slug} not found`);
    return t;
  }

  return {
    async list(tenantSlug: string) {
      const t = await tenantBySlug(tenantSlug);
      return (await db.platform((tx) => listApiKeys(tx, t.id))).map(apiKeyView);
    },

    /** Creates a key; its secret is returned this once and only its SHA-256 is stored. */
    async create(tenantSlug: string, input: { name: string; scopes: ApiScope[] }) {
      const t = await tenantBySlug(tenantSlug);
      const prefix = randomToken(9).replaceAll(/[-_]/g, 'x').slice(0, 12);
      const secret = randomToken(32);
      const key = await db.platform(async (tx) => {
        const row = await insertApiKey(tx, {
          tenantId: t.id,
          name: input.name,
          prefix,
          secretHash: sha256(secret),
          scopes: [...new Set(input.scopes)],
          createdBy: currentActor().id,
        });
        await recordAudit(tx, {
          actor: currentActor(),
          action: 'api-key.created',
          tenantId: t.id,
          target: row.id,
          requestId: currentContext().requestId,
          details: { scopes: row.scopes },
        });
        return row;
      });
      return { key: apiKeyView(key), secret: `rayon_${prefix}_${secret}` };
    },

    async revoke(tenantSlug: string, id: string) {
      const t = await tenantBySlug(tenantSlug);
      return db.platform(async (tx) => {
        const row = await revokeApiKey(tx, t.id, id);
        if (!row) throw new AppError('NOT_FOUND', 'API key not found');
        await recordAudit(tx, {
          actor: currentActor(),
          action: 'api-key.revoked',
          tenantId: t.id,
          target: id,
          requestId: currentContext().requestId,
        });
        return apiKeyView(row);
      });
    },

    /** The principal behind a presented key, or UNAUTHENTICATED (unknown, malformed or revoked). */
    async authenticate(presented: string): Promise<ApiKeyPrincipal> {
      const m = KEY_FORMAT.exec(presented);
      const found = m ? await db.platform((tx) => findActiveApiKey(tx, m[1]!)) : undefined;
      if (!m || !found || !sameHash(found.key.secretHash, sha256(m[2]!))) {
        throw new AppError('UNAUTHENTICATED', 'invalid, unknown or revoked API key');
      }
      await db.platform((tx) => touchApiKey(tx, found.key.id));
      return { keyId: found.key.id, tenant: toTenantRef(found.tenant), scopes: found.key.scopes };
    },
  };
}
