/**
 * A practice's staff (« Équipe ») through the portal API and the public REST API, on the real
 * PostgreSQL and Redis with a real SMTP server (the mail catcher): invitations mailed and
 * accepted, no takeover of an existing account, roles, the last administrator, deactivation
 * ending sessions and API keys at once, the signer's profile, and the practices kept apart.
 */
import { createMailer } from '@rayon/connectors/mail';
import {
  findOpenInvitation,
  findReportVersion,
  listSites,
  listStaffMembers,
  setExamStatus,
  type TenantRef,
} from '@rayon/db';
import { createTestTenant } from '@rayon/db/testing';
import { startMailCatcher, type MailCatcher } from '@rayon/sim-mail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '@rayon/access/secrets';
import { createHarness, trpcError, uniqueEmail, type Harness } from './harness.ts';

let h: Harness;
let catcher: MailCatcher;
let a: TenantRef;
let b: TenantRef;
type Client = ReturnType<Harness['trpc']>;
let adminA: Client;
let adminAId: string;
let adminB: Client;
let adminBToken: string;
let secretaryA: Client;

const PRACTICE_A = 'Imagerie des Tilleuls';
const STRONG = 'cadran-mélèze-fougère-orbite-42';
const OTHER_STRONG = 'girouette-ardoise-perce-neige-77';

/** The link of the last mail caught for `to` (the test's addresses are unique). */
function lastMailTo(to: string) {
  const mail = catcher
    .messages()
    .filter((m) => m.to.includes(to.toLowerCase()))
    .at(-1);
  if (!mail) throw new Error(`no mail to ${to}`);
  const token = /http:\/\/portal\.test\/invitation\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  return { mail, token: token! };
}

beforeAll(async () => {
  catcher = await startMailCatcher();
  h = await createHarness({
    ...(process.env.STAFF_DEBUG ? { logger: (await import('pino')).default({ level: 'error' }) } : {}),
    mailer: createMailer({ url: catcher.smtpUrl, from: 'Rayon <no-reply@rayon.test>' }),
  });
  a = await createTestTenant(h.db, { name: PRACTICE_A, firstSite: 'Centre', finess: '750712184' });
  b = await createTestTenant(h.db, { name: 'Cabinet B' });
  const adm = await h.signedInUser({
    email: uniqueEmail('admin-a'),
    memberships: [{ tenant: a, roles: ['practice_admin'] }],
  });
  adminAId = adm.user.id;
  adminA = h.trpc({ token: adm.token, tenant: a.slug });
  const admB = await h.signedInUser({
    email: uniqueEmail('admin-b'),
    memberships: [{ tenant: b, roles: ['practice_admin'] }],
  });
  adminBToken = admB.token;
  adminB = h.trpc({ token: admB.token, tenant: b.slug });
  const sec = await h.signedInUser({
    email: uniqueEmail('sec-a'),
    memberships: [{ tenant: a, roles: ['secretary'] }],
  });
  secretaryA = h.trpc({ token: sec.token, tenant: a.slug });
});
afterAll(async () => {
  await h.close();
  await catcher.close();
});

/** Invites a new person to A and accepts with a new account; returns their id and session. */
async function newMember(
  roles: ('radiologist' | 'secretary' | 'practice_admin' | 'technologist')[],
  profile?: object,
) {
  const email = uniqueEmail('member');
  const out = await adminA.staff.invite.mutate({ email, displayName: 'Nouvelle Personne', roles, profile });
  await h.trpc().auth.acceptInvitation.mutate({ token: lastMailTo(email).token, password: STRONG });
  const token = await h.signIn(email, STRONG);
  const list = await adminA.staff.list.query();
  const m = list.members.find((x) => x.email === email)!;
  return {
    email,
    userId: m.userId,
    token,
    client: h.trpc({ token, tenant: a.slug }),
    invitation: out.invitation,
  };
}

describe('invitations', () => {
  it('mails the invitation; the new account accepts and is listed with its roles', async () => {
    const email = uniqueEmail('Anne.Martin');
    const out = await adminA.staff.invite.mutate({
      email,
      displayName: 'Anne Martin',
      roles: ['secretary', 'technologist'],
    });
    expect(out).toMatchObject({ mailSent: true, link: null });
    expect(out.invitation).toMatchObject({
      email: email.toLowerCase(),
      roles: ['secretary', 'technologist'],
      expired: false,
      sendError: null,
      existingAccount: false,
    });
    expect(out.invitation.sentAt).not.toBeNull();

    const { mail, token } = lastMailTo(email);
    expect(mail.subject).toBe(`Invitation à rejoindre ${PRACTICE_A} sur Rayon`);
    expect(mail.text).toContain('Bonjour Anne Martin');
    expect(mail.text).toMatch(/admin-a-\w+ vous invite/);
    expect(mail.text).toContain('Secrétaire médicale et Manipulateur en électroradiologie médicale');
    expect(mail.text).toMatch(/valable jusqu'au \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}/);
    expect(token).toBeTruthy();

    // Only the token's SHA-256 is stored.
    expect(await h.db.platform((tx) => findOpenInvitation(tx, token))).toBeUndefined();
    expect((await h.db.platform((tx) => findOpenInvitation(tx, sha256(token))))?.id).toBe(out.invitation.id);

    const listed = await adminA.staff.list.query();
    expect(listed.invitations.map((i) => i.id)).toContain(out.invitation.id);

    const anon = h.trpc();
    expect(await anon.auth.invitation.query({ token })).toEqual({
      email: email.toLowerCase(),
      displayName: 'Anne Martin',
      tenantName: PRACTICE_A,
      existingAccount: false,
    });
    expect(await anon.auth.acceptInvitation.mutate({ token, password: STRONG })).toEqual({
      email: email.toLowerCase(),
    });
    expect(await trpcError(anon.auth.invitation.query({ token }))).toMatchObject({ code: 'NOT_FOUND' });

    const session = await h.signIn(email, STRONG);
    expect((await h.trpc({ token: session }).auth.me.query()).memberships.map((m) => m.slug)).toEqual([
      a.slug,
    ]);
    const after = await adminA.staff.list.query();
    expect(after.invitations.map((i) => i.id)).not.toContain(out.invitation.id);
    expect(after.members.find((m) => m.email === email.toLowerCase())).toMatchObject({
      displayName: 'Anne Martin',
      roles: ['secretary', 'technologist'],
      active: true,
      disabledAt: null,
      signer: { ready: false, problems: expect.arrayContaining(['not_radiologist']) },
    });
  });

  it('cannot take over an existing account: CONFLICT, password untouched; it accepts signed in', async () => {
    // An account of practice B, with its own password.
    const victim = await h.signedInUser({
      email: uniqueEmail('victim'),
      memberships: [{ tenant: b, roles: ['secretary'] }],
    });
    const email = victim.user.email;
    const out = await adminA.staff.invite.mutate({ email, displayName: 'Victime', roles: ['radiologist'] });
    expect(out.invitation.existingAccount).toBe(true);
    const { mail, token } = lastMailTo(email);
    expect(mail.text).toContain('Vous avez déjà un compte Rayon avec cette adresse');

    const anon = h.trpc();
    expect((await anon.auth.invitation.query({ token })).existingAccount).toBe(true);
    // Whoever holds the link cannot set the account's password.
    expect(
      await trpcError(anon.auth.acceptInvitation.mutate({ token, password: OTHER_STRONG })),
    ).toMatchObject({
      code: 'CONFLICT',
      field: 'token',
    });
    expect(await trpcError(h.signIn(email, OTHER_STRONG))).toMatchObject({ code: 'UNAUTHORIZED' });
    const session = await h.signIn(email, victim.password);

    // Another signed-in account cannot accept it.
    const other = await h.signedInUser({ email: uniqueEmail('other'), memberships: [] });
    expect(
      await trpcError(h.trpc({ token: other.token }).auth.acceptInvitationSignedIn.mutate({ token })),
    ).toMatchObject({ code: 'FORBIDDEN', field: 'token' });
    expect(await trpcError(anon.auth.acceptInvitationSignedIn.mutate({ token }))).toMatchObject({
      code: 'UNAUTHORIZED',
    });

    const me = h.trpc({ token: session });
    expect(await me.auth.acceptInvitationSignedIn.mutate({ token })).toEqual({ tenantSlug: a.slug });
    expect((await me.auth.me.query()).memberships.map((m) => m.slug).sort()).toEqual([a.slug, b.slug].sort());
    expect(await trpcError(me.auth.acceptInvitationSignedIn.mutate({ token }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    // Still the same password.
    await h.signIn(email, victim.password);
    const member = (await adminA.staff.list.query()).members.find((m) => m.userId === victim.user.id);
    expect(member).toMatchObject({ roles: ['radiologist'], active: true });
  });

  it('resending makes a new link and the old one stops working', async () => {
    const email = uniqueEmail('resend');
    const first = await adminA.staff.invite.mutate({ email, displayName: 'Relance', roles: ['secretary'] });
    const old = lastMailTo(email).token;
    const again = await adminA.staff.resendInvitation.mutate({ invitationId: first.invitation.id });
    expect(again).toMatchObject({ mailSent: true, link: null, invitation: { id: first.invitation.id } });
    const fresh = lastMailTo(email).token;
    expect(fresh).not.toBe(old);
    expect(catcher.messages().filter((m) => m.to.includes(email.toLowerCase()))).toHaveLength(2);
    const anon = h.trpc();
    expect(await trpcError(anon.auth.invitation.query({ token: old }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(
      await trpcError(anon.auth.acceptInvitation.mutate({ token: old, password: STRONG })),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await anon.auth.invitation.query({ token: fresh })).email).toBe(email.toLowerCase());
  });

  it('cancels; refuses a second invitation and an active member (CONFLICT on email)', async () => {
    const email = uniqueEmail('cancel');
    const out = await adminA.staff.invite.mutate({ email, displayName: 'Annulée', roles: ['secretary'] });
    const { token } = lastMailTo(email);
    expect(
      await trpcError(adminA.staff.invite.mutate({ email, displayName: 'Encore', roles: ['secretary'] })),
    ).toMatchObject({ code: 'CONFLICT', field: 'email' });
    expect(await adminA.staff.cancelInvitation.mutate({ invitationId: out.invitation.id })).toEqual({
      ok: true,
    });
    expect(await trpcError(h.trpc().auth.invitation.query({ token }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await adminA.staff.list.query()).invitations.map((i) => i.id)).not.toContain(out.invitation.id);
    expect(
      await trpcError(adminA.staff.cancelInvitation.mutate({ invitationId: out.invitation.id })),
    ).toMatchObject({ code: 'NOT_FOUND' });

    const m = await newMember(['secretary']);
    expect(
      await trpcError(adminA.staff.invite.mutate({ email: m.email, displayName: 'X', roles: ['secretary'] })),
    ).toMatchObject({ code: 'CONFLICT', field: 'email' });
  });

  it('checks the input: roles, RPPS', async () => {
    const email = uniqueEmail('bad');
    expect(await trpcError(adminA.staff.invite.mutate({ email, displayName: 'X', roles: [] }))).toMatchObject(
      { code: 'BAD_REQUEST', field: 'roles' },
    );
    expect(
      await trpcError(
        adminA.staff.invite.mutate({
          email,
          displayName: 'X',
          roles: ['radiologist'],
          profile: { rpps: '10001234567' },
        }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'profile.rpps' });
    expect(
      await trpcError(
        adminA.staff.invite.mutate({ email: 'not-an-address', displayName: 'X', roles: ['secretary'] }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'email' });
  });

  it('gives the link to the administrator when no mail could be sent', async () => {
    const bare = await createHarness();
    try {
      const adm = await bare.signedInUser({
        email: uniqueEmail('admin-nomail'),
        memberships: [{ tenant: a, roles: ['practice_admin'] }],
      });
      const client = bare.trpc({ token: adm.token, tenant: a.slug });
      const out = await client.staff.invite.mutate({
        email: uniqueEmail('nomail'),
        displayName: 'Sans courriel',
        roles: ['secretary'],
      });
      expect(out.mailSent).toBe(false);
      expect(out.link).toMatch(/^http:\/\/portal\.test\/invitation\/[A-Za-z0-9_-]+$/);
      expect(out.invitation.sendError).toMatch(/SMTP/);
      expect(out.invitation.sentAt).toBeNull();
      const token = out.link!.split('/').at(-1)!;
      expect((await bare.trpc().auth.invitation.query({ token })).displayName).toBe('Sans courriel');
    } finally {
      await bare.close();
    }
  });
});

describe('onboarding', () => {
  it("mails the first administrator's invitation; the link comes back only when no mail went out", async () => {
    const platform = await h.signedInUser({ email: uniqueEmail('platform'), platformAdmin: true });
    const client = h.trpc({ token: platform.token });
    const email = uniqueEmail('premier-admin');
    const slug = `staff-onb-${Math.random().toString(36).slice(2, 8)}`;
    const input = {
      name: 'Imagerie du Port',
      slug,
      firstSite: { name: 'Site du Port' },
      admin: { email, displayName: 'Première Administratrice' },
    };
    const out = await client.onboarding.tenants.onboard.mutate(input);
    expect(out.invitation).toMatchObject({ email: email.toLowerCase(), mailSent: true, link: null });
    const { mail, token } = lastMailTo(email);
    expect(mail.subject).toBe('Invitation à rejoindre Imagerie du Port sur Rayon');
    expect(mail.text).toContain('Administrateur du cabinet');
    expect((await h.trpc().auth.invitation.query({ token })).tenantName).toBe('Imagerie du Port');

    const bare = await createHarness();
    try {
      const p2 = await bare.signedInUser({ email: uniqueEmail('platform2'), platformAdmin: true });
      const out2 = await bare.trpc({ token: p2.token }).onboarding.tenants.onboard.mutate({
        ...input,
        slug: `${slug}-b`,
        admin: { ...input.admin, email: uniqueEmail('a2') },
      });
      expect(out2.invitation.mailSent).toBe(false);
      expect(out2.invitation.link).toMatch(/^http:\/\/portal\.test\/invitation\/[A-Za-z0-9_-]+$/);
    } finally {
      await bare.close();
    }
  });
});

describe('members', () => {
  it('changes roles; never leaves the practice without an active administrator', async () => {
    const m = await newMember(['secretary']);
    const changed = await adminA.staff.setRoles.mutate({
      userId: m.userId,
      roles: ['secretary', 'practice_admin'],
    });
    expect(changed.roles).toEqual(['practice_admin', 'secretary']);
    await adminA.staff.setRoles.mutate({ userId: m.userId, roles: ['secretary'] });
    expect(await trpcError(adminA.staff.setRoles.mutate({ userId: m.userId, roles: [] }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'roles',
    });

    // A practice with one administrator: they cannot step down nor be deactivated.
    const c = await createTestTenant(h.db, { name: 'Cabinet C' });
    const only = await h.signedInUser({
      email: uniqueEmail('only-admin'),
      memberships: [{ tenant: c, roles: ['practice_admin', 'radiologist'] }],
    });
    const second = await h.signedInUser({
      email: uniqueEmail('second-admin'),
      memberships: [{ tenant: c, roles: ['practice_admin'] }],
    });
    const adminC = h.trpc({ token: only.token, tenant: c.slug });
    // Two administrators: one may step down…
    await adminC.staff.setRoles.mutate({ userId: second.user.id, roles: ['secretary'] });
    // …but not the last one.
    expect(
      await trpcError(adminC.staff.setRoles.mutate({ userId: only.user.id, roles: ['radiologist'] })),
    ).toMatchObject({ code: 'CONFLICT', field: 'roles' });
    expect(await trpcError(adminC.staff.deactivate.mutate({ userId: only.user.id }))).toMatchObject({
      code: 'CONFLICT',
      field: 'userId',
    });
    // The last administrator, deactivated by another (former) administrator: refused too.
    await adminC.staff.setRoles.mutate({ userId: second.user.id, roles: ['practice_admin'] });
    const adminC2 = h.trpc({ token: second.token, tenant: c.slug });
    await adminC2.staff.deactivate.mutate({ userId: only.user.id });
    expect(
      await trpcError(adminC2.staff.setRoles.mutate({ userId: second.user.id, roles: ['secretary'] })),
    ).toMatchObject({ code: 'CONFLICT', field: 'roles' });
    // A deactivated administrator does not count.
    const listC = await adminC2.staff.list.query();
    expect(listC.members.find((x) => x.userId === only.user.id)).toMatchObject({ active: false });
  });

  it('two administrators demoting each other at the same moment: one succeeds, never both', async () => {
    const d = await createTestTenant(h.db, { name: 'Cabinet D' });
    const x = await h.signedInUser({
      email: uniqueEmail('x-admin'),
      memberships: [{ tenant: d, roles: ['practice_admin'] }],
    });
    const y = await h.signedInUser({
      email: uniqueEmail('y-admin'),
      memberships: [{ tenant: d, roles: ['practice_admin'] }],
    });
    const results = await Promise.allSettled([
      h
        .trpc({ token: x.token, tenant: d.slug })
        .staff.setRoles.mutate({ userId: y.user.id, roles: ['secretary'] }),
      h
        .trpc({ token: y.token, tenant: d.slug })
        .staff.setRoles.mutate({ userId: x.user.id, roles: ['secretary'] }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected')!;
    // Refused by the rule (CONFLICT), or, when the other change committed first, because the
    // caller is no administrator any more (FORBIDDEN): never both applied.
    const e = await trpcError(Promise.reject((refused as PromiseRejectedResult).reason));
    expect(['CONFLICT roles', 'FORBIDDEN null']).toContain(`${e.code} ${e.field}`);
    const admins = (await h.db.platform((tx) => listStaffMembers(tx, d.id))).filter((m) =>
      m.roles.includes('practice_admin'),
    );
    expect(admins).toHaveLength(1);
  });

  it('deactivation ends the sessions and the API keys at once; reactivation gives access back', async () => {
    const m = await newMember(['practice_admin', 'secretary']);
    const { secret } = await m.client.onboarding.apiKeys.create.mutate({
      tenantSlug: a.slug,
      name: 'Intégration de test',
      scopes: ['sites:read'],
    });
    expect((await h.rest('/sites', { key: secret })).status).toBe(200);
    expect((await m.client.onboarding.sites.list.query()).length).toBeGreaterThan(0);

    const off = await adminA.staff.deactivate.mutate({ userId: m.userId });
    expect(off.active).toBe(false);
    expect(off.disabledAt).not.toBeNull();
    // The old session token: 401 at once.
    expect(await trpcError(m.client.onboarding.sites.list.query())).toMatchObject({
      code: 'UNAUTHORIZED',
      httpStatus: 401,
    });
    // The API key: 401.
    expect((await h.rest('/sites', { key: secret })).status).toBe(401);
    // Signing in again gives no access to the practice.
    const again = await h.signIn(m.email, STRONG);
    expect((await h.trpc({ token: again }).auth.me.query()).memberships).toEqual([]);
    expect(
      await trpcError(h.trpc({ token: again, tenant: a.slug }).onboarding.sites.list.query()),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });

    const on = await adminA.staff.reactivate.mutate({ userId: m.userId });
    expect(on).toMatchObject({ active: true, disabledAt: null, roles: ['practice_admin', 'secretary'] });
    expect(
      (await h.trpc({ token: again, tenant: a.slug }).onboarding.sites.list.query()).length,
    ).toBeGreaterThan(0);
    // A revoked key stays revoked.
    expect((await h.rest('/sites', { key: secret })).status).toBe(401);
  });

  it('forgets the second factor of a member who lost it: sessions end, enrolment at the next sign-in', async () => {
    const m = await newMember(['practice_admin']);
    expect(h.totpSecrets.get(m.email)).toBeDefined(); // an administrator enrolled at sign-in
    const after = await adminA.staff.resetSecondFactor.mutate({ userId: m.userId });
    expect(after.userId).toBe(m.userId);
    expect(await trpcError(m.client.onboarding.sites.list.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    const first = await h.trpc().auth.login.mutate({ email: m.email, password: STRONG });
    expect(first).toMatchObject({ status: 'totp_enrolment_required' });

    // Not one's own, not another practice's member, not an account other practices share.
    expect(await trpcError(adminA.staff.resetSecondFactor.mutate({ userId: adminAId }))).toMatchObject({
      code: 'CONFLICT',
    });
    expect(await trpcError(adminB.staff.resetSecondFactor.mutate({ userId: m.userId }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const shared = await h.signedInUser({
      email: uniqueEmail('shared'),
      memberships: [
        { tenant: a, roles: ['radiologist'] },
        { tenant: b, roles: ['practice_admin'] },
      ],
    });
    expect(await trpcError(adminA.staff.resetSecondFactor.mutate({ userId: shared.user.id }))).toMatchObject({
      code: 'FORBIDDEN',
      field: 'userId',
    });
    expect((await h.trpc({ token: shared.token }).auth.me.query()).user.id).toBe(shared.user.id);
    // A secretary of the practice may not.
    expect(await trpcError(secretaryA.staff.resetSecondFactor.mutate({ userId: m.userId }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    // REST: practice B's key does not reach A's member; A's key does.
    const keyOf = async (client: Client, slug: string) =>
      (
        await client.onboarding.apiKeys.create.mutate({
          tenantSlug: slug,
          name: 'Équipe',
          scopes: ['staff:write'],
        })
      ).secret;
    const path = `/staff/${m.userId}/second-factor/reset`;
    expect((await h.rest(path, { key: await keyOf(adminB, b.slug), method: 'POST' })).status).toBe(404);
    expect((await h.rest(path, { key: await keyOf(adminA, a.slug), method: 'POST' })).status).toBe(200);
  });

  it('refuses a profile with an invalid RPPS, naming profile.rpps', async () => {
    const m = await newMember(['radiologist']);
    expect(
      await trpcError(
        adminA.staff.setProfile.mutate({
          userId: m.userId,
          profile: {
            civility: 'Dr',
            familyName: 'Martin',
            givenName: 'Anne',
            rpps: '10001234567',
            signsReports: true,
          },
        }),
      ),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'profile.rpps' });
    const ok = await adminA.staff.setProfile.mutate({
      userId: m.userId,
      profile: {
        civility: 'Dr',
        familyName: 'Martin',
        givenName: 'Anne',
        rpps: '10001234565',
        signsReports: true,
      },
    });
    expect(ok.profile).toEqual({
      civility: 'Dr',
      familyName: 'Martin',
      givenName: 'Anne',
      rpps: '10001234565',
      signsReports: true,
    });
    expect(ok.signer).toEqual({ ready: true, problems: [] });
    // One RPPS, one member.
    const other = await newMember(['radiologist']);
    expect(
      await trpcError(
        adminA.staff.setProfile.mutate({ userId: other.userId, profile: { rpps: '10001234565' } }),
      ),
    ).toMatchObject({ code: 'CONFLICT', field: 'profile.rpps' });
  });

  it('a non-administrator member is refused (FORBIDDEN)', async () => {
    expect(await trpcError(secretaryA.staff.list.query())).toMatchObject({ code: 'FORBIDDEN' });
    expect(
      await trpcError(
        secretaryA.staff.invite.mutate({
          email: uniqueEmail('x'),
          displayName: 'X',
          roles: ['practice_admin'],
        }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('a radiologist invited with a profile signs reports', () => {
  it('validates with a complete profile; without RPPS the validation is refused (signer.no_rpps)', async () => {
    const ready = await newMember(['radiologist'], {
      civility: 'Dr',
      familyName: 'Lefèvre',
      givenName: 'Paul',
      rpps: '10000000017',
      signsReports: true,
    });
    const noRpps = await newMember(['radiologist'], {
      civility: 'Dr',
      familyName: 'Sans',
      givenName: 'Numéro',
      signsReports: true,
    });
    const list = await adminA.staff.list.query();
    expect(list.members.find((m) => m.userId === ready.userId)!.signer).toEqual({
      ready: true,
      problems: [],
    });
    expect(list.members.find((m) => m.userId === noRpps.userId)!.signer).toEqual({
      ready: false,
      problems: ['no_rpps'],
    });

    // An acquired exam to report.
    const desk = h.trpc({
      token: (
        await h.signedInUser({
          email: uniqueEmail('desk'),
          memberships: [{ tenant: a, roles: ['practice_admin', 'secretary'] }],
        })
      ).token,
      tenant: a.slug,
    });
    const [site] = await h.db.withTenant(a, listSites);
    const room = await desk.scheduling.rooms.create.mutate({ siteId: site!.id, name: 'Salle' });
    const ae = `STF${Math.random().toString(36).slice(2, 9).toUpperCase()}`;
    const week = Object.fromEntries(
      ['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '23:59']]]),
    );
    await desk.scheduling.modalities.create.mutate({
      roomId: room.id,
      name: 'IRM',
      type: 'MR',
      aeTitle: ae,
      openingHours: week,
    });
    const examType = await desk.scheduling.examTypes.create.mutate({
      label: 'IRM du genou',
      ccamCode: 'NZQN001',
      loinc: { code: '24802-1', label: 'RM genou' },
      modalityType: 'MR',
      durationMinutes: 20,
    });
    const patientId = (
      await desk.identity.create.mutate({
        traits: { birthFamilyName: 'EQUIPE', firstBirthForename: 'Lou', birthDate: '1980-05-05', sex: 'F' },
      })
    ).id;
    let day = 0;
    const acquired = async () => {
      const order = await desk.scheduling.orders.create.mutate({
        patientId,
        examTypeIds: [examType.id],
        urgency: 'routine',
      });
      const modality = (await desk.scheduling.modalities.list.query()).find((m) => m.aeTitle === ae)!;
      const exam = order.exams[0]!;
      await desk.scheduling.appointments.book.mutate({
        examId: exam.id,
        modalityId: modality.id,
        startsAt: new Date(Date.UTC(2032, 0, 6, 9, 0) + day++ * 24 * 3600_000).toISOString(),
      });
      await h.db.withTenant(a, (tx) => setExamStatus(tx, exam.id, 'completed'));
      return exam.id;
    };

    const refused = await noRpps.client.reporting.create.mutate({ examIds: [await acquired()] });
    const saved = await noRpps.client.reporting.save.mutate({
      id: refused.id,
      body: 'Examen normal.',
      revision: refused.versions[0]!.revision,
    });
    expect(
      await trpcError(
        noRpps.client.reporting.validate.mutate({ id: refused.id, revision: saved.versions[0]!.revision }),
      ),
    ).toMatchObject({ code: 'FORBIDDEN', field: 'signer.no_rpps' });

    const report = await ready.client.reporting.create.mutate({ examIds: [await acquired()] });
    const body = await ready.client.reporting.save.mutate({
      id: report.id,
      body: 'Examen normal.',
      revision: report.versions[0]!.revision,
    });
    const validated = await ready.client.reporting.validate.mutate({
      id: report.id,
      revision: body.versions[0]!.revision,
    });
    expect(validated.status).toBe('validated');
    const version = await h.db.withTenant(a, (tx) => findReportVersion(tx, report.id, 1));
    expect(version!.signer).toEqual({
      rpps: '10000000017',
      familyName: 'Lefèvre',
      givenName: 'Paul',
      prefix: 'Dr',
    });
  });
});

describe('REST /api/v1/staff', () => {
  it('staff:read lists but cannot invite; staff:write invites, changes and deactivates', async () => {
    const admin = await h.signedInUser({
      email: uniqueEmail('rest-admin'),
      memberships: [{ tenant: a, roles: ['practice_admin'] }],
    });
    const client = h.trpc({ token: admin.token, tenant: a.slug });
    const reader = (
      await client.onboarding.apiKeys.create.mutate({
        tenantSlug: a.slug,
        name: 'lecture',
        scopes: ['staff:read'],
      })
    ).secret;
    const writer = (
      await client.onboarding.apiKeys.create.mutate({
        tenantSlug: a.slug,
        name: 'écriture',
        scopes: ['staff:write'],
      })
    ).secret;

    const listed = await h.rest('/staff', { key: reader });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { members: { userId: string }[]; invitations: unknown[] };
    expect(body.members.map((m) => m.userId)).toContain(adminAId);

    const email = uniqueEmail('rest');
    const invite = { email, displayName: 'Par API', roles: ['secretary'] };
    expect(
      (await h.rest('/staff/invitations', { key: reader, method: 'POST', body: JSON.stringify(invite) }))
        .status,
    ).toBe(403);
    expect((await h.rest('/staff', { key: writer })).status).toBe(403);
    const created = await h.rest('/staff/invitations', {
      key: writer,
      method: 'POST',
      body: JSON.stringify(invite),
    });
    expect(created.status).toBe(201);
    const out = (await created.json()) as {
      invitation: { id: string };
      mailSent: boolean;
      link: string | null;
    };
    expect(out).toMatchObject({ mailSent: true, link: null });
    // The mail names nobody as the inviter (an API key).
    expect(lastMailTo(email).mail.text).toContain('Vous êtes invité(e) à rejoindre');
    const bad = await h.rest('/staff/invitations', {
      key: writer,
      method: 'POST',
      body: JSON.stringify({
        ...invite,
        email: uniqueEmail('r2'),
        roles: ['radiologist'],
        profile: { rpps: '123' },
      }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('profile.rpps');

    const resent = await h.rest(`/staff/invitations/${out.invitation.id}/resend`, {
      key: writer,
      method: 'POST',
    });
    expect(resent.status).toBe(200);
    expect(
      (await h.rest(`/staff/invitations/${out.invitation.id}`, { key: writer, method: 'DELETE' })).status,
    ).toBe(200);

    const m = await newMember(['secretary']);
    const patched = await h.rest(`/staff/${m.userId}`, {
      key: writer,
      method: 'PATCH',
      body: JSON.stringify({
        roles: ['radiologist'],
        profile: {
          civility: 'Mme',
          familyName: 'Durand',
          givenName: 'Claire',
          rpps: '10000000025',
          signsReports: true,
        },
      }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      roles: ['radiologist'],
      signer: { ready: true, problems: [] },
    });
    // A partial profile keeps the rest.
    const partial = await h.rest(`/staff/${m.userId}`, {
      key: writer,
      method: 'PATCH',
      body: JSON.stringify({ profile: { signsReports: false } }),
    });
    expect(await partial.json()).toMatchObject({
      profile: { familyName: 'Durand', rpps: '10000000025', signsReports: false },
      signer: { ready: false, problems: ['not_signer'] },
    });
    expect((await h.rest(`/staff/${m.userId}/deactivate`, { key: writer, method: 'POST' })).status).toBe(200);
    expect(await trpcError(m.client.auth.me.query())).toMatchObject({ code: 'UNAUTHORIZED' });
    const back = await h.rest(`/staff/${m.userId}/reactivate`, { key: writer, method: 'POST' });
    expect(await back.json()).toMatchObject({ active: true });

    const spec = (await (await h.app.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, unknown>;
    };
    for (const p of [
      '/staff',
      '/staff/invitations',
      '/staff/invitations/{id}/resend',
      '/staff/invitations/{id}',
      '/staff/{userId}',
      '/staff/{userId}/deactivate',
      '/staff/{userId}/reactivate',
    ]) {
      expect(spec.paths).toHaveProperty([p]);
    }
  });
});

describe('practices stay apart', () => {
  it("practice B's administrator can neither see nor change practice A's staff (NOT_FOUND)", async () => {
    const m = await newMember(['secretary']);
    const email = uniqueEmail('apart');
    const inv = await adminA.staff.invite.mutate({ email, displayName: 'A seulement', roles: ['secretary'] });

    // The tenant header of A: not B's administrator's practice.
    const bInA = h.trpc({ token: adminBToken, tenant: a.slug });
    expect(await trpcError(bInA.staff.list.query())).toMatchObject({ code: 'NOT_FOUND' });

    // In B, A's ids are unknown.
    const listB = await adminB.staff.list.query();
    expect(listB.members.map((x) => x.userId)).not.toContain(m.userId);
    expect(listB.invitations.map((x) => x.id)).not.toContain(inv.invitation.id);
    // One call at a time (each awaited as it starts: no rejection is left unhandled meanwhile).
    for (const call of [
      () => adminB.staff.setRoles.mutate({ userId: m.userId, roles: ['practice_admin'] }),
      () => adminB.staff.setProfile.mutate({ userId: m.userId, profile: { rpps: null } }),
      () => adminB.staff.deactivate.mutate({ userId: m.userId }),
      () => adminB.staff.reactivate.mutate({ userId: m.userId }),
      () => adminB.staff.resetSecondFactor.mutate({ userId: m.userId }),
      () => adminB.staff.cancelInvitation.mutate({ invitationId: inv.invitation.id }),
      () => adminB.staff.resendInvitation.mutate({ invitationId: inv.invitation.id }),
    ]) {
      expect(await trpcError(call())).toMatchObject({ code: 'NOT_FOUND' });
    }

    // Through REST with B's key.
    const admB = await h.signedInUser({
      email: uniqueEmail('rest-b'),
      memberships: [{ tenant: b, roles: ['practice_admin'] }],
    });
    const keyB = (
      await h.trpc({ token: admB.token, tenant: b.slug }).onboarding.apiKeys.create.mutate({
        tenantSlug: b.slug,
        name: 'B',
        scopes: ['staff:read', 'staff:write'],
      })
    ).secret;
    const seen = (await (await h.rest('/staff', { key: keyB })).json()) as { members: { userId: string }[] };
    expect(seen.members.map((x) => x.userId)).not.toContain(m.userId);
    for (const [path, method, body] of [
      [`/staff/${m.userId}`, 'PATCH', { roles: ['practice_admin'] }],
      [`/staff/${m.userId}/deactivate`, 'POST', undefined],
      [`/staff/${m.userId}/reactivate`, 'POST', undefined],
      [`/staff/invitations/${inv.invitation.id}/resend`, 'POST', undefined],
      [`/staff/invitations/${inv.invitation.id}`, 'DELETE', undefined],
    ] as const) {
      const res = await h.rest(path, { key: keyB, method, ...(body ? { body: JSON.stringify(body) } : {}) });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    // Nothing changed in A.
    const still = await adminA.staff.list.query();
    expect(still.members.find((x) => x.userId === m.userId)).toMatchObject({
      roles: ['secretary'],
      active: true,
    });
    expect(still.invitations.map((x) => x.id)).toContain(inv.invitation.id);
  });
});
