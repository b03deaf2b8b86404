import {
  findSite,
  findTenantById,
  insertSite,
  listSites,
  recordAudit,
  updateSite,
  type SiteRow,
} from '@rayon/db';
import { AppError, organisationIdNat } from '@rayon/domain';
import { currentActor, currentContext, requireTenant, type Deps } from './deps.ts';

export interface SiteInput {
  name: string;
  finess?: string | null | undefined;
  address?: string | null | undefined;
  postalCode?: string | null | undefined;
  city?: string | null | undefined;
  phone?: string | null | undefined;
}

export function siteView(s: SiteRow) {
  return {
    id: s.id,
    name: s.name,
    finess: s.finess,
    address: s.address,
    postalCode: s.postalCode,
    city: s.city,
    phone: s.phone,
    letterhead: s.letterhead,
    createdAt: s.createdAt.toISOString(),
  };
}

/** Sites of the current tenant (from the request context, never from the input). */
export function createSiteService({ db }: Deps) {
  return {
    async list() {
      return (await db.withTenant(requireTenant(), listSites)).map(siteView);
    },

    /**
     * The sites whose reports cannot have documents: neither the site nor the practice has a
     * FINESS, and the practice has no SIRET (the portal's banner; validation is refused there).
     */
    async withoutOrganisationId() {
      const tenant = requireTenant();
      const practice = await db.platform((tx) => findTenantById(tx, tenant.id));
      const sites = await db.withTenant(tenant, listSites);
      const identity = { finess: practice?.finess ?? null, siret: practice?.siret ?? null };
      return sites.filter((s) => organisationIdNat(s, identity) === null).map((s) => s.name);
    },

    async get(id: string) {
      const site = await db.withTenant(requireTenant(), (tx) => findSite(tx, id));
      if (!site) throw new AppError('NOT_FOUND', 'site not found');
      return siteView(site);
    },

    /** The letterhead lines printed on the site's report documents. */
    async setLetterhead(id: string, letterhead: string | null) {
      return db.withTenant(requireTenant(), async (tx) => {
        const site = await updateSite(tx, id, { letterhead });
        if (!site) throw new AppError('NOT_FOUND', 'site not found');
        await recordAudit(tx, {
          actor: currentActor(),
          action: 'site.letterhead-changed',
          target: id,
          requestId: currentContext().requestId,
        });
        return siteView(site);
      });
    },

    async create(input: SiteInput) {
      return db.withTenant(requireTenant(), async (tx) => {
        const site = await insertSite(tx, {
          name: input.name,
          finess: input.finess ?? null,
          address: input.address ?? null,
          postalCode: input.postalCode ?? null,
          city: input.city ?? null,
          phone: input.phone ?? null,
        });
        await recordAudit(tx, {
          actor: currentActor(),
          action: 'site.created',
          target: site.id,
          requestId: currentContext().requestId,
        });
        return siteView(site);
      });
    },
  };
}
