import {
  audit,
  findActiveApiKey,
  findTenantBySlug,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  toTenantRef,
  touchApiKey,
  type ApiKeyView,
  type PlatformContext,
  type TenantRef,
} from '@rayon/db';
import { AppError, type ApiScope } from '@rayon/domain';
import type { OnboardingDeps } from './deps.ts';

/** Keys look like `rayon_<prefix>_<secret>`: the prefix finds the key, the secret proves it. */
const KEY_FORMAT = /^rayon_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

function apiKeyView(k: ApiKeyView) {
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

/**
 * A practice's API keys, named by its slug (the platform administrator or the practice's own
 * administrators, checked by the caller), and the authentication of a presented key.
 */
export function apiKeyUseCases({ db, tokens }: OnboardingDeps) {
  async function tenantBySlug(slug: string) {
    const t = await db.platform((tx) => findTenantBySlug(tx, slug));
    if (!t || t.status === 'deprovisioned') throw new AppError('NOT_FOUND', `practice ${slug} not found`);
    return t;
  }

  return {
    async listApiKeys(_ctx: PlatformContext, tenantSlug: string) {
      const t = await tenantBySlug(tenantSlug);
      return (await db.platform((tx) => listApiKeys(tx, t.id))).map(apiKeyView);
    },

    /** Creates a key; its secret is returned this once and only its SHA-256 is stored. */
    async createApiKey(
      ctx: PlatformContext,
      tenantSlug: string,
      input: { name: string; scopes: ApiScope[] },
    ) {
      const t = await tenantBySlug(tenantSlug);
      const prefix = tokens.randomToken(9).replaceAll(/[-_]/g, 'x').slice(0, 12);
      const secret = tokens.randomToken(32);
      const key = await db.platform(async (tx) => {
        const row = await insertApiKey(tx, {
          tenantId: t.id,
          name: input.name,
          prefix,
          secretHash: tokens.sha256(secret),
          scopes: [...new Set(input.scopes)],
          createdBy: ctx.actor.id,
        });
        await audit(ctx, tx, 'api-key.created', row.id, { scopes: row.scopes }, t.id);
        return row;
      });
      return { key: apiKeyView(key), secret: `rayon_${prefix}_${secret}` };
    },

    async revokeApiKey(ctx: PlatformContext, tenantSlug: string, id: string) {
      const t = await tenantBySlug(tenantSlug);
      return db.platform(async (tx) => {
        const row = await revokeApiKey(tx, t.id, id);
        if (!row) throw new AppError('NOT_FOUND', 'API key not found');
        await audit(ctx, tx, 'api-key.revoked', id, undefined, t.id);
        return apiKeyView(row);
      });
    },

    /** The principal behind a presented key, or UNAUTHENTICATED (unknown, malformed or revoked). */
    async authenticateApiKey(_ctx: PlatformContext, presented: string): Promise<ApiKeyPrincipal> {
      const m = KEY_FORMAT.exec(presented);
      const found = m ? await db.platform((tx) => findActiveApiKey(tx, m[1]!)) : undefined;
      if (!m || !found || !tokens.sameHash(found.key.secretHash, tokens.sha256(m[2]!))) {
        throw new AppError('UNAUTHENTICATED', 'invalid, unknown or revoked API key');
      }
      await db.platform((tx) => touchApiKey(tx, found.key.id));
      return { keyId: found.key.id, tenant: toTenantRef(found.tenant), scopes: found.key.scopes };
    },
  };
}
