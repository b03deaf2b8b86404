import {
  deleteOwnSession,
  deleteSessionById,
  findLiveSession,
  listLiveSessions,
  recordAudit,
  touchSession,
  type PlatformContext,
} from '@rayon/db';
import { AppError } from '@rayon/domain';
import Bowser from 'bowser';
import type { AccessDeps } from './deps.ts';
import { sha256 } from './secrets.ts';

/** The account behind a portal session, as the adapters hand it to the use cases. */
export interface SessionUser {
  id: string;
  email: string;
  displayName: string;
  isPlatformAdmin: boolean;
}

export function toSessionUser(u: SessionUser): SessionUser {
  return { id: u.id, email: u.email, displayName: u.displayName, isPlatformAdmin: u.isPlatformAdmin };
}

/** `last_seen_at` is written at most this often (one write a minute per active session). */
const TOUCH_EVERY_SECONDS = 60;

export interface SessionView {
  id: string;
  /** The session making this call. */
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  clientIp: string | null;
  /** Browser and system read from the user agent (null when there was none or it is unknown). */
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
}

/**
 * Portal sessions: the idle timeout (the API is the judge of every request), and the list of
 * one's own sessions with their revocation.
 */
export function createSessions(deps: AccessDeps) {
  const { db } = deps;
  return {
    /**
     * The account behind a session token, or undefined when the session is unknown, expired,
     * still waiting for its second factor, or unused for longer than the account's idle timeout
     * (then it is deleted: it cannot come back). `unattended`: the portal says nobody has touched
     * the page for a while (an automatic refresh), so the call is no activity.
     */
    async userForSession(
      ctx: PlatformContext,
      sessionToken: string,
      o: { unattended: boolean },
    ): Promise<SessionUser | undefined> {
      return db.platform(async (tx) => {
        const live = await findLiveSession(tx, sha256(sessionToken));
        if (!live) return undefined;
        if (live.idleSeconds > live.idleTimeoutMinutes * 60) {
          await deleteSessionById(tx, live.sessionId);
          await recordAudit(tx, {
            actor: { type: 'system', id: null },
            action: 'auth.session_idle_timeout',
            target: live.sessionId,
            requestId: ctx.requestId,
            details: { userId: live.user.id, idleTimeoutMinutes: live.idleTimeoutMinutes },
          });
          return undefined;
        }
        // An automatic refresh of a page left alone is not activity: the session still ends.
        if (live.idleSeconds >= TOUCH_EVERY_SECONDS && !o.unattended) {
          await touchSession(tx, live.sessionId);
        }
        const { id, email, displayName, isPlatformAdmin } = live.user;
        return { id, email, displayName, isPlatformAdmin };
      });
    },

    async list(_ctx: PlatformContext, user: SessionUser, sessionToken: string): Promise<SessionView[]> {
      const current = sha256(sessionToken);
      const rows = await db.platform((tx) => listLiveSessions(tx, user.id));
      return rows.map((s) => {
        const ua = describeUserAgent(s.userAgent);
        return {
          id: s.id,
          current: s.tokenHash === current,
          createdAt: s.createdAt.toISOString(),
          lastSeenAt: s.lastSeenAt.toISOString(),
          clientIp: s.clientIp,
          ...ua,
        };
      });
    },

    /** Ends one of one's own sessions; anyone else's (or an unknown id) is NOT_FOUND. */
    async revoke(ctx: PlatformContext, user: SessionUser, sessionId: string) {
      await db.platform(async (tx) => {
        if (!(await deleteOwnSession(tx, user.id, sessionId))) {
          throw new AppError('NOT_FOUND', 'session not found');
        }
        await recordAudit(tx, {
          actor: { type: 'user', id: user.id },
          action: 'auth.session_revoked',
          target: sessionId,
          requestId: ctx.requestId,
        });
      });
      return { ok: true as const };
    },
  };
}

export function describeUserAgent(
  userAgent: string | null,
): Pick<SessionView, 'browser' | 'browserVersion' | 'os'> {
  if (!userAgent) return { browser: null, browserVersion: null, os: null };
  const parsed = Bowser.parse(userAgent);
  const major = parsed.browser.version?.split('.')[0];
  return {
    browser: parsed.browser.name || null,
    browserVersion: major || null,
    os: parsed.os.name || null,
  };
}
