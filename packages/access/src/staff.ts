/**
 * A practice's staff (« Équipe »): members and their roles, the profile printed on reports (who
 * may sign), invitations mailed with a single-use link, deactivation. Also the acceptance of an
 * invitation: a new account chooses its password; an existing account accepts signed in, and its
 * password is never touched (an invitation is not a way into someone else's account).
 */
import {
  addMembership,
  audit,
  cancelInvitation,
  countOtherActiveAdmins,
  deactivateMember,
  otherActivePractices,
  resetSecondFactor,
  existingAccountEmails,
  findOpenInvitation,
  findOpenInvitationsForEmail,
  findStaffMember,
  findTenantById,
  findTenantInvitation,
  findUserByEmail,
  findUserById,
  findUserProfile,
  findUserProfiles,
  findUserProfilesByRpps,
  insertInvitation,
  insertNewUser,
  listOpenInvitations,
  listStaffMembers,
  lockInvitationAddress,
  lockTenantStaff,
  markInvitationAccepted,
  reactivateMember,
  recordAudit,
  recordInvitationSend,
  renewInvitationToken,
  setMemberRoles,
  toTenantRef,
  upsertUserProfile,
  type InvitationRow,
  type PlatformContext,
  type StaffMemberRow,
  type TenantRow,
  type UseCaseContext,
  type UserProfileRow,
  findUserByPscSubject,
} from '@rayon/db';
import {
  AppError,
  assertAdministratorRemains,
  assertNotSelf,
  checkRoles,
  checkStaffProfile,
  conflict,
  formatParisDateAtTime,
  isCivility,
  signerProblems,
  TENANT_ROLE_LABELS,
  type ProfileLike,
  type SignerProblem,
  rppsToRecord,
  type PscProfessional,
  type StaffProfile,
  type TenantRole,
} from '@rayon/domain';
import type { AccessDeps } from './deps.ts';
import { assertAcceptablePassword } from './password-policy.ts';
import { hashPassword, randomToken, sha256 } from './secrets.ts';
import type { SessionUser } from './sessions.ts';

/** An invitation link is valid this long (a resend starts it again). */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface StaffMember {
  userId: string;
  email: string;
  displayName: string;
  roles: TenantRole[];
  active: boolean;
  disabledAt: string | null;
  lastSignInAt: string | null;
  profile: StaffProfile;
  signer: { ready: boolean; problems: SignerProblem[] };
}

export interface StaffInvitation {
  id: string;
  email: string;
  displayName: string;
  roles: TenantRole[];
  profile: StaffProfile | null;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  sentAt: string | null;
  sendError: string | null;
  existingAccount: boolean;
}

/** A profile change: a field left out keeps its value, null clears it. */
export interface StaffProfileInput {
  civility?: string | null | undefined;
  familyName?: string | null | undefined;
  givenName?: string | null | undefined;
  rpps?: string | null | undefined;
  signsReports?: boolean | undefined;
}

export interface InvitationOutcome {
  invitation: StaffInvitation;
  /** The mail went out: the link is in the invitee's mailbox only. */
  mailSent: boolean;
  /** Only when the mail could not be sent, so the administrator can pass it on. */
  link: string | null;
}

/**
 * The invited profile with what Pro Santé Connect says of the professional: its RPPS must be the
 * invited one or fills it; its civility and names fill those the administrator left empty.
 */
function withPscIdentity(invited: StaffProfile | null, professional?: PscProfessional): StaffProfile | null {
  if (!professional) return invited;
  const base = invited ?? staffProfile(null);
  return {
    ...base,
    rpps: rppsToRecord(base.rpps, professional.rpps) ?? base.rpps,
    civility: base.civility ?? professional.civility,
    familyName: base.familyName ?? professional.familyName,
    givenName: base.givenName ?? professional.givenName,
  };
}

/** A stored profile as the API shows it (loose stored strings become the typed shape). */
export function staffProfile(p: ProfileLike | null | undefined): StaffProfile {
  return {
    civility: p?.civility && isCivility(p.civility) ? p.civility : null,
    familyName: p?.familyName ?? null,
    givenName: p?.givenName ?? null,
    rpps: p?.rpps ?? null,
    signsReports: p?.signsReports ?? false,
  };
}

function memberView(m: StaffMemberRow, profile: UserProfileRow | undefined): StaffMember {
  const problems = signerProblems(m.roles, profile);
  return {
    userId: m.userId,
    email: m.email,
    displayName: m.displayName,
    roles: m.roles,
    active: m.disabledAt === null && m.userDisabledAt === null,
    disabledAt: (m.disabledAt ?? m.userDisabledAt)?.toISOString() ?? null,
    lastSignInAt: m.lastSignInAt?.toISOString() ?? null,
    profile: staffProfile(profile),
    signer: { ready: problems.length === 0, problems },
  };
}

function invitationView(i: InvitationRow, existingAccount: boolean, now: Date): StaffInvitation {
  return {
    id: i.id,
    email: i.email,
    displayName: i.displayName,
    roles: i.roles,
    profile: i.profile,
    createdAt: i.createdAt.toISOString(),
    expiresAt: i.expiresAt.toISOString(),
    expired: i.expiresAt.getTime() <= now.getTime(),
    sentAt: i.sentAt?.toISOString() ?? null,
    sendError: i.sendError,
    existingAccount,
  };
}

/** The invitation mail, in French (no patient data, ever). */
export function invitationMail(o: {
  tenantName: string;
  displayName: string;
  roles: readonly TenantRole[];
  link: string;
  expiresAt: Date;
  inviter: string | null;
  existingAccount: boolean;
}): { subject: string; text: string } {
  const roles = o.roles.map((r) => TENANT_ROLE_LABELS[r]);
  const roleText =
    roles.length <= 1 ? (roles[0] ?? '') : `${roles.slice(0, -1).join(', ')} et ${roles.at(-1)}`;
  const who = o.inviter ? `${o.inviter} vous invite` : 'Vous êtes invité(e)';
  return {
    subject: `Invitation à rejoindre ${o.tenantName} sur Rayon`,
    text: [
      `Bonjour ${o.displayName},`,
      '',
      `${who} à rejoindre ${o.tenantName} sur Rayon${roleText ? `, avec ${roles.length > 1 ? 'les rôles' : 'le rôle'} ${roleText}` : ''}.`,
      '',
      "Pour accepter l'invitation, ouvrez ce lien :",
      o.link,
      '',
      o.existingAccount
        ? 'Vous avez déjà un compte Rayon avec cette adresse : connectez-vous avec votre mot de passe habituel pour accepter.'
        : 'Vous y choisirez votre mot de passe.',
      `Ce lien est personnel et valable jusqu'au ${formatParisDateAtTime(o.expiresAt)} (heure de Paris).`,
      '',
      "Si vous n'attendiez pas cette invitation, ignorez ce message : rien ne sera fait sans vous.",
      '',
      '— Rayon',
    ].join('\n'),
  };
}

/**
 * Mails an invitation whose row has committed, and records the outcome (sent_at, or the relay's
 * answer in send_error). Never throws for a mail problem: the administrator then gets the link.
 */
export async function deliverInvitation(
  deps: Pick<AccessDeps, 'db' | 'logger' | 'mailer' | 'portalUrl'>,
  o: {
    invitation: InvitationRow;
    token: string;
    tenantName: string;
    inviter: string | null;
    existingAccount: boolean;
  },
): Promise<{ invitation: InvitationRow; mailSent: boolean; link: string }> {
  const link = `${deps.portalUrl.replace(/\/+$/, '')}/invitation/${o.token}`;
  const tokenHash = sha256(o.token);
  const record = async (outcome: { sent: true } | { sent: false; error: string }) =>
    (await deps.db.platform((tx) => recordInvitationSend(tx, o.invitation.id, tokenHash, outcome))) ??
    o.invitation;
  if (!deps.mailer) {
    return {
      invitation: await record({ sent: false, error: 'no SMTP relay is configured (RAYON_SMTP_URL)' }),
      mailSent: false,
      link,
    };
  }
  try {
    await deps.mailer.send({
      to: o.invitation.email,
      ...invitationMail({
        tenantName: o.tenantName,
        displayName: o.invitation.displayName,
        roles: o.invitation.roles,
        link,
        expiresAt: o.invitation.expiresAt,
        inviter: o.inviter,
        existingAccount: o.existingAccount,
      }),
    });
  } catch (e) {
    const error = (e instanceof Error ? e.message : String(e)).slice(0, 500);
    deps.logger.warn({ invitationId: o.invitation.id, err: error }, 'invitation mail not sent');
    return { invitation: await record({ sent: false, error }), mailSent: false, link };
  }
  return { invitation: await record({ sent: true }), mailSent: true, link };
}

/** The signed-in account acting (an API key or the system: none). */
const actingUserId = (ctx: PlatformContext) =>
  ctx.actor.type === 'user' ? (ctx.actor.id ?? undefined) : undefined;

export function createStaff(deps: AccessDeps) {
  const { db } = deps;

  async function tenantRow(ctx: UseCaseContext): Promise<TenantRow> {
    const t = await db.platform((tx) => findTenantById(tx, ctx.tenant.id));
    if (!t) throw new AppError('NOT_FOUND', 'practice not found');
    return t;
  }

  async function member(ctx: UseCaseContext, userId: string): Promise<StaffMember> {
    const { tenant } = ctx;
    const row = await db.platform((tx) => findStaffMember(tx, tenant.id, userId));
    if (!row) throw new AppError('NOT_FOUND', 'member not found', { field: 'userId' });
    const profile = await db.withTenant(tenant, (tx) => findUserProfile(tx, userId));
    return memberView(row, profile);
  }

  async function mailed(
    ctx: UseCaseContext,
    invitation: InvitationRow,
    token: string,
    tenantName: string,
    inviter: string | null,
  ): Promise<InvitationOutcome> {
    const existing = await db.platform((tx) => existingAccountEmails(tx, [invitation.email]));
    const existingAccount = existing.has(invitation.email.toLowerCase());
    const sent = await deliverInvitation(deps, {
      invitation,
      token,
      tenantName,
      inviter,
      existingAccount,
    });
    return {
      invitation: invitationView(sent.invitation, existingAccount, ctx.now()),
      mailSent: sent.mailSent,
      link: sent.mailSent ? null : sent.link,
    };
  }

  /** The open invitation behind a token, with its practice (NOT_FOUND otherwise). */
  async function openInvitation(token: string) {
    return db.platform(async (tx) => {
      const inv = await findOpenInvitation(tx, sha256(token));
      if (!inv) {
        throw new AppError('NOT_FOUND', 'invitation not found, expired or already used', { field: 'token' });
      }
      const tenant = await findTenantById(tx, inv.tenantId);
      if (!tenant || tenant.status === 'deprovisioning' || tenant.status === 'deprovisioned') {
        throw new AppError('NOT_FOUND', 'invitation not found, expired or already used', { field: 'token' });
      }
      return { inv, tenant };
    });
  }

  function assertTenantReady(tenant: TenantRow) {
    if (tenant.status !== 'active') {
      throw new AppError('CONFLICT', 'the practice is not ready yet; try again in a moment', {
        field: 'token',
      });
    }
  }

  /** Membership, tenant profile, acceptance and audit, in one transaction of the practice. */
  async function join(
    ctx: PlatformContext,
    tenant: TenantRow,
    tokenHash: string,
    userId: string | null,
    newAccount?: { passwordHash: string } | { pscSubject: string },
    professional?: PscProfessional,
  ) {
    return db.withTenant(toTenantRef(tenant), async (tx) => {
      const inv = await findOpenInvitation(tx, tokenHash);
      if (!inv) {
        throw new AppError('NOT_FOUND', 'invitation not found, expired or already used', { field: 'token' });
      }
      let id = userId;
      if (newAccount) {
        const user = await insertNewUser(tx, {
          email: inv.email.toLowerCase(),
          displayName: professional?.displayName ?? inv.displayName,
          ...newAccount,
        });
        if (!user) {
          throw new AppError('CONFLICT', 'this address already has an account: sign in to accept', {
            field: 'token',
          });
        }
        id = user.id;
      }
      await addMembership(tx, inv.tenantId, id!, inv.roles);
      const existing = await findUserProfile(tx, id!);
      const invited = withPscIdentity(inv.profile, professional);
      await upsertUserProfile(tx, {
        userId: id!,
        displayName: existing?.displayName ?? inv.displayName,
        ...(invited
          ? {
              civility: invited.civility,
              familyName: invited.familyName,
              givenName: invited.givenName,
              rpps: invited.rpps,
              signsReports: invited.signsReports,
            }
          : {}),
      });
      await markInvitationAccepted(tx, inv.id, id!);
      await recordAudit(tx, {
        actor: { type: 'user', id: id! },
        action: 'invitation.accepted',
        target: inv.id,
        requestId: ctx.requestId,
        details: { roles: inv.roles, newAccount: Boolean(newAccount), psc: Boolean(professional) },
      });
      return { ...inv, acceptedBy: id! };
    });
  }

  /** CONFLICT when no active administrator would be left. */
  async function setRoles(
    ctx: UseCaseContext,
    input: { userId: string; roles: readonly string[] },
  ): Promise<StaffMember> {
    const { tenant } = ctx;
    const roles = checkRoles(input.roles);
    await db.platform(async (tx) => {
      await lockTenantStaff(tx, tenant.id);
      const m = await findStaffMember(tx, tenant.id, input.userId, { forUpdate: true });
      if (!m) throw new AppError('NOT_FOUND', 'member not found', { field: 'userId' });
      if (m.disabledAt === null && m.userDisabledAt === null) {
        assertAdministratorRemains(await countOtherActiveAdmins(tx, tenant.id, m.userId), {
          roles,
          active: true,
        });
      }
      await setMemberRoles(tx, tenant.id, m.userId, roles);
      await audit(ctx, tx, 'staff.roles-changed', m.userId, { from: m.roles, to: roles }, tenant.id);
    });
    return member(ctx, input.userId);
  }

  /**
   * The profile printed on reports; a field left out keeps its value. An RPPS number belongs to
   * one member of the practice.
   */
  async function setProfile(
    ctx: UseCaseContext,
    input: { userId: string; profile: StaffProfileInput },
  ): Promise<StaffMember> {
    const { tenant } = ctx;
    const { userId, profile: given } = input;
    checkStaffProfile(given, 'profile');
    const m = await db.platform((tx) => findStaffMember(tx, tenant.id, userId));
    if (!m) throw new AppError('NOT_FOUND', 'member not found', { field: 'userId' });
    await db.withTenant(tenant, async (tx) => {
      const existing = await findUserProfile(tx, m.userId);
      const kept = staffProfile(existing);
      const pick = <K extends keyof StaffProfile>(k: K) =>
        given[k] === undefined ? kept[k] : (given[k] as StaffProfile[K]);
      const profile = checkStaffProfile(
        {
          civility: pick('civility'),
          familyName: pick('familyName'),
          givenName: pick('givenName'),
          rpps: pick('rpps'),
          signsReports: pick('signsReports'),
        },
        'profile',
      );
      if (profile.rpps) {
        const holders = await findUserProfilesByRpps(tx, profile.rpps);
        if (holders.some((h) => h.userId !== m.userId)) {
          throw conflict('another member of the practice has this RPPS number', { field: 'profile.rpps' });
        }
      }
      await upsertUserProfile(tx, {
        userId: m.userId,
        displayName: existing?.displayName ?? m.displayName,
        ...profile,
      });
      await audit(ctx, tx, 'staff.profile-changed', m.userId, {
        signsReports: profile.signsReports,
        rpps: profile.rpps !== null,
      });
    });
    return member(ctx, m.userId);
  }

  return {
    async list(ctx: UseCaseContext): Promise<{ members: StaffMember[]; invitations: StaffInvitation[] }> {
      const { tenant } = ctx;
      const [rows, invitations] = await db.platform(async (tx) => [
        await listStaffMembers(tx, tenant.id),
        await listOpenInvitations(tx, tenant.id),
      ]);
      const profiles = await db.withTenant(tenant, (tx) =>
        findUserProfiles(
          tx,
          rows.map((r) => r.userId),
        ),
      );
      const existing = await db.platform((tx) =>
        existingAccountEmails(
          tx,
          invitations.map((i) => i.email),
        ),
      );
      const now = ctx.now();
      return {
        members: rows.map((r) => memberView(r, profiles.get(r.userId))),
        invitations: invitations.map((i) => invitationView(i, existing.has(i.email.toLowerCase()), now)),
      };
    },

    /**
     * Invites a person: the invitation row (only the token's SHA-256) and its audit commit, then
     * the mail goes out. CONFLICT when the address is already an active member or has a pending
     * invitation; an expired one is replaced. `inviter`: the signed-in administrator's name, as
     * the mail names them (an API key: null).
     */
    async invite(
      ctx: UseCaseContext,
      input: {
        email: string;
        displayName: string;
        roles: readonly string[];
        profile?: Partial<StaffProfile> | undefined;
      },
      inviter: string | null,
    ): Promise<InvitationOutcome> {
      const tenant = await tenantRow(ctx);
      const email = input.email.trim().toLowerCase();
      const roles = checkRoles(input.roles);
      const profile = input.profile ? checkStaffProfile(input.profile, 'profile') : null;
      const token = randomToken();
      const now = ctx.now();
      const invitation = await db.platform(async (tx) => {
        await lockInvitationAddress(tx, tenant.id, email);
        const user = await findUserByEmail(tx, email);
        if (user) {
          const m = await findStaffMember(tx, tenant.id, user.id);
          if (m && m.disabledAt === null) {
            throw conflict('this person is already a member of the practice', { field: 'email' });
          }
        }
        for (const open of await findOpenInvitationsForEmail(tx, tenant.id, email)) {
          if (open.expiresAt.getTime() > now.getTime()) {
            throw conflict('this address already has a pending invitation: resend it instead', {
              field: 'email',
            });
          }
          await cancelInvitation(tx, open.id);
        }
        const row = await insertInvitation(tx, {
          tokenHash: sha256(token),
          tenantId: tenant.id,
          email,
          displayName: input.displayName.trim(),
          roles,
          profile,
          expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
          createdBy: actingUserId(ctx) ?? null,
        });
        await audit(ctx, tx, 'staff.invited', row.id, { roles }, tenant.id);
        return row;
      });
      return mailed(ctx, invitation, token, tenant.name, inviter);
    },

    /** A new link (new token, new expiry) mailed again: the previous link stops working. */
    async resendInvitation(
      ctx: UseCaseContext,
      invitationId: string,
      inviter: string | null,
    ): Promise<InvitationOutcome> {
      const tenant = await tenantRow(ctx);
      const token = randomToken();
      const invitation = await db.platform(async (tx) => {
        const inv = await findTenantInvitation(tx, tenant.id, invitationId, { forUpdate: true });
        if (!inv || inv.acceptedAt || inv.cancelledAt) {
          throw new AppError('NOT_FOUND', 'invitation not found', { field: 'invitationId' });
        }
        const row = await renewInvitationToken(
          tx,
          inv.id,
          sha256(token),
          new Date(ctx.now().getTime() + INVITATION_TTL_MS),
        );
        await audit(ctx, tx, 'staff.invitation-resent', inv.id, undefined, tenant.id);
        return row;
      });
      return mailed(ctx, invitation, token, tenant.name, inviter);
    },

    async cancelInvitation(ctx: UseCaseContext, invitationId: string): Promise<{ ok: true }> {
      const { tenant } = ctx;
      await db.platform(async (tx) => {
        const inv = await findTenantInvitation(tx, tenant.id, invitationId, { forUpdate: true });
        if (!inv || inv.acceptedAt || inv.cancelledAt) {
          throw new AppError('NOT_FOUND', 'invitation not found', { field: 'invitationId' });
        }
        await cancelInvitation(tx, inv.id);
        await audit(ctx, tx, 'staff.invitation-cancelled', inv.id, undefined, tenant.id);
      });
      return { ok: true };
    },

    setRoles,
    setProfile,

    /** REST `PATCH`: roles and/or profile, both checked before either is written. */
    async update(
      ctx: UseCaseContext,
      input: {
        userId: string;
        roles?: readonly string[] | undefined;
        profile?: StaffProfileInput | undefined;
      },
    ): Promise<StaffMember> {
      if (input.roles) checkRoles(input.roles);
      if (input.profile) checkStaffProfile(input.profile, 'profile');
      let result: StaffMember | undefined;
      if (input.roles) result = await setRoles(ctx, { userId: input.userId, roles: input.roles });
      if (input.profile) result = await setProfile(ctx, { userId: input.userId, profile: input.profile });
      return result ?? member(ctx, input.userId);
    },

    /**
     * Ends the member's access at once: the membership is deactivated, every session of the
     * account ends and the API keys they created in this practice are revoked, in one transaction.
     * CONFLICT for oneself and for the last active administrator.
     */
    async deactivate(ctx: UseCaseContext, userId: string): Promise<StaffMember> {
      const { tenant } = ctx;
      assertNotSelf(actingUserId(ctx), userId);
      await db.platform(async (tx) => {
        await lockTenantStaff(tx, tenant.id);
        const m = await findStaffMember(tx, tenant.id, userId, { forUpdate: true });
        if (!m) throw new AppError('NOT_FOUND', 'member not found', { field: 'userId' });
        if (m.disabledAt !== null) return;
        assertAdministratorRemains(await countOtherActiveAdmins(tx, tenant.id, m.userId), {
          roles: m.roles,
          active: false,
        });
        const ended = await deactivateMember(tx, tenant.id, m.userId);
        await audit(
          ctx,
          tx,
          'staff.deactivated',
          m.userId,
          { sessionsEnded: ended.sessions, apiKeysRevoked: ended.apiKeys },
          tenant.id,
        );
      });
      return member(ctx, userId);
    },

    /**
     * A member who lost their authenticator: the second factor is forgotten and their sessions
     * end; they enrol again at their next sign-in when a factor is due. Only for an account that
     * belongs to this practice alone (another practice's or the platform's administrators keep
     * theirs: FORBIDDEN), never for oneself (CONFLICT).
     */
    async resetSecondFactor(ctx: UseCaseContext, userId: string): Promise<StaffMember> {
      const { tenant } = ctx;
      assertNotSelf(actingUserId(ctx), userId, 'reset your own second factor');
      await db.platform(async (tx) => {
        const m = await findStaffMember(tx, tenant.id, userId, { forUpdate: true });
        if (!m) throw new AppError('NOT_FOUND', 'member not found', { field: 'userId' });
        const user = await findUserById(tx, userId);
        if (user?.isPlatformAdmin || (await otherActivePractices(tx, userId, tenant.id)) > 0) {
          throw new AppError(
            'FORBIDDEN',
            'this account belongs to other practices too: the platform administrator resets its second factor',
            { field: 'userId' },
          );
        }
        const ended = await resetSecondFactor(tx, userId);
        await audit(ctx, tx, 'staff.second-factor-reset', userId, { sessionsEnded: ended }, tenant.id);
      });
      return member(ctx, userId);
    },

    async reactivate(ctx: UseCaseContext, userId: string): Promise<StaffMember> {
      const { tenant } = ctx;
      await db.platform(async (tx) => {
        const m = await findStaffMember(tx, tenant.id, userId, { forUpdate: true });
        if (!m) throw new AppError('NOT_FOUND', 'member not found', { field: 'userId' });
        if (m.disabledAt === null) return;
        await reactivateMember(tx, tenant.id, m.userId);
        await audit(ctx, tx, 'staff.reactivated', m.userId, undefined, tenant.id);
      });
      return member(ctx, userId);
    },

    /** What the invitation page shows before acceptance (public: the token is the secret). */
    async invitation(_ctx: PlatformContext, token: string) {
      const { inv, tenant } = await openInvitation(token);
      const existing = await db.platform((tx) => findUserByEmail(tx, inv.email));
      return {
        email: inv.email,
        displayName: inv.displayName,
        tenantName: tenant.name,
        existingAccount: Boolean(existing),
      };
    },

    /**
     * Accepts an invitation with a new account: only for an address that has none. An address
     * with an account is refused (CONFLICT on `token`): its owner signs in and accepts
     * (`acceptInvitationSignedIn`); nobody else can set its password through an invitation.
     */
    async acceptInvitation(
      ctx: PlatformContext,
      input: { token: string; password: string },
    ): Promise<{ email: string }> {
      const { inv, tenant } = await openInvitation(input.token);
      if (await db.platform((tx) => findUserByEmail(tx, inv.email))) {
        throw new AppError('CONFLICT', 'this address already has an account: sign in to accept', {
          field: 'token',
        });
      }
      assertTenantReady(tenant);
      assertAcceptablePassword(input.password, {
        email: inv.email,
        displayName: inv.displayName,
        practiceNames: [tenant.name, tenant.slug],
      });
      const passwordHash = await hashPassword(input.password);
      const accepted = await join(ctx, tenant, sha256(input.token), null, { passwordHash });
      return { email: accepted.email.toLowerCase() };
    },

    /** NOT_FOUND unless the invitation is open (before sending its invitee to Pro Santé Connect). */
    async assertOpenInvitation(_ctx: PlatformContext, token: string): Promise<void> {
      await openInvitation(token);
    },

    /**
     * Accepts an invitation with a Pro Santé Connect identity: the account linked to it when that
     * account is the invitee's, or a new account without password, linked to it. An existing
     * account of the invitee that is not linked signs in first and links from « Mon compte »:
     * the invitation link alone never binds an e-CPS to an existing account.
     */
    async acceptInvitationWithPsc(
      ctx: PlatformContext,
      token: string,
      professional: PscProfessional,
    ): Promise<string> {
      const { inv, tenant } = await openInvitation(token);
      const [linked, invitee] = await db.platform(async (tx) => [
        await findUserByPscSubject(tx, professional.nationalId),
        await findUserByEmail(tx, inv.email),
      ]);
      if (linked ? linked.id !== invitee?.id : invitee) {
        throw new AppError('CONFLICT', 'this e-CPS or the invited address belongs to another account', {
          field: 'token',
          reason: 'psc.invitation_other_account',
        });
      }
      assertTenantReady(tenant);
      const accepted = linked
        ? await join(ctx, tenant, sha256(token), linked.id, undefined, professional)
        : await join(ctx, tenant, sha256(token), null, { pscSubject: professional.nationalId }, professional);
      return accepted.acceptedBy!;
    },

    /** Accepts an invitation as the signed-in account it was sent to; the password is untouched. */
    async acceptInvitationSignedIn(
      ctx: PlatformContext,
      user: SessionUser,
      token: string,
    ): Promise<{ tenantSlug: string }> {
      const { inv, tenant } = await openInvitation(token);
      const account = await db.platform((tx) => findUserById(tx, user.id));
      if (!account || account.email.toLowerCase() !== inv.email.toLowerCase()) {
        throw new AppError('FORBIDDEN', 'this invitation was sent to another address', { field: 'token' });
      }
      assertTenantReady(tenant);
      await join(ctx, tenant, sha256(token), account.id);
      return { tenantSlug: tenant.slug };
    },
  };
}
