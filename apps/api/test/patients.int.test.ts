/** The identity area through tRPC (desk) and REST (teleradiology platforms), tenant-isolated. */
import { findIdentityDocument, listAuditEvents, type TenantRef } from '@rayon/db';
import { changeIdentity } from '@rayon/identity';
import { createTestTenant } from '@rayon/db/testing';
import { applyInsiResult, INS_OIDS } from '@rayon/domain';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let a: TenantRef;
let b: TenantRef;
let desk: ReturnType<Harness['trpc']>;
let radiologist: ReturnType<Harness['trpc']>;
let deskOfB: ReturnType<Harness['trpc']>;
let keyA: string;
let keyB: string;

const gwenaelle = {
  birthFamilyName: 'LE GOFF',
  firstBirthForename: 'Gwénaëlle',
  birthForenames: 'Gwénaëlle Bénédicte',
  birthDate: '1984-02-29',
  sex: 'F' as const,
  birthPlaceCode: '29019',
};

/** Gives a patient an INS as INSi would (status recuperee), without calling INSi. */
async function retrieveIns(t: TenantRef, id: string, matricule: string) {
  return h.db.withTenant(t, (tx) =>
    changeIdentity(
      tx,
      id,
      undefined,
      'insi-answer',
      (identity) =>
        applyInsiResult(
          identity,
          {
            code: '00',
            ins: { matricule, oid: INS_OIDS.test },
            traits: { ...identity.traits, birthForenames: identity.traits.birthForenames },
          },
          new Date(),
        ),
      { actor: { type: 'system', id: 'test' }, source: 'insi', now: new Date() },
    ),
  );
}

beforeAll(async () => {
  h = await createHarness();
  a = await createTestTenant(h.db);
  b = await createTestTenant(h.db);
  const secA = await h.signedInUser({
    email: uniqueEmail('sec-a'),
    memberships: [{ tenant: a, roles: ['secretary'] }],
  });
  const radA = await h.signedInUser({
    email: uniqueEmail('rad-a'),
    memberships: [{ tenant: a, roles: ['radiologist'] }],
  });
  const secB = await h.signedInUser({
    email: uniqueEmail('sec-b'),
    memberships: [{ tenant: b, roles: ['secretary'] }],
  });
  desk = h.trpc({ token: secA.token, tenant: a.slug });
  radiologist = h.trpc({ token: radA.token, tenant: a.slug });
  deskOfB = h.trpc({ token: secB.token, tenant: b.slug });
  const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
  const admin = h.trpc({ token: platform.token });
  const scopes = ['patients:read', 'patients:write'] as ('patients:read' | 'patients:write')[];
  keyA = (await admin.onboarding.apiKeys.create.mutate({ tenantSlug: a.slug, name: 'A', scopes })).secret;
  keyB = (await admin.onboarding.apiKeys.create.mutate({ tenantSlug: b.slug, name: 'B', scopes })).secret;
  void pino;
});
afterAll(() => h.close());

describe('identity at the desk (tRPC)', () => {
  it('creates a provisional identity from the strict traits alone, in INS form, and finds it with or without accents', async () => {
    const p = await desk.identity.create.mutate({
      traits: gwenaelle,
      identifiers: [{ authority: 'RAYON', value: 'IPP-1' }],
    });
    expect(p.status).toBe('provisoire');
    expect(p.traits.birthFamilyName).toBe('LE GOFF');
    expect(p.ins).toBeNull();
    for (const name of ['le goff', 'LE GOFF gwenaelle', 'Le Goff Gwénaëlle', 'le-goff']) {
      const found = await desk.identity.search.query({ name });
      expect(
        found.map((x) => x.id),
        name,
      ).toContain(p.id);
    }
    expect((await desk.identity.search.query({ birthDate: '1984-02-29' })).map((x) => x.id)).toContain(p.id);
    expect((await desk.identity.search.query({ ipp: 'IPP-1' })).map((x) => x.id)).toEqual([p.id]);
    expect(await trpcError(desk.identity.search.query({}))).toMatchObject({
      appCode: 'BAD_INPUT',
      field: 'name',
    });
  });

  it('refuses bad strict traits naming the field, and writes nothing', async () => {
    const e = await trpcError(
      desk.identity.create.mutate({ traits: { ...gwenaelle, birthDate: '2999-01-01' } }),
    );
    expect(e).toMatchObject({
      appCode: 'BAD_INPUT',
      field: 'traits.birthDate',
      message: 'traits.birthDate: La date de naissance ne peut pas être dans le futur.',
    });
    expect(await desk.identity.search.query({ birthDate: '2999-01-01' })).toEqual([]);
  });

  it('qualifies with INSi then an identity document; a trait correction takes the INS away; history records all', async () => {
    const p = await desk.identity.create.mutate({ traits: { ...gwenaelle, birthFamilyName: 'KERMARREC' } });
    await retrieveIns(a, p.id, '279035121518989');
    const retrieved = await desk.identity.get.query({ id: p.id });
    expect(retrieved.status).toBe('recuperee');
    expect(retrieved.insForExchange).toBeNull();
    const qualified = await desk.identity.recordDocument.mutate({
      id: p.id,
      version: retrieved.version,
      type: 'passeport',
    });
    expect(qualified.status).toBe('qualifiee');
    expect(qualified.insForExchange).toEqual({ matricule: '279035121518989', oid: INS_OIDS.test });
    expect(qualified.reliabilityCodes).toEqual(['QUAL']);

    const stale = await trpcError(
      desk.identity.recordDocument.mutate({ id: p.id, version: retrieved.version, type: 'passeport' }),
    );
    expect(stale).toMatchObject({ code: 'CONFLICT', field: 'version' });

    const corrected = await desk.identity.changeTraits.mutate({
      id: p.id,
      version: qualified.version,
      traits: { ...qualified.traits, birthDate: '1984-03-01' },
    });
    expect(corrected.status).toBe('provisoire');
    expect(corrected.ins).toBeNull();

    const history = await desk.identity.history.query({ id: p.id });
    expect(history.map((e) => e.action)).toEqual([
      'traits-changed',
      'document-checked',
      'insi-answer',
      'created',
    ]);
    expect(history[0]!.changes).toEqual(
      expect.arrayContaining([{ field: 'traits.birthDate', from: '1984-02-29', to: '1984-03-01' }]),
    );
    expect(history[3]!).toMatchObject({
      source: 'desk',
      actorType: 'user',
      actorName: expect.stringMatching(/^sec-a/),
    });
  });

  it('an INS already held by another patient is a CONFLICT naming it (probable duplicate), never a silent write', async () => {
    const first = await desk.identity.create.mutate({ traits: { ...gwenaelle, birthFamilyName: 'JUMEAU' } });
    const second = await desk.identity.create.mutate({
      traits: { ...gwenaelle, birthFamilyName: 'JUMEAU', birthPlaceCode: null },
    });
    await retrieveIns(a, first.id, '162018885045327');
    await expect(retrieveIns(a, second.id, '162018885045327')).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'ins',
      message: expect.stringContaining(first.id),
    });
    expect((await desk.identity.get.query({ id: second.id })).ins).toBeNull();
  });

  it('a Carte Vitale is not an identity document', async () => {
    const p = await desk.identity.create.mutate({ traits: { ...gwenaelle, birthFamilyName: 'VITALE' } });
    expect(
      await trpcError(
        desk.identity.recordDocument.mutate({ id: p.id, version: p.version, type: 'carte_vitale' }),
      ),
    ).toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('merges a duplicate after confirmation: identifiers move, the duplicate is kept marked merged', async () => {
    const survivor = await desk.identity.create.mutate({
      traits: { ...gwenaelle, birthFamilyName: 'DOUBLON' },
      identifiers: [{ authority: 'RAYON', value: 'S-1' }],
    });
    const dup = await desk.identity.create.mutate({
      traits: { ...gwenaelle, birthFamilyName: 'DOUBLON' },
      identifiers: [{ authority: 'CHU-X', value: 'D-1' }],
    });
    expect(
      await trpcError(
        desk.identity.merge.mutate({ survivorId: survivor.id, absorbedId: dup.id, confirm: false as never }),
      ),
    ).toMatchObject({
      field: 'confirm',
      message: 'confirm: Confirmez la fusion des deux dossiers.',
    });
    const merged = await desk.identity.merge.mutate({
      survivorId: survivor.id,
      absorbedId: dup.id,
      confirm: true,
    });
    expect(merged.identifiers).toEqual(
      expect.arrayContaining([
        { authority: 'RAYON', value: 'S-1' },
        { authority: 'CHU-X', value: 'D-1' },
      ]),
    );
    expect((await desk.identity.get.query({ id: dup.id })).mergedInto).toBe(survivor.id);
    expect((await desk.identity.search.query({ name: 'doublon' })).map((p) => p.id)).toEqual([survivor.id]);
    expect(
      await trpcError(
        desk.identity.setAttributes.mutate({ id: dup.id, version: 2, attributes: { homonyme: true } }),
      ),
    ).toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('a radiologist reads identities but does not change them', async () => {
    const p = await desk.identity.create.mutate({ traits: { ...gwenaelle, birthFamilyName: 'LECTURE' } });
    expect((await radiologist.identity.get.query({ id: p.id })).id).toBe(p.id);
    expect(
      await trpcError(
        radiologist.identity.setAttributes.mutate({
          id: p.id,
          version: p.version,
          attributes: { homonyme: true },
        }),
      ),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});

describe('patients through the public API', () => {
  it('creates, reads and searches; the INS appears only once qualified', async () => {
    const created = await h.rest('/patients', {
      key: keyA,
      method: 'POST',
      body: JSON.stringify({ traits: { ...gwenaelle, birthFamilyName: 'NOËL' } }),
    });
    expect(created.status).toBe(201);
    const p = (await created.json()) as { id: string; version: number; ins: unknown };
    await retrieveIns(a, p.id, '279035121518989');
    const retrieved = (await (await h.rest(`/patients/${p.id}`, { key: keyA })).json()) as {
      status: string;
      ins: unknown;
      version: number;
    };
    expect(retrieved).toMatchObject({ status: 'recuperee', ins: null });
    const doc = await h.rest(`/patients/${p.id}/identity-document`, {
      key: keyA,
      method: 'POST',
      body: JSON.stringify({ version: retrieved.version, type: 'carte_identite' }),
    });
    expect(await doc.json()).toMatchObject({ status: 'qualifiee', ins: { matricule: '279035121518989' } });
    const found = (await (await h.rest('/patients?name=noel', { key: keyA })).json()) as {
      data: { id: string }[];
    };
    expect(found.data.map((x) => x.id)).toContain(p.id);
    const history = (await (await h.rest(`/patients/${p.id}/history`, { key: keyA })).json()) as {
      data: { source: string }[];
    };
    expect(history.data.at(-1)).toMatchObject({ source: 'api' });
  });

  it('bad input names the field', async () => {
    const res = await h.rest('/patients', {
      key: keyA,
      method: 'POST',
      body: JSON.stringify({ traits: { ...gwenaelle, sex: 'X' } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { field: 'traits.sex', message: 'traits.sex: Le sexe est Féminin, Masculin ou Indéterminé.' },
    });
  });
});

describe('Corsican INS (2A/2B at positions 6-7)', () => {
  it('is found by INS through tRPC and REST, written with spaces or in lower case; a wrong key is refused naming ins', async () => {
    const corsican = [
      { matricule: '186022A21532523', typed: '1 86 02 2a 215 325 23' },
      { matricule: '185052B12345660', typed: '185052b12345660' },
    ];
    for (const { matricule, typed } of corsican) {
      const p = await desk.identity.create.mutate({
        traits: { ...gwenaelle, birthFamilyName: `CORSE ${matricule[6]}`, birthPlaceCode: '2A004' },
      });
      await retrieveIns(a, p.id, matricule);
      for (const ins of [matricule, typed]) {
        expect(
          (await desk.identity.search.query({ ins })).map((x) => x.id),
          ins,
        ).toEqual([p.id]);
      }
      const res = await h.rest(`/patients?ins=${encodeURIComponent(matricule)}`, { key: keyA });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { data: { id: string }[] }).data.map((x) => x.id)).toEqual([p.id]);
    }
    expect(await trpcError(desk.identity.search.query({ ins: '186022A21532524' }))).toMatchObject({
      field: 'ins',
    });
    const wrong = await h.rest('/patients?ins=186022A21532524', { key: keyA });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { field: 'ins' } });
  });
});

describe('cross-tenant', () => {
  it('tenant A never sees or changes tenant B’s patients, through tRPC or REST', async () => {
    const pb = await deskOfB.identity.create.mutate({
      traits: { ...gwenaelle, birthFamilyName: 'SECRET-B' },
      identifiers: [{ authority: 'B', value: 'B-1' }],
    });
    const pa = await desk.identity.create.mutate({ traits: { ...gwenaelle, birthFamilyName: 'VISIBLE-A' } });
    expect(await desk.identity.search.query({ name: 'secret-b' })).toEqual([]);
    expect(await desk.identity.search.query({ ipp: 'B-1' })).toEqual([]);
    for (const call of [
      () => desk.identity.get.query({ id: pb.id }),
      () => desk.identity.history.query({ id: pb.id }),
      () => desk.identity.changeTraits.mutate({ id: pb.id, version: pb.version, traits: gwenaelle }),
      () =>
        desk.identity.changeComplementary.mutate({
          id: pb.id,
          version: pb.version,
          complementary: { usedFamilyName: 'X' },
        }),
      () => desk.identity.recordDocument.mutate({ id: pb.id, version: pb.version, type: 'passeport' }),
      () =>
        desk.identity.setAttributes.mutate({
          id: pb.id,
          version: pb.version,
          attributes: { douteuse: true },
        }),
      () => desk.identity.merge.mutate({ survivorId: pa.id, absorbedId: pb.id, confirm: true }),
      () => desk.identity.merge.mutate({ survivorId: pb.id, absorbedId: pa.id, confirm: true }),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'NOT_FOUND' });
    }
    const asB = h.trpc({
      token: (
        await h.signedInUser({
          email: uniqueEmail('sec-a2'),
          memberships: [{ tenant: a, roles: ['secretary'] }],
        })
      ).token,
      tenant: b.slug,
    });
    expect(await trpcError(asB.identity.search.query({ name: 'secret' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await trpcError(asB.identity.create.mutate({ traits: gwenaelle }))).toMatchObject({
      code: 'NOT_FOUND',
    });

    for (const [path, init] of [
      [`/patients/${pb.id}`, {}],
      [`/patients/${pb.id}/history`, {}],
      [
        `/patients/${pb.id}/traits`,
        { method: 'PUT', body: JSON.stringify({ version: 1, traits: gwenaelle }) },
      ],
      [
        `/patients/${pb.id}/complementary`,
        { method: 'PUT', body: JSON.stringify({ version: 1, complementary: {} }) },
      ],
      [
        `/patients/${pb.id}/identity-document`,
        { method: 'POST', body: JSON.stringify({ version: 1, type: 'passeport' }) },
      ],
      [
        `/patients/${pb.id}/attributes`,
        { method: 'PATCH', body: JSON.stringify({ version: 1, attributes: { fictive: true } }) },
      ],
      [
        `/patients/${pa.id}/merge`,
        { method: 'POST', body: JSON.stringify({ absorbedId: pb.id, confirm: true }) },
      ],
    ] as [string, RequestInit][]) {
      expect((await h.rest(path, { key: keyA, ...init })).status, path).toBe(404);
    }
    const search = (await (await h.rest('/patients?ipp=B-1', { key: keyA })).json()) as { data: unknown[] };
    expect(search.data).toEqual([]);
    const viaB = (await (await h.rest(`/patients/${pb.id}`, { key: keyB })).json()) as {
      version: number;
      status: string;
    };
    expect(viaB).toMatchObject({ version: 1, status: 'provisoire' });
  });
});

describe('copies of identity documents (optional per practice)', () => {
  it('are refused until the practice keeps them; then sealed at rest, listed, and every viewing audited; never across tenants', async () => {
    const p = await desk.identity.create.mutate({ traits: { ...gwenaelle, birthFamilyName: 'COPIE' } });
    const scan = Buffer.from('%PDF-1.4 carte nationale d’identité de Gwénaëlle');
    const add = () =>
      desk.identity.documentCopies.add.mutate({
        patientId: p.id,
        type: 'carte_identite',
        contentType: 'application/pdf',
        contentBase64: scan.toString('base64'),
      });
    expect(await trpcError(add())).toMatchObject({ code: 'CONFLICT' });
    expect(
      await trpcError(desk.identity.documentCopies.setKeepCopies.mutate({ keepCopies: true })),
    ).toMatchObject({
      code: 'FORBIDDEN',
    });
    const admin = await h.signedInUser({
      email: uniqueEmail('pa'),
      memberships: [{ tenant: a, roles: ['practice_admin'] }],
    });
    await h
      .trpc({ token: admin.token, tenant: a.slug })
      .identity.documentCopies.setKeepCopies.mutate({ keepCopies: true });

    const doc = await add();
    const sealed = await h.db.withTenant(a, (tx) => findIdentityDocument(tx, doc.id));
    expect(sealed!.sealedContent).not.toContain(scan.toString('base64'));
    expect(JSON.stringify(await desk.identity.documentCopies.list.query({ patientId: p.id }))).not.toContain(
      'sealed',
    );
    const viewed = await desk.identity.documentCopies.view.mutate({ id: doc.id });
    expect(Buffer.from(viewed.contentBase64, 'base64')).toEqual(scan);
    const audit = await h.db.platform((tx) =>
      listAuditEvents(tx, { target: doc.id, action: 'identity-document.viewed' }),
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'user', tenantId: a.id });

    expect(await trpcError(deskOfB.identity.documentCopies.view.mutate({ id: doc.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await trpcError(deskOfB.identity.documentCopies.list.query({ patientId: p.id }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(
      await trpcError(
        deskOfB.identity.documentCopies.add.mutate({
          patientId: p.id,
          type: 'passeport',
          contentType: 'image/png',
          contentBase64: 'AAAA',
        }),
      ),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
