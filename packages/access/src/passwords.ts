/**
 * Passwords after the first one: reset by e-mail (for whoever forgot it) and change (signed in).
 * Both go through the password policy, end sessions, and leave an audit event.
 */
import {
  asUser,
  audit,
  closePasswordResets,
  deleteUserSessions,
  findOpenPasswordReset,
  findUserByEmail,
  findUserById,
  insertPasswordReset,
  insertSignInEvent,
  practiceNamesOf,
  setUserPassword,
  type PlatformContext,
} from '@rayon/db';
import { AppError } from '@rayon/domain';
import type { AccessDeps } from './deps.ts';
import { assertAcceptablePassword } from './password-policy.ts';
import { RateLimiter } from './rate-limit.ts';
import { hashPassword, randomToken, sha256, verifyPassword } from './secrets.ts';
import type { SessionUser } from './sessions.ts';
import type { SignInClient } from './sign-in.ts';

/** A reset link works once, for 30 minutes. */
export const RESET_TTL_MS = 30 * 60 * 1000;
/** Reset e-mails per address: more in the window are silently not sent (no mail bombing). */
export const RESET_PER_ADDRESS = { limit: 3, windowSeconds: 60 * 60 };
/** Reset requests per client address: more in the window are refused (RATE_LIMITED). */
export const RESET_PER_CLIENT = { limit: 20, windowSeconds: 60 * 60 };
/** Wrong current passwords on « Mon compte » before the change is refused for a while. */
const CHANGE_FAILURES = { limit: 5, windowSeconds: 15 * 60 };

const RESET_NOT_FOUND = 'password reset link not found, expired or already used';

export function createPasswords(
  deps: AccessDeps,
  o: {
    /** Forgets the account's failed sign-in attempts (the sign-in throttle's). */
    clearSignInThrottle: (email: string) => Promise<void>;
  },
) {
  const { db, logger } = deps;
  const perAddress = new RateLimiter(deps.redis, 'rl:pwreset:email', RESET_PER_ADDRESS);
  const perClient = new RateLimiter(deps.redis, 'rl:pwreset:ip', RESET_PER_CLIENT);
  const changeFailures = new RateLimiter(deps.redis, 'rl:pwchange', CHANGE_FAILURES);

  /** Writes the link and sends the mail; runs after the answer is given (see requestReset). */
  async function sendReset(ctx: PlatformContext, user: { id: string; email: string; displayName: string }) {
    const token = randomToken();
    await db.platform(async (tx) => {
      await insertPasswordReset(tx, {
        tokenHash: sha256(token),
        userId: user.id,
        expiresAt: new Date(ctx.now().getTime() + RESET_TTL_MS),
      });
      await audit(asUser(ctx, user.id), tx, 'auth.password_reset_requested', user.id);
    });
    const link = `${deps.portalUrl.replace(/\/+$/, '')}/mot-de-passe/${token}`;
    await deps.mailer!.send({
      to: user.email,
      subject: 'Réinitialisation de votre mot de passe Rayon',
      text: [
        `Bonjour ${user.displayName},`,
        '',
        `Vous avez demandé à réinitialiser le mot de passe de votre compte Rayon (${user.email}).`,
        'Pour choisir un nouveau mot de passe, ouvrez ce lien dans les 30 minutes :',
        '',
        link,
        '',
        "Ce lien ne sert qu'une fois. Toutes vos sessions ouvertes seront fermées.",
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.",
        '',
        '— Rayon',
      ].join('\n'),
    });
  }

  return {
    /**
     * Sends a reset link to the address if an account has it. The answer is the same whether
     * it does or not, and comes as fast: the link and the mail are made after answering.
     */
    async requestReset(ctx: PlatformContext, input: { email: string }, client: SignInClient) {
      const email = input.email.trim().toLowerCase();
      if (client.ip) {
        if (await perClient.blocked([client.ip])) {
          throw new AppError('RATE_LIMITED', 'too many password reset requests; try again later');
        }
        await perClient.hit([client.ip]);
      }
      const overAddress = await perAddress.blocked([email]);
      if (!overAddress) await perAddress.hit([email]);
      const user = await db.platform((tx) => findUserByEmail(tx, email));
      if (!deps.mailer) {
        logger.warn('password reset asked but no SMTP relay is configured (RAYON_SMTP_URL)');
      } else if (user && !user.disabledAt && !overAddress) {
        const { requestId } = ctx;
        void sendReset(ctx, user).catch((err: unknown) =>
          logger.error(
            { requestId, err: { name: (err as Error)?.name, message: (err as Error)?.message } },
            'password reset mail not sent',
          ),
        );
      }
      return { ok: true as const };
    },

    /** Whether a reset link can still be used (for the page that asks for the new password). */
    async resetLink(_ctx: PlatformContext, token: string) {
      const reset = await db.platform((tx) => findOpenPasswordReset(tx, sha256(token)));
      const user = reset && (await db.platform((tx) => findUserById(tx, reset.userId)));
      if (!reset || !user || user.disabledAt) throw new AppError('NOT_FOUND', RESET_NOT_FOUND);
      return { email: user.email, expiresAt: reset.expiresAt.toISOString() };
    },

    /**
     * Uses a reset link once: new password (policy), every session of the account ended, the
     * account's failed sign-in attempts forgotten, journaled (sign-in events) and audited.
     */
    async reset(ctx: PlatformContext, input: { token: string; password: string }, client: SignInClient) {
      const tokenHash = sha256(input.token);
      const found = await db.platform(async (tx) => {
        const reset = await findOpenPasswordReset(tx, tokenHash);
        const user = reset && (await findUserById(tx, reset.userId));
        if (!reset || !user || user.disabledAt) return undefined;
        return { user, practiceNames: await practiceNamesOf(tx, user.id) };
      });
      if (!found) throw new AppError('NOT_FOUND', RESET_NOT_FOUND);
      const { user } = found;
      assertAcceptablePassword(input.password, {
        email: user.email,
        displayName: user.displayName,
        practiceNames: found.practiceNames,
      });
      const passwordHash = await hashPassword(input.password);
      const ended = await db.platform(async (tx) => {
        // Taken again, locked: of two concurrent uses, one finds it used.
        const reset = await findOpenPasswordReset(tx, tokenHash, { lock: true });
        if (!reset || reset.userId !== user.id) throw new AppError('NOT_FOUND', RESET_NOT_FOUND);
        await setUserPassword(tx, user.id, passwordHash);
        await closePasswordResets(tx, user.id);
        const sessions = await deleteUserSessions(tx, user.id);
        await insertSignInEvent(tx, {
          userId: user.id,
          email: user.email,
          outcome: 'reset',
          clientIp: client.ip ?? null,
          userAgent: client.userAgent?.slice(0, 400) ?? null,
        });
        await audit(asUser(ctx, user.id), tx, 'auth.password_reset', user.id, { sessionsEnded: sessions });
        return sessions;
      });
      await o.clearSignInThrottle(user.email);
      return { email: user.email, sessionsEnded: ended };
    },

    /** Changes one's password (current one checked); the other sessions end, this one stays. */
    async change(
      ctx: PlatformContext,
      user: SessionUser,
      sessionToken: string,
      input: { currentPassword: string; newPassword: string },
    ) {
      const key = [user.id];
      if (await changeFailures.blocked(key)) {
        throw new AppError('RATE_LIMITED', 'too many wrong current passwords; try again later');
      }
      const row = await db.platform((tx) => findUserById(tx, user.id));
      if (!row?.passwordHash || !(await verifyPassword(input.currentPassword, row.passwordHash))) {
        await changeFailures.hit(key);
        // Not UNAUTHENTICATED: the session is fine, a field is wrong.
        throw new AppError('BAD_INPUT', 'currentPassword: wrong password', { field: 'currentPassword' });
      }
      await changeFailures.reset(key);
      const practiceNames = await db.platform((tx) => practiceNamesOf(tx, user.id));
      assertAcceptablePassword(
        input.newPassword,
        {
          email: row.email,
          displayName: row.displayName,
          practiceNames,
        },
        'newPassword',
      );
      const passwordHash = await hashPassword(input.newPassword);
      const ended = await db.platform(async (tx) => {
        await setUserPassword(tx, user.id, passwordHash);
        await closePasswordResets(tx, user.id);
        const sessions = await deleteUserSessions(tx, user.id, sha256(sessionToken));
        await audit(asUser(ctx, user.id), tx, 'auth.password_changed', user.id, {
          otherSessionsEnded: sessions,
        });
        return sessions;
      });
      return { ok: true as const, otherSessionsEnded: ended };
    },
  };
}
