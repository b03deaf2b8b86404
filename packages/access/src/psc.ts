/**
 * Pro Santé Connect (PSC) for the portal: a professional signs in with the e-CPS or the CPS card,
 * links the PSC identity to the account once (signed in, or while accepting an invitation), and
 * signs out of PSC with Rayon. The relying party is `@rayon/connectors/psc` (openid-client); the
 * flows in progress, the link and the sealed tokens are in the control plane. Facts: reference
 * national-services.md §4.
 */
import { openSecret, sealSecret } from '@rayon/connectors/certificates';
import {
  PscError,
  type PscChecks,
  type PscClient,
  type PscSignIn,
  type PscTokens,
} from '@rayon/connectors/psc';
import {
  deleteSessionsByPscSid,
  findSessionPsc,
  findUserById,
  findUserByPscSubject,
  findUserProfile,
  insertPscFlow,
  insertSignInEvent,
  linkPscSubject,
  listMemberships,
  parseStored,
  recordAudit,
  takePscFlow,
  toTenantRef,
  unlinkPscSubject,
  updateSessionPscTokens,
  upsertUserProfile,
  type PlatformContext,
  type PscFlowPurpose,
  type UserRow,
} from '@rayon/db';
import {
  AppError,
  pscProfessionalOf,
  rppsToRecord,
  type PscProfessional,
  type PscRefusal,
} from '@rayon/domain';
import { z } from 'zod';
import type { AccessDeps } from './deps.ts';
import { randomToken, sha256 } from './secrets.ts';
import type { SessionUser } from './sessions.ts';
import type { createSignInFlow, SignInClient, SignedIn } from './sign-in.ts';
import type { createStaff } from './staff.ts';

/** Time to come back from PSC with the authorization response. */
const FLOW_TTL_MS = 10 * 60 * 1000;
/** An access token closer than this to its expiry is refreshed before it is handed out. */
const REFRESH_MARGIN_MS = 60 * 1000;
/** Seals the flow's checks and the session's tokens (AES-GCM context, not a secret). */
const FLOW_CONTEXT = 'psc-flow';
const TOKENS_CONTEXT = 'psc-tokens';
/** Logout tokens seen (jti), kept past their validity so that none is replayed. */
const LOGOUT_JTI_TTL_S = 15 * 60;

export type PscBeginInput = {
  purpose: PscFlowPurpose;
  /** `link` without a session: the pending token a refused password gave (auth.psc_required). */
  linkToken?: string | undefined;
  invitationToken?: string | undefined;
  returnTo?: string | undefined;
  cguAccepted?: boolean | undefined;
};

export type PscCompletion =
  | (SignedIn & { returnTo: string | null })
  | { status: 'linked'; returnTo: string | null }
  | { status: 'unlinked'; professional: { displayName: string; nationalId: string } };

/** What a flow in progress seals (`psc_flows.checks`): PSC's checks and the tokens it carries on. */
const flowSecretsSchema = z.object({
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  invitationToken: z.string().optional(),
  linkToken: z.string().optional(),
}) satisfies z.ZodType<PscChecks>;
type FlowSecrets = z.output<typeof flowSecretsSchema>;

/** The session's PSC tokens as sealed (`sessions.psc_tokens`). */
const tokensSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string().nullable(),
  idToken: z.string(),
  expiresAt: z.number(),
}) satisfies z.ZodType<PscTokens>;

/** `psc.<reason>` errors, as the portal explains them. */
function refusal(code: AppError['code'], reason: PscRefusal, message: string, field?: string): AppError {
  return new AppError(code, message, { ...(field ? { field } : {}), reason: `psc.${reason}` });
}

function fromPscError(e: PscError): AppError {
  return refusal(e.reason === 'unavailable' ? 'UNAVAILABLE' : 'UNAUTHENTICATED', e.reason, e.message);
}

/** A return path inside the portal only (never another site). */
function safeReturnTo(value: string | undefined): string | null {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null;
  return value.slice(0, 500);
}

export function createPsc(
  deps: AccessDeps,
  flow: ReturnType<typeof createSignInFlow>,
  staff: Pick<ReturnType<typeof createStaff>, 'acceptInvitationWithPsc' | 'assertOpenInvitation'>,
) {
  const { db, redis } = deps;

  function client(): PscClient {
    if (!deps.psc) throw refusal('CONFLICT', 'not_configured', 'Pro Santé Connect is not configured here');
    return deps.psc;
  }

  const seal = (value: unknown, context: string) =>
    sealSecret(JSON.stringify(value), deps.secretsKey, context);
  /** A sealed value, opened and parsed by its schema (an error names the malformed field). */
  const open = <S extends z.ZodType>(schema: S, sealed: string, context: string): z.output<S> =>
    parseStored(
      schema,
      JSON.parse(openSecret(sealed, deps.secretsKey, context).toString('utf8')),
      `sealed ${context}`,
    );

  async function journal(
    user: Pick<UserRow, 'id' | 'email'> | undefined,
    outcome: 'psc_refused' | 'psc_unlinked',
    c: SignInClient,
    acr: string | null = null,
  ) {
    await db.platform((tx) =>
      insertSignInEvent(tx, {
        userId: user?.id ?? null,
        email: user?.email ?? 'Pro Santé Connect',
        outcome,
        acr,
        clientIp: c.ip ?? null,
        userAgent: c.userAgent?.slice(0, 400) ?? null,
      }),
    );
  }

  /**
   * The RPPS of the PSC identity fills, or must match, the one each practice of the account
   * records; the civility and names of exercise fill those left empty. Nothing is written when
   * one practice disagrees.
   */
  async function alignProfiles(ctx: PlatformContext, userId: string, professional: PscProfessional) {
    const practices = (await db.platform((tx) => listMemberships(tx, userId))).filter(
      (m) => m.status === 'active',
    );
    const writes: (() => Promise<void>)[] = [];
    for (const m of practices) {
      const tenant = toTenantRef({ id: m.tenantId, slug: m.slug, schemaName: m.schemaName });
      const profile = await db.withTenant(tenant, (tx) => findUserProfile(tx, userId));
      if (!profile) continue;
      const rpps = rppsToRecord(profile.rpps, professional.rpps);
      const fill = {
        ...(rpps ? { rpps } : {}),
        ...(!profile.civility && professional.civility ? { civility: professional.civility } : {}),
        ...(!profile.familyName && professional.familyName ? { familyName: professional.familyName } : {}),
        ...(!profile.givenName && professional.givenName ? { givenName: professional.givenName } : {}),
      };
      if (Object.keys(fill).length === 0) continue;
      writes.push(() =>
        db.withTenant(tenant, async (tx) => {
          await upsertUserProfile(tx, { userId, displayName: profile.displayName, ...fill });
          await recordAudit(tx, {
            actor: { type: 'user', id: userId },
            action: 'staff.profile-filled-from-psc',
            target: userId,
            requestId: ctx.requestId,
            details: { fields: Object.keys(fill) },
          });
        }),
      );
    }
    for (const write of writes) await write();
  }

  async function link(ctx: PlatformContext, userId: string, professional: PscProfessional): Promise<void> {
    const user = await db.platform((tx) => findUserById(tx, userId));
    if (!user || user.disabledAt) throw refusal('UNAUTHENTICATED', 'account_disabled', 'account disabled');
    if (user.pscSubject === professional.nationalId) return;
    const holder = await db.platform((tx) => findUserByPscSubject(tx, professional.nationalId));
    if (user.pscSubject || holder) {
      throw refusal('CONFLICT', 'already_linked', 'this e-CPS or this account is already linked to another');
    }
    await alignProfiles(ctx, userId, professional);
    await db.platform(async (tx) => {
      if (!(await linkPscSubject(tx, userId, professional.nationalId))) {
        throw refusal('CONFLICT', 'already_linked', 'this account is already linked to another e-CPS');
      }
      await recordAudit(tx, {
        actor: { type: 'user', id: userId },
        action: 'auth.psc_linked',
        target: userId,
        requestId: ctx.requestId,
        details: { nationalId: professional.nationalId },
      });
    });
  }

  async function signIn(
    ctx: PlatformContext,
    user: UserRow,
    done: PscSignIn,
    c: SignInClient,
  ): Promise<SignedIn> {
    if (user.disabledAt) {
      await journal(user, 'psc_refused', c, done.acr);
      throw refusal('UNAUTHENTICATED', 'account_disabled', 'account disabled');
    }
    return flow.openSession(ctx, user, c, 'psc_success', {
      sid: done.sid,
      sealedTokens: seal(done.tokens, TOKENS_CONTEXT),
      acr: done.acr,
    });
  }

  return {
    status: (_ctx: PlatformContext) => ({ enabled: Boolean(deps.psc) }),

    /** First leg: where to send the browser, and the token that binds the flow to it. */
    async begin(ctx: PlatformContext, input: PscBeginInput, sessionUser: SessionUser | undefined) {
      const psc = client();
      const linking =
        input.purpose === 'link'
          ? (sessionUser ?? (input.linkToken ? await flow.pendingUser(input.linkToken) : undefined))
          : undefined;
      if (input.purpose === 'link' && !linking) throw new AppError('UNAUTHENTICATED', 'sign in first');
      if (input.purpose !== 'sign_in' && input.cguAccepted !== true) {
        throw refusal(
          'BAD_INPUT',
          'cgu_required',
          'accept the conditions of use of Pro Santé Connect',
          'cguAccepted',
        );
      }
      if (input.purpose === 'invitation') {
        if (!input.invitationToken) throw new AppError('BAD_INPUT', 'required', { field: 'invitationToken' });
        await staff.assertOpenInvitation(ctx, input.invitationToken);
      }
      let started;
      try {
        started = await psc.begin();
      } catch (e) {
        throw fromPscError(e instanceof PscError ? e : new PscError('unavailable', String(e)));
      }
      const secrets: FlowSecrets = {
        ...started.checks,
        ...(input.invitationToken ? { invitationToken: input.invitationToken } : {}),
        ...(input.purpose === 'link' && !sessionUser && input.linkToken
          ? { linkToken: input.linkToken }
          : {}),
      };
      const flowToken = randomToken();
      const expiresAt = new Date(ctx.now().getTime() + FLOW_TTL_MS);
      await db.platform((tx) =>
        insertPscFlow(tx, {
          tokenHash: sha256(flowToken),
          purpose: input.purpose,
          checks: seal(secrets, FLOW_CONTEXT),
          userId: linking?.id ?? null,
          invitationTokenHash: input.invitationToken ? sha256(input.invitationToken) : null,
          returnTo: safeReturnTo(input.returnTo),
          cguAccepted: input.cguAccepted === true,
          expiresAt,
        }),
      );
      return { flowToken, authorizationUrl: started.url, expiresAt: expiresAt.toISOString() };
    },

    /**
     * Second leg: the callback's query with the flow it belongs to (used once). The id_token is
     * checked by the connector (signature, nonce, state, acr eidas1); the identity comes from
     * userinfo's `SubjectNameID`.
     */
    async complete(
      ctx: PlatformContext,
      input: { flowToken: string; query: string },
      c: SignInClient,
    ): Promise<PscCompletion> {
      const psc = client();
      const row = await db.platform((tx) => takePscFlow(tx, sha256(input.flowToken)));
      if (!row)
        throw refusal('UNAUTHENTICATED', 'flow_expired', 'this sign-in has expired or was already used');
      const secrets = open(flowSecretsSchema, row.checks, FLOW_CONTEXT);
      let done: PscSignIn;
      try {
        done = await psc.complete(input.query, secrets);
      } catch (e) {
        const failure = e instanceof PscError ? e : new PscError('provider_error', String(e));
        deps.logger.warn({ reason: failure.reason, err: failure.message }, 'psc: callback refused');
        await journal(undefined, 'psc_refused', c);
        throw fromPscError(failure);
      }
      const professional = pscProfessionalOf(done.userinfo);
      const returnTo = row.returnTo;

      if (row.purpose === 'link') {
        // Linked after a refused password (PSC required): the pending session is spent and the
        // professional is signed in by PSC.
        if (secrets.linkToken && !(await flow.consumePending(secrets.linkToken))) {
          throw refusal('UNAUTHENTICATED', 'flow_expired', 'the password step has expired; start again');
        }
        await link(ctx, row.userId!, professional);
        if (!secrets.linkToken) return { status: 'linked', returnTo };
        const user = (await db.platform((tx) => findUserById(tx, row.userId!)))!;
        return { ...(await signIn(ctx, user, done, c)), returnTo };
      }
      if (row.purpose === 'invitation') {
        const userId = await staff.acceptInvitationWithPsc(ctx, secrets.invitationToken!, professional);
        const user = (await db.platform((tx) => findUserById(tx, userId)))!;
        return { ...(await signIn(ctx, user, done, c)), returnTo };
      }
      const user = await db.platform((tx) => findUserByPscSubject(tx, professional.nationalId));
      if (!user) {
        await journal(undefined, 'psc_unlinked', c, done.acr);
        // The professional's tokens are of no use to anyone here: give them back.
        await psc.revoke(done.tokens.refreshToken ?? done.tokens.accessToken);
        return {
          status: 'unlinked',
          professional: { displayName: professional.displayName, nationalId: professional.nationalId },
        };
      }
      return { ...(await signIn(ctx, user, done, c)), returnTo };
    },

    /**
     * Logout of a PSC session: the tokens are given back and the browser is to go to PSC's
     * end_session (id_token_hint, post_logout_redirect_uri) so the PSC session ends too.
     * Called before the Rayon session row is deleted.
     */
    async endSessionUrl(_ctx: PlatformContext, sessionToken: string): Promise<string | null> {
      if (!deps.psc) return null;
      const session = await db.platform((tx) => findSessionPsc(tx, sha256(sessionToken)));
      if (session?.authMethod !== 'psc' || !session.pscTokens) return null;
      const tokens = open(tokensSchema, session.pscTokens, TOKENS_CONTEXT);
      if (tokens.refreshToken) await deps.psc.revoke(tokens.refreshToken);
      return deps.psc.endSessionUrl(tokens.idToken, randomToken(16));
    },

    /**
     * The PSC access token of a session opened through PSC, refreshed when about to expire (the
     * session row is held meanwhile, so two calls never spend the same refresh token), for the
     * calls made on the professional's behalf (DMP web-PS context, MSSanté XOAUTH2).
     */
    async accessToken(ctx: PlatformContext, sessionToken: string): Promise<string> {
      const psc = client();
      return db.platform(async (tx) => {
        const session = await findSessionPsc(tx, sha256(sessionToken), { forUpdate: true });
        if (session?.authMethod !== 'psc' || !session.pscTokens) {
          throw refusal(
            'FORBIDDEN',
            'not_a_psc_session',
            'this session was not opened through Pro Santé Connect',
          );
        }
        const tokens = open(tokensSchema, session.pscTokens, TOKENS_CONTEXT);
        if (tokens.expiresAt - ctx.now().getTime() > REFRESH_MARGIN_MS) return tokens.accessToken;
        let fresh: PscTokens;
        try {
          fresh = await psc.refresh(tokens);
        } catch (e) {
          throw fromPscError(e instanceof PscError ? e : new PscError('provider_error', String(e)));
        }
        await updateSessionPscTokens(tx, session.id, seal(fresh, TOKENS_CONTEXT));
        return fresh.accessToken;
      });
    },

    /**
     * Back-channel logout (OpenID Connect Back-Channel Logout 1.0): PSC says its session ended;
     * the Rayon sessions opened with it end. A logout token is accepted once.
     */
    async backchannelLogout(ctx: PlatformContext, logoutToken: string): Promise<{ ended: number }> {
      const psc = client();
      let claims;
      try {
        claims = await psc.verifyLogoutToken(logoutToken);
      } catch (e) {
        throw new AppError('BAD_INPUT', e instanceof Error ? e.message : 'logout token refused', {
          field: 'logout_token',
        });
      }
      // Hypothesis: Rayon registers backchannel_logout_session_required, so PSC names the sid.
      if (!claims.sid) {
        throw new AppError('BAD_INPUT', 'logout token without sid (Rayon needs the session id)', {
          field: 'logout_token',
        });
      }
      const first = await redis.set(
        `psc:logout-jti:${sha256(claims.jti)}`,
        '1',
        'EX',
        LOGOUT_JTI_TTL_S,
        'NX',
      );
      if (first !== 'OK')
        throw new AppError('BAD_INPUT', 'logout token already used', { field: 'logout_token' });
      const sid = claims.sid;
      const ended = await db.platform(async (tx) => {
        const rows = await deleteSessionsByPscSid(tx, sid);
        for (const userId of new Set(rows.map((r) => r.userId))) {
          await recordAudit(tx, {
            actor: { type: 'system', id: null },
            action: 'auth.psc_backchannel_logout',
            target: userId,
            requestId: ctx.requestId,
          });
        }
        return rows.length;
      });
      return { ended };
    },

    async account(_ctx: PlatformContext, user: SessionUser) {
      const row = await db.platform((tx) => findUserById(tx, user.id));
      return {
        enabled: Boolean(deps.psc),
        linked: Boolean(row?.pscSubject),
        nationalId: row?.pscSubject ?? null,
        linkedAt: row?.pscLinkedAt?.toISOString() ?? null,
        cguAcceptedAt: row?.pscCguAcceptedAt?.toISOString() ?? null,
        hasPassword: Boolean(row?.passwordHash),
      };
    },

    /** « Délier »: only an account that can still sign in otherwise, and is not bound to PSC. */
    async unlink(ctx: PlatformContext, user: SessionUser) {
      const row = await db.platform((tx) => findUserById(tx, user.id));
      if (!row?.pscSubject) return { ok: true as const };
      if (!row.passwordHash) {
        throw refusal(
          'CONFLICT',
          'unlink_needs_password',
          'this account has no password: it would be locked out',
        );
      }
      if (await flow.pscRequiredFor(user.id)) {
        throw refusal(
          'FORBIDDEN',
          'required_by_practice',
          'a practice of this account requires Pro Santé Connect',
        );
      }
      await db.platform(async (tx) => {
        await unlinkPscSubject(tx, user.id);
        await recordAudit(tx, {
          actor: { type: 'user', id: user.id },
          action: 'auth.psc_unlinked',
          target: user.id,
          requestId: ctx.requestId,
        });
      });
      return { ok: true as const };
    },
  };
}
