import { describe, expect, it } from 'vitest';
import { frenchReason } from './api-messages.ts';

const feedback = { warning: null, suggestions: [] };

describe('password refusals in French', () => {
  it('says why, with the feedback the API translated', () => {
    const none = { minLength: 12, feedback, feedbackFr: feedback };
    expect(frenchReason('password.blank', none)).toMatch(/espaces/);
    expect(frenchReason('password.too_short', none)).toBe(
      'Le mot de passe doit contenir au moins 12 caractères.',
    );
    expect(
      frenchReason('password.weak', {
        ...none,
        feedbackFr: {
          warning: 'Ce mot de passe est couramment utilisé.',
          suggestions: ['Ajoutez des mots moins courants.'],
        },
      }),
    ).toBe(
      'Ce mot de passe serait trop facile à deviner. Ce mot de passe est couramment utilisé. Ajoutez des mots moins courants.',
    );
    expect(frenchReason('password.weak', none)).toMatch(
      /^Ce mot de passe serait trop facile à deviner\. Allongez-le/,
    );
  });

  it('says how long to wait after too many attempts', () => {
    expect(frenchReason('auth.throttled', { retryAfterSeconds: 1 })).toBe(
      'Trop de tentatives : réessayez dans 1 seconde.',
    );
    expect(frenchReason('auth.throttled', { retryAfterSeconds: 300 })).toBe(
      'Trop de tentatives : réessayez dans 5 minutes.',
    );
  });
});
