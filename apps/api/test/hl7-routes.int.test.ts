/**
 * HL7 routes: ports belong to the platform (a practice administrator sets MSH-5 / MSH-6 routes
 * and senders, the platform administrator assigns dedicated ports from the range), MSH pairs
 * are unique platform-wide, senders are validated, every change is audited, and a practice
 * never sees or changes another's routes.
 */
import { createTestTenant } from '@rayon/db/testing';
import {
  insertHl7Route,
  listAuditEvents,
  listTenantHl7Routes,
  updateHl7Route,
  type TenantRef,
} from '@rayon/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

// A range of its own, so parallel test files holding ports do not meet.
const from = 50_000 + Math.floor(Math.random() * 700) * 20;
const range = { from, to: from + 19 };
const SHARED = 4310;
const TLS = 4319;

let h: Harness;
let a: TenantRef;
let b: TenantRef;
let adminA: ReturnType<Harness['trpc']>;
let platform: ReturnType<Harness['trpc']>;

beforeAll(async () => {
  h = await createHarness({
    hl7Platform: {
      portRange: range,
      servicePorts: [
        { port: SHARED, service: 'hl7' },
        { port: TLS, service: 'hl7-tls' },
        { port: range.from + 5, service: 'dicom' },
      ],
      maxMessageBytes: 4 * 1024 * 1024,
    },
  });
  a = await createTestTenant(h.db, { name: 'Imagerie A' });
  b = await createTestTenant(h.db, { name: 'Imagerie B' });
  const userA = await h.signedInUser({
    email: uniqueEmail('admin-a'),
    memberships: [{ tenant: a, roles: ['practice_admin'] }],
  });
  adminA = h.trpc({ token: userA.token, tenant: a.slug });
  platform = h.trpc({
    token: (await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true })).token,
  });
});
afterAll(() => h.close());

const msh = (tag: string) => ({ receivingApplication: 'RIS', receivingFacility: `${tag}-${a.slug}` });

describe('a practice administrator', () => {
  it('cannot set a port: the shared port, another practice’s, one out of range, one in range', async () => {
    const portOfB = range.from + 1;
    await platform.onboarding.hl7.ports.assign.mutate({ tenantSlug: b.slug, port: portOfB });
    for (const port of [SHARED, TLS, portOfB, range.to + 1, range.from + 2]) {
      expect(
        await trpcError(adminA.onboarding.hl7.routes.create.mutate({ port, ...msh(`P${port}`) })),
      ).toMatchObject({
        code: 'FORBIDDEN',
        field: 'port',
      });
    }
    const created = await adminA.onboarding.hl7.routes.create.mutate({
      ...msh('EDIT'),
      allowedSources: ['10.1.2.3'],
    });
    expect(created.port).toBeNull();
    expect(
      await trpcError(adminA.onboarding.hl7.routes.update.mutate({ id: created.id, port: SHARED })),
    ).toMatchObject({
      code: 'FORBIDDEN',
      field: 'port',
    });
    expect(
      await trpcError(adminA.onboarding.hl7.routes.update.mutate({ id: created.id, port: range.from + 3 })),
    ).toMatchObject({ code: 'FORBIDDEN', field: 'port' });
    const routes = await h.db.platform((tx) => listTenantHl7Routes(tx, a.id));
    expect(routes.map((r) => r.port)).toEqual([null]);
  });

  it('creates a shared-port route with its senders, normalised; refuses bad ones by field', async () => {
    const fp = 'ab'.repeat(32);
    const route = await adminA.onboarding.hl7.routes.create.mutate({
      ...msh('SENDERS'),
      allowedSources: ['192.168.10.7', '10.0.0.0/8', '::1/128'],
      clientCertFingerprints: [`sha256 Fingerprint=${fp.match(/../g)!.join(':')}`],
      maxMessageBytes: 2 * 1024 * 1024,
    });
    expect(route).toMatchObject({
      port: null,
      allowedSources: ['192.168.10.7/32', '10.0.0.0/8', '::1/128'],
      clientCertFingerprints: [fp.toUpperCase().match(/../g)!.join(':')],
      maxMessageBytes: 2 * 1024 * 1024,
    });
    // Default: nobody is accepted, 1 MiB.
    const bare = await adminA.onboarding.hl7.routes.create.mutate(msh('BARE'));
    expect(bare).toMatchObject({ allowedSources: [], clientCertFingerprints: [], maxMessageBytes: 1048576 });

    const cases: [Record<string, unknown>, string][] = [
      [{ allowedSources: ['10.0.0.300/8'] }, 'allowedSources[0]'],
      [{ allowedSources: ['10.0.0.1', 'partout'] }, 'allowedSources[1]'],
      [{ clientCertFingerprints: ['AB:CD'] }, 'clientCertFingerprints[0]'],
      [{ maxMessageBytes: 5 * 1024 * 1024 }, 'maxMessageBytes'],
      [{ maxMessageBytes: 100 }, 'maxMessageBytes'],
    ];
    // MSH-5 / MSH-6 route a message on the shared port: refused in French when missing.
    expect(
      await trpcError(adminA.onboarding.hl7.routes.create.mutate({ receivingApplication: 'RIS' } as never)),
    ).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'receivingFacility',
      message:
        "receivingFacility: Indiquez l'établissement récepteur (MSH-6) : obligatoire sur le port partagé.",
    });
    for (const [input, field] of cases) {
      expect(
        await trpcError(adminA.onboarding.hl7.routes.create.mutate({ ...msh(`BAD${field}`), ...input })),
        field,
      ).toMatchObject({ code: 'BAD_REQUEST', field });
      expect(
        await trpcError(adminA.onboarding.hl7.routes.update.mutate({ id: bare.id, ...input })),
        field,
      ).toMatchObject({ code: 'BAD_REQUEST', field });
    }
    const updated = await adminA.onboarding.hl7.routes.update.mutate({
      id: bare.id,
      allowedSources: ['203.0.113.0/24'],
      maxMessageBytes: 4096,
    });
    expect(updated).toMatchObject({ allowedSources: ['203.0.113.0/24'], maxMessageBytes: 4096 });
    const events = await h.db.platform((tx) => listAuditEvents(tx, { tenantId: a.id, target: bare.id }));
    expect(events.map((e) => e.action).sort()).toEqual(['hl7-route.created', 'hl7-route.updated']);
    expect(events.find((e) => e.action === 'hl7-route.updated')?.details).toMatchObject({
      allowedSources: ['203.0.113.0/24'],
      maxMessageBytes: 4096,
    });
  });

  it('cannot take an MSH-5 / MSH-6 pair another practice routes, even on a dedicated port', async () => {
    const pair = { receivingApplication: 'RIS', receivingFacility: `TAKEN-${b.slug}` };
    const portB = range.from + 4;
    const routeB = await platform.onboarding.hl7.ports.assign.mutate({ tenantSlug: b.slug, port: portB });
    // B's administrator names the pair on its dedicated port (straight in the database here).
    await h.db.platform((tx) => insertHl7Route(tx, { tenantId: b.id, port: null, ...pair }));
    expect(await trpcError(adminA.onboarding.hl7.routes.create.mutate(pair))).toMatchObject({
      code: 'CONFLICT',
      field: 'receivingFacility',
    });
    const mine = await adminA.onboarding.hl7.routes.create.mutate(msh('MINE'));
    expect(
      await trpcError(adminA.onboarding.hl7.routes.update.mutate({ id: mine.id, ...pair })),
    ).toMatchObject({
      code: 'CONFLICT',
      field: 'receivingFacility',
    });
    // A pair on a dedicated port also counts.
    const dedicatedPair = { receivingApplication: 'RIS', receivingFacility: `PORT-${b.slug}` };
    await h.db.platform((tx) => updateHl7Route(tx, b.id, routeB.id, dedicatedPair));
    expect(await trpcError(adminA.onboarding.hl7.routes.create.mutate(dedicatedPair))).toMatchObject({
      code: 'CONFLICT',
      field: 'receivingFacility',
    });
  });

  it('cannot delete a dedicated-port route; deletes its shared-port routes (audited)', async () => {
    const dedicated = await platform.onboarding.hl7.ports.assign.mutate({
      tenantSlug: a.slug,
      port: range.from + 6,
    });
    expect(await trpcError(adminA.onboarding.hl7.routes.delete.mutate({ id: dedicated.id }))).toMatchObject({
      code: 'FORBIDDEN',
      field: 'port',
    });
    // A dedicated port receives plain MLLP: no certificate requirement there.
    expect(
      await trpcError(
        adminA.onboarding.hl7.routes.update.mutate({
          id: dedicated.id,
          clientCertFingerprints: ['cd'.repeat(32)],
        }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'clientCertFingerprints' });
    const withSenders = await adminA.onboarding.hl7.routes.update.mutate({
      id: dedicated.id,
      allowedSources: ['127.0.0.1'],
    });
    expect(withSenders).toMatchObject({ port: range.from + 6, allowedSources: ['127.0.0.1/32'] });
    const shared = await adminA.onboarding.hl7.routes.create.mutate(msh('GONE'));
    await adminA.onboarding.hl7.routes.delete.mutate({ id: shared.id });
    const events = await h.db.platform((tx) => listAuditEvents(tx, { tenantId: a.id, target: shared.id }));
    expect(events.map((e) => e.action)).toContain('hl7-route.deleted');
  });
});

describe('the platform administrator', () => {
  it('assigns a port from the range, refusing the shared port, service ports, taken and out-of-range ports', async () => {
    const taken = range.from + 7;
    await platform.onboarding.hl7.ports.assign.mutate({ tenantSlug: b.slug, port: taken });
    const refused: [number, string, RegExp][] = [
      [SHARED, 'BAD_REQUEST', /shared HL7 port/],
      [TLS, 'BAD_REQUEST', /TLS port/],
      [range.from + 5, 'BAD_REQUEST', /DICOM port/],
      [range.from - 1, 'BAD_REQUEST', /outside the range/],
      [range.to + 1, 'BAD_REQUEST', /outside the range/],
      [taken, 'CONFLICT', /another practice/],
    ];
    for (const [port, code, message] of refused) {
      const error = await trpcError(
        platform.onboarding.hl7.ports.assign.mutate({ tenantSlug: a.slug, port }),
      );
      expect(error, String(port)).toMatchObject({ code, field: 'port' });
      expect(error.message, String(port)).toMatch(message);
    }
    const route = await platform.onboarding.hl7.ports.assign.mutate({
      tenantSlug: a.slug,
      port: range.from + 8,
    });
    expect(route).toMatchObject({ port: range.from + 8, allowedSources: [] });
    expect(
      await trpcError(
        platform.onboarding.hl7.ports.assign.mutate({ tenantSlug: a.slug, port: range.from + 8 }),
      ),
    ).toMatchObject({ code: 'CONFLICT', field: 'port' });
    const events = await h.db.platform((tx) => listAuditEvents(tx, { tenantId: a.id, target: route.id }));
    expect(events.map((e) => e.action)).toEqual(['hl7-route.port-assigned']);
  });

  it('moves a shared-port route to a dedicated port and back; withdraws a bare dedicated route', async () => {
    const route = await adminA.onboarding.hl7.routes.create.mutate({
      ...msh('MOVE'),
      allowedSources: ['10.9.9.9'],
    });
    const moved = await platform.onboarding.hl7.ports.assign.mutate({
      tenantSlug: a.slug,
      port: range.from + 9,
      routeId: route.id,
    });
    expect(moved).toMatchObject({ id: route.id, port: range.from + 9, allowedSources: ['10.9.9.9/32'] });
    expect(
      await platform.onboarding.hl7.ports.withdraw.mutate({ tenantSlug: a.slug, routeId: route.id }),
    ).toEqual({
      ok: true,
      routeKept: true,
    });
    const bare = await platform.onboarding.hl7.ports.assign.mutate({
      tenantSlug: a.slug,
      port: range.from + 10,
    });
    expect(
      await platform.onboarding.hl7.ports.withdraw.mutate({ tenantSlug: a.slug, routeId: bare.id }),
    ).toEqual({
      ok: true,
      routeKept: false,
    });
    const routes = await platform.onboarding.hl7.ports.list.query({ tenantSlug: a.slug });
    expect(routes.find((r) => r.id === route.id)?.port).toBeNull();
    expect(routes.find((r) => r.id === bare.id)).toBeUndefined();
    const events = await h.db.platform((tx) => listAuditEvents(tx, { tenantId: a.id, target: route.id }));
    expect(events.map((e) => e.action)).toContain('hl7-route.port-withdrawn');
  });

  it('a practice cannot reach another’s routes through ports.* (B’s route named with A’s slug is not found)', async () => {
    const routeB = await platform.onboarding.hl7.ports.assign.mutate({
      tenantSlug: b.slug,
      port: range.from + 11,
    });
    expect(
      await trpcError(
        platform.onboarding.hl7.ports.withdraw.mutate({ tenantSlug: a.slug, routeId: routeB.id }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await trpcError(
        platform.onboarding.hl7.ports.assign.mutate({
          tenantSlug: a.slug,
          port: range.from + 12,
          routeId: routeB.id,
        }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect((await h.db.platform((tx) => listTenantHl7Routes(tx, b.id))).map((r) => r.port)).toContain(
      range.from + 11,
    );
  });
});

describe('across practices', () => {
  it('A’s administrator neither sees, edits nor deletes B’s routes; ports.* are refused to practice users', async () => {
    const routeB = await h.db.platform((tx) =>
      insertHl7Route(tx, {
        tenantId: b.id,
        port: null,
        receivingApplication: 'RIS',
        receivingFacility: `X-${b.slug}`,
        allowedSources: ['10.0.0.1/32'],
      }),
    );
    expect((await adminA.onboarding.hl7.routes.list.query()).map((r) => r.id)).not.toContain(routeB!.id);
    expect(
      await trpcError(
        adminA.onboarding.hl7.routes.update.mutate({ id: routeB!.id, allowedSources: ['0.0.0.0/0'] }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(await trpcError(adminA.onboarding.hl7.routes.delete.mutate({ id: routeB!.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const [stored] = (await h.db.platform((tx) => listTenantHl7Routes(tx, b.id))).filter(
      (r) => r.id === routeB!.id,
    );
    expect(stored?.allowedSources).toEqual(['10.0.0.1/32']);
    for (const call of [
      () => adminA.onboarding.hl7.ports.settings.query(),
      () => adminA.onboarding.hl7.ports.list.query({ tenantSlug: a.slug }),
      () => adminA.onboarding.hl7.ports.assign.mutate({ tenantSlug: a.slug, port: range.from + 13 }),
      () => adminA.onboarding.hl7.ports.withdraw.mutate({ tenantSlug: b.slug, routeId: routeB!.id }),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'FORBIDDEN' });
    }
  });
});
