import { parsePkcs12 } from '@rayon/connectors/certificates';
import {
  findTenantBySlug,
  insertHl7Route,
  insertTenant,
  listTenantHl7Routes,
  provisionTenant,
  recordAudit,
  toTenantRef,
  upsertMembership,
  upsertUser,
  upsertUserProfile,
  type Database,
} from '@rayon/db';
import { tenantSchemaName } from '@rayon/domain';
import { hashPassword } from '../auth/secrets.ts';
import { installCertificate } from '@rayon/identity';

export interface SeedAccount {
  email: string;
  password: string;
  displayName: string;
}

export interface DemoSeed {
  platformAdmin: SeedAccount;
  practiceAdmin: SeedAccount;
  tenant: { slug: string; name: string; finess: string; siret: string };
}

export const DEMO: DemoSeed = {
  platformAdmin: {
    email: 'admin@rayon.local',
    password: 'rayon-admin-demo',
    displayName: 'Administrateur Rayon',
  },
  practiceAdmin: {
    email: 'cabinet@rayon.local',
    password: 'rayon-cabinet-demo',
    displayName: 'Dr Camille Lefèvre',
  },
  tenant: {
    slug: 'imagerie-demo',
    name: 'Centre d’imagerie de démonstration',
    finess: '750712184',
    siret: '26750045200011',
  },
};

export interface DemoExtras {
  /** A dedicated HL7 port for the demo practice (any sender's ADT goes to it). */
  hl7Port?: number;
  /** Organisation certificates to install (PKCS#12), e.g. from the INSi simulator's test PKI. */
  certificates?: { purpose: 'insi-auto' | 'insi-manu'; p12: Buffer; passphrase: string }[];
  secretsKey?: Buffer;
}

/** Seeds the platform admin and a ready demo practice with its administrator. Idempotent. */
export async function seedDemo(db: Database, seed: DemoSeed = DEMO, extras: DemoExtras = {}): Promise<void> {
  const system = { type: 'system' as const, id: 'seed' };
  await db.platform(async (tx) => {
    await upsertUser(tx, {
      ...seed.platformAdmin,
      passwordHash: await hashPassword(seed.platformAdmin.password),
      isPlatformAdmin: true,
    });
    if (!(await findTenantBySlug(tx, seed.tenant.slug))) {
      const t = await insertTenant(tx, {
        ...seed.tenant,
        schemaName: tenantSchemaName(seed.tenant.slug),
        provisioning: {
          step: 'queued',
          percent: 0,
          firstSite: { name: 'Site principal', finess: '750712184', city: 'Paris' },
        },
      });
      await recordAudit(tx, { actor: system, action: 'tenant.onboarded', tenantId: t!.id, target: t!.slug });
    }
  });
  const tenant = (await db.platform((tx) => findTenantBySlug(tx, seed.tenant.slug)))!;
  await provisionTenant(db, tenant.id, { actor: system });
  const passwordHash = await hashPassword(seed.practiceAdmin.password);
  await db.withTenant(toTenantRef(tenant), async (tx) => {
    const user = await upsertUser(tx, { ...seed.practiceAdmin, passwordHash });
    await upsertMembership(tx, user.id, tenant.id, ['practice_admin', 'radiologist']);
    await upsertUserProfile(tx, { userId: user.id, displayName: seed.practiceAdmin.displayName });
    const routes = await listTenantHl7Routes(tx, tenant.id);
    if (extras.hl7Port && !routes.some((r) => r.port === extras.hl7Port)) {
      await insertHl7Route(tx, {
        tenantId: tenant.id,
        port: extras.hl7Port,
        receivingApplication: null,
        receivingFacility: null,
      });
    }
    for (const c of extras.certificates ?? []) {
      if (!extras.secretsKey) throw new Error('a secrets key is needed to install certificates');
      await installCertificate(tx, c.purpose, parsePkcs12(c.p12, c.passphrase), extras.secretsKey, null);
    }
  });
}
