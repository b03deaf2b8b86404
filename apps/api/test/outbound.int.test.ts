/**
 * A practice cannot aim Rayon's outbound calls inside: the PFI host of the distribution settings
 * is refused when it is, or resolves to, a loopback, private, link-local or metadata address,
 * unless the platform allows the range (RAYON_OUTBOUND_ALLOW). The worker checks again at each
 * send (apps/worker/test/deliveries.int.test.ts).
 */
import { outboundPolicy } from '@rayon/connectors/outbound';
import { createTestTenant } from '@rayon/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let strict: Harness;
let allowing: Harness;

beforeAll(async () => {
  strict = await createHarness();
  allowing = await createHarness({ outbound: outboundPolicy(['127.0.0.1/32', '::1/128']) });
});
afterAll(async () => {
  await strict.close();
  await allowing.close();
});

const settings = (host: string) => ({
  dmp: false,
  mssante: { enabled: false, patient: false },
  pfi: { host, port: 2575, receivingApplication: 'PFI', receivingFacility: 'CHU' },
});

async function practiceAdmin(h: Harness) {
  const t = await createTestTenant(h.db);
  const admin = await h.signedInUser({
    email: uniqueEmail('adm-outbound'),
    memberships: [{ tenant: t, roles: ['practice_admin'] }],
  });
  return h.trpc({ token: admin.token, tenant: t.slug });
}

describe('the PFI address of the distribution settings', () => {
  it.each(['127.0.0.1', '169.254.169.254', '10.0.0.1', 'localhost', '[::1]', '::ffff:127.0.0.1'])(
    '%s is refused at save time, naming pfi.host, and nothing is written',
    async (host) => {
      const api = await practiceAdmin(strict);
      const before = await api.delivery.settings.get.query();
      const e = await trpcError(api.delivery.settings.set.mutate(settings(host)));
      expect(e).toMatchObject({ code: 'BAD_REQUEST', appCode: 'BAD_INPUT', field: 'pfi.host' });
      expect(e.message).toContain('internal address');
      expect(await api.delivery.settings.get.query()).toEqual(before);
    },
  );

  it('a public address is saved; so is a name that does not resolve (checked again at each send)', async () => {
    const api = await practiceAdmin(strict);
    await api.delivery.settings.set.mutate(settings('203.0.113.9'));
    expect((await api.delivery.settings.get.query()).pfi?.host).toBe('203.0.113.9');
    await api.delivery.settings.set.mutate(settings('pfi.chu.invalid'));
    expect((await api.delivery.settings.get.query()).pfi?.host).toBe('pfi.chu.invalid');
  });

  it('RAYON_OUTBOUND_ALLOW lets the platform allow its ranges, and only those', async () => {
    const api = await practiceAdmin(allowing);
    await api.delivery.settings.set.mutate(settings('127.0.0.1'));
    expect((await api.delivery.settings.get.query()).pfi?.host).toBe('127.0.0.1');
    await api.delivery.settings.set.mutate(settings('localhost'));
    for (const host of ['10.0.0.1', '169.254.169.254']) {
      expect(await trpcError(api.delivery.settings.set.mutate(settings(host)))).toMatchObject({
        field: 'pfi.host',
      });
    }
  });
});
