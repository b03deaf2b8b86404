import { describe, expect, it } from 'vitest';
import { passwordRefusalFr } from './passwords.ts';

describe('password refusals in French', () => {
  it('says why, with the feedback the API translated', () => {
    expect(passwordRefusalFr({ reason: 'password.blank' })).toMatch(/espaces/);
    expect(passwordRefusalFr({ reason: 'password.too_short', minLength: 12 })).toBe(
      'Le mot de passe doit contenir au moins 12 caractères.',
    );
    expect(
      passwordRefusalFr({
        reason: 'password.weak',
        feedbackFr: {
          warning: 'Ce mot de passe est couramment utilisé.',
          suggestions: ['Ajoutez des mots moins courants.'],
        },
      }),
    ).toBe(
      'Ce mot de passe serait trop facile à deviner. Ce mot de passe est couramment utilisé. Ajoutez des mots moins courants.',
    );
    expect(passwordRefusalFr(null)).toMatch(/^Ce mot de passe serait trop facile à deviner\. Allongez-le/);
  });
});
