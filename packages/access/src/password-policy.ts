/**
 * The password policy, applied at every place a password is set (invitation acceptance,
 * password reset, password change): CNIL délibération n° 2022-100 du 21 juillet 2022
 * (recommandation relative aux mots de passe), case 1 — authentication by a password alone.
 *
 * The CNIL asks, for a password alone, an entropy of at least 80 bits — its examples, as we read
 * them (text not at hand here, Hypothesis: 12 characters of the 4 types upper case, lower case,
 * digits, special characters; 14 characters without special characters; or a passphrase of
 * several words) — and that passwords that are common or built from the context (the person's
 * name, the site's name…) be refused.
 *
 * Hypothesis (how 80 bits maps onto zxcvbn): the CNIL's entropy is that of a password drawn at
 * random from its alphabet; a person's password is not random, so we estimate what an attacker
 * needs instead, with zxcvbn-ts (common passwords, French and English words and names, keyboard
 * patterns, dates, repetitions, the person's own context). We ask for at least 10^12 guesses
 * (≈ 2^40) — above zxcvbn's own score 4 (10^10, "strong protection from an offline slow-hash
 * attack"); our hashes are scrypt N=2^15 and sign-in is throttled — i.e. as hard as 12 characters
 * zxcvbn cannot predict at all (its model counts 10 guesses per unpredictable character), AND at
 * least 12 characters (code points after NFC). Variations of a word ("Tr0ub4dor&3!") fall short;
 * four or five uncommon words, or 12 random characters, pass; the words of the context count for
 * nothing.
 */
import { ZxcvbnFactory, type FeedbackType } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import * as fr from '@zxcvbn-ts/language-fr';
import { AppError } from '@rayon/domain';

export const MIN_PASSWORD_CHARS = 12;
/** log10 of the guesses an attacker needs at least (see the module comment). */
export const MIN_GUESSES_LOG10 = 12;
/** Characters zxcvbn looks at (its cost grows with the length); a longer password is not weaker. */
const ANALYSED_CHARS = 100;

/** Who sets the password: words an attacker targeting this person would try first. */
export interface PasswordContext {
  email?: string | null | undefined;
  displayName?: string | null | undefined;
  /** Names (and slugs) of the practices the person belongs to or is invited to. */
  practiceNames?: readonly (string | null | undefined)[] | undefined;
}

export type PasswordRefusal = 'password.blank' | 'password.too_short' | 'password.weak';

export interface PasswordVerdict {
  ok: boolean;
  reason?: PasswordRefusal;
  /** log10 of zxcvbn's estimated guesses (0 when not analysed). */
  guessesLog10: number;
  /** zxcvbn's feedback as its stable keys (warnings.*, suggestions.*). */
  feedback: { warning: string | null; suggestions: string[] };
}

let factory: ZxcvbnFactory | undefined;

/** Built on first use: ranking the dictionaries takes a few hundred milliseconds. */
function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...fr.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    // No Levenshtein matching: it costs ~0.5 s of CPU per check (measured) on the event loop;
    // the context is caught by removing its words below instead.
    useLevenshteinDistance: false,
    maxLength: ANALYSED_CHARS,
    // No translations: feedback comes back as keys, translated below in English and French.
  });
  return factory;
}

/** The words of the context, lower case, as zxcvbn's user inputs. */
export function contextWords(context: PasswordContext): string[] {
  const words = new Set<string>(['rayon']);
  const keep = (w: string) => {
    if (w.length < 3) return;
    words.add(w);
    // Without accents too: « Gwénaëlle » is typed « Gwenaelle » as often as not.
    words.add(w.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC'));
  };
  const add = (text: string | null | undefined, split: RegExp) => {
    if (!text) return;
    const t = text.normalize('NFC').toLowerCase().trim();
    keep(t);
    for (const part of t.split(split)) keep(part);
  };
  if (context.email) {
    const [local, domain] = context.email.split('@');
    add(context.email, /[@]/);
    add(local, /[._+\-0-9]+/);
    add(domain, /[.-]+/);
  }
  add(context.displayName, /[\s'’.-]+/);
  for (const name of context.practiceNames ?? []) add(name, /[\s'’.-]+/);
  return [...words];
}

/** Judges a password against the policy (pure: no I/O). */
export function evaluatePassword(password: string, context: PasswordContext = {}): PasswordVerdict {
  const nfc = password.normalize('NFC');
  const none = { warning: null, suggestions: [] };
  if (nfc.trim().length === 0)
    return { ok: false, reason: 'password.blank', guessesLog10: 0, feedback: none };
  const words = contextWords(context);
  const result = zxcvbn().check(nfc, words);
  // Built from the context: the words an attacker knows (the person's name, e-mail, practice,
  // « rayon »), even in l33t or reversed, count for nothing — what is left must be strong alone.
  const fromContext = result.sequence.filter(
    (m) => m.pattern === 'dictionary' && 'dictionaryName' in m && m.dictionaryName === 'userInputs',
  );
  const feedback = keysOf(result.feedback);
  // zxcvbn names the context only when a context word is the weakest part; say it whenever used.
  if (fromContext.length > 0) feedback.warning ??= 'userInputs';
  if ([...nfc].length < MIN_PASSWORD_CHARS) {
    return { ok: false, reason: 'password.too_short', guessesLog10: result.guessesLog10, feedback };
  }
  if (result.guessesLog10 < MIN_GUESSES_LOG10) {
    return { ok: false, reason: 'password.weak', guessesLog10: result.guessesLog10, feedback };
  }
  if (fromContext.length > 0) {
    const chars = nfc.split(''); // zxcvbn's indices count UTF-16 code units
    const rest = chars.filter((_, k) => !fromContext.some((m) => k >= m.i && k <= m.j)).join('');
    const restLog10 = rest.length === 0 ? 0 : zxcvbn().check(rest, words).guessesLog10;
    if (restLog10 < MIN_GUESSES_LOG10) {
      return {
        ok: false,
        reason: 'password.weak',
        guessesLog10: restLog10,
        feedback: { warning: 'userInputs', suggestions: feedback.suggestions },
      };
    }
  }
  return { ok: true, guessesLog10: result.guessesLog10, feedback };
}

/**
 * Throws BAD_INPUT naming `password` unless the password meets the policy. The English message
 * is for logs and developers; `reason` and `params` carry the stable reason, zxcvbn's feedback keys, and
 * the same feedback in French for the portal (`feedbackFr`).
 */
export function assertAcceptablePassword(
  password: string,
  context: PasswordContext = {},
  field = 'password',
): void {
  const verdict = evaluatePassword(password, context);
  if (verdict.ok) return;
  const reason = verdict.reason!;
  const warningEn = translate(en.translations.warnings, verdict.feedback.warning);
  const message =
    reason === 'password.blank'
      ? `${field}: must not be blank`
      : reason === 'password.too_short'
        ? `${field}: at least ${MIN_PASSWORD_CHARS} characters`
        : `${field}: too easy to guess${warningEn ? ` (${warningEn.replace(/\.$/, '')})` : ''}; choose a longer one, e.g. several uncommon words`;
  throw new AppError('BAD_INPUT', message, {
    field,
    reason,
    params: {
      minLength: MIN_PASSWORD_CHARS,
      feedback: verdict.feedback,
      feedbackFr: {
        warning: translate(fr.translations.warnings, verdict.feedback.warning),
        suggestions: verdict.feedback.suggestions
          .map((k) => translate(fr.translations.suggestions, k))
          .filter((s): s is string => s !== null),
      },
    },
  });
}

function keysOf(feedback: FeedbackType): { warning: string | null; suggestions: string[] } {
  return { warning: feedback.warning || null, suggestions: feedback.suggestions };
}

function translate(table: Record<string, string>, key: string | null): string | null {
  if (!key) return null;
  return Object.hasOwn(table, key) ? table[key]! : null;
}
