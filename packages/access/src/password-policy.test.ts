import { AppError } from '@rayon/domain';
import { describe, expect, it } from 'vitest';
import { assertAcceptablePassword, contextWords, evaluatePassword } from './password-policy.ts';

const marie = {
  email: 'marie.curie@imagerie-demo.fr',
  displayName: 'Marie Curie',
  practiceNames: ['Imagerie Démo', 'imagerie-demo'],
};

function refusal(password: string, context = marie) {
  try {
    assertAcceptablePassword(password, context);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  return undefined;
}

describe('password policy (CNIL 2022-100, password alone)', () => {
  it('accepts long unpredictable passwords and passphrases of uncommon words', () => {
    for (const p of [
      'k7Rf9QzLm2Pw', // 12 random characters
      'correct horse battery staple',
      'Soleil levant sur la Loire',
      'marmotte violette escalier 42',
      'Ceci est ma phrase secrète',
    ]) {
      expect(evaluatePassword(p, marie), p).toMatchObject({ ok: true });
      expect(refusal(p), p).toBeUndefined();
    }
  });

  it('refuses a blank password, including one of 12 spaces', () => {
    expect(evaluatePassword(' '.repeat(12))).toMatchObject({ ok: false, reason: 'password.blank' });
    expect(evaluatePassword('\t \u00a0'.repeat(5))).toMatchObject({ ok: false, reason: 'password.blank' });
    expect(refusal(' '.repeat(20))?.message).toBe('password: must not be blank');
  });

  it('counts characters after NFC: 11 composed accented letters are too short', () => {
    const decomposed = 'e\u0301'.repeat(6) + 'Zq!9x'; // 17 code units, 11 characters in NFC
    expect(evaluatePassword(decomposed)).toMatchObject({ ok: false, reason: 'password.too_short' });
    expect(evaluatePassword('Zq!9xR7#')).toMatchObject({ ok: false, reason: 'password.too_short' });
  });

  it('refuses common passwords and their usual variations, with feedback', () => {
    for (const p of [
      'motdepasse123',
      'P@ssw0rd2024!',
      'azertyuiop123!',
      'Tr0ub4dor&3!',
      'aaaaaaaaaaaaaaaa',
    ]) {
      expect(evaluatePassword(p, marie), p).toMatchObject({ ok: false, reason: 'password.weak' });
    }
    expect(evaluatePassword('P@ssw0rd2024!').feedback.warning).toBe('similarToCommon');
    expect(evaluatePassword('azertyuiop123!').feedback.warning).toBe('straightRow');
  });

  it('refuses passwords built from the context: name, e-mail, practice, « rayon »', () => {
    for (const p of [
      'MarieCurie2026!',
      'Rayon-Imagerie-2026',
      'Rayon2026!Rayon2026!',
      'R4y0n-1m4g3r13-d3m0',
      'noyar marie curie 1867',
    ]) {
      expect(evaluatePassword(p, marie), p).toMatchObject({ ok: false, reason: 'password.weak' });
    }
    // The same words are fine for someone else… as long as they are not the context.
    expect(
      evaluatePassword('noyar marie curie 1867', { displayName: 'Jean Dupont' }).guessesLog10,
    ).toBeGreaterThan(evaluatePassword('noyar marie curie 1867', marie).guessesLog10);
  });

  it('splits the context into the words an attacker would try', () => {
    expect(contextWords(marie)).toEqual(
      expect.arrayContaining(['rayon', 'marie', 'curie', 'imagerie', 'demo', 'démo', 'marie.curie']),
    );
  });

  it('throws BAD_INPUT naming the field, English message, reason key, French feedback in params', () => {
    const e = refusal('P@ssw0rd2024!');
    expect(e).toBeInstanceOf(AppError);
    expect(e?.code).toBe('BAD_INPUT');
    expect(e?.field).toBe('password');
    expect(e?.message).toMatch(
      /^password: too easy to guess \(This is similar to a commonly used password\)/,
    );
    expect(e?.reasonKey).toBe('password.weak');
    expect(e?.params).toMatchObject({
      minLength: 12,
      feedback: { warning: 'similarToCommon' },
      feedbackFr: { warning: 'Ce mot de passe est similaire à un mot de passe couramment utilisé.' },
    });
    const fr = e?.params?.feedbackFr as { suggestions: string[] };
    expect(fr.suggestions.length).toBeGreaterThan(0);
    expect(refusal('Zq!9xR7#')?.reasonKey).toBe('password.too_short');
  });
});

describe('feedback on the context', () => {
  it('names the personal data whenever a context word is used', () => {
    expect(evaluatePassword('FontaineLea2026!', { displayName: 'Léa Fontaine' })).toMatchObject({
      ok: false,
      feedback: { warning: 'userInputs' },
    });
  });
});
