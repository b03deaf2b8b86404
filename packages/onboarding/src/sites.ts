import {
  audit,
  findSite,
  findTenantById,
  insertSite,
  listSites,
  updateSite,
  type SiteRow,
  type UseCaseContext,
} from '@rayon/db';
import { AppError, organisationIdNat } from '@rayon/domain';
import type { OnboardingDeps } from './deps.ts';

export interface SiteInput {
  name: string;
  finess?: string | null | undefined;
  address?: string | null | undefined;
  postalCode?: string | null | undefined;
  city?: string | null | undefined;
  phone?: string | null | undefined;
}

function siteView(s: SiteRow) {
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

/** The sites of the context's practice, and the practice's home page. */
export function siteUseCases({ db }: Pick<OnboardingDeps, 'db'>) {
  return {
    async listSites(ctx: UseCaseContext) {
      return (await db.withTenant(ctx.tenant, listSites)).map(siteView);
    },

    /**
     * What the practice's home page shows: the practice, its sites, and the sites whose reports
     * cannot have documents: neither the site nor the practice has a FINESS, and the practice
     * has no SIRET (the portal's banner; validation is refused there).
     */
    async practiceHome(ctx: UseCaseContext) {
      const practice = await db.platform((tx) => findTenantById(tx, ctx.tenant.id));
      if (!practice) throw new AppError('NOT_FOUND', `practice ${ctx.tenant.slug} not found`);
      const sites = await db.withTenant(ctx.tenant, listSites);
      const identity = { finess: practice.finess, siret: practice.siret };
      return {
        tenant: { slug: practice.slug, name: practice.name },
        sites: sites.map(({ id, name, finess, city }) => ({ id, name, finess, city })),
        sitesWithoutOrganisationId: sites
          .filter((s) => organisationIdNat(s, identity) === null)
          .map((s) => s.name),
      };
    },

    async getSite(ctx: UseCaseContext, id: string) {
      const site = await db.withTenant(ctx.tenant, (tx) => findSite(tx, id));
      if (!site) throw new AppError('NOT_FOUND', 'site not found');
      return siteView(site);
    },

    /** The letterhead lines printed on the site's report documents. */
    async setSiteLetterhead(ctx: UseCaseContext, id: string, letterhead: string | null) {
      return db.withTenant(ctx.tenant, async (tx) => {
        const site = await updateSite(tx, id, { letterhead });
        if (!site) throw new AppError('NOT_FOUND', 'site not found');
        await audit(ctx, tx, 'site.letterhead-changed', id);
        return siteView(site);
      });
    },

    async createSite(ctx: UseCaseContext, input: SiteInput) {
      return db.withTenant(ctx.tenant, async (tx) => {
        const site = await insertSite(tx, {
          name: input.name,
          finess: input.finess ?? null,
          address: input.address ?? null,
          postalCode: input.postalCode ?? null,
          city: input.city ?? null,
          phone: input.phone ?? null,
        });
        await audit(ctx, tx, 'site.created', site.id);
        return siteView(site);
      });
    },
  };
}
