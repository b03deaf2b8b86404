import { describe, expect, it } from 'vitest';
import {
  decodeFlowCookie,
  encodeFlowCookie,
  PSC_REQUIRED_MESSAGE,
  pscMessage,
  pscReasonParam,
  withPscReason,
} from './psc.ts';
import {
  acrLabel,
  isSignInSuccess,
  signInOutcomeLabel,
} from '../app/t/[slug]/(access)/equipe/connexions/labels.ts';

const CONTRACT_REASONS = [
  'flow_expired',
  'denied',
  'acr_refused',
  'id_token_invalid',
  'nonce_mismatch',
  'state_mismatch',
  'provider_error',
  'unavailable',
  'rpps_mismatch',
  'already_linked',
  'account_disabled',
  'invitation_invalid',
  'invitation_other_account',
  'cgu_required',
  'not_configured',
  'unlink_needs_password',
  'required_by_practice',
];

describe('Pro Santé Connect refusals in French', () => {
  it('has its own message for each reason of the API contract', () => {
    const generic = pscMessage('something_else');
    for (const reason of CONTRACT_REASONS) {
      expect(pscMessage(reason), reason).not.toBe(generic);
      expect(pscMessage(`psc.${reason}`)).toBe(pscMessage(reason));
    }
  });

  it('says why the authentication level was refused, and what to use', () => {
    expect(pscMessage('acr_refused')).toBe(
      'Votre authentification Pro Santé Connect n’a pas le niveau requis (eIDAS substantiel). Reconnectez-vous avec votre e-CPS ou votre carte CPS.',
    );
  });

  it('says the same for an answer that could not be verified, whatever the check', () => {
    const expected =
      'La réponse de Pro Santé Connect n’a pas pu être vérifiée ; la connexion a été refusée. Réessayez.';
    for (const reason of ['id_token_invalid', 'nonce_mismatch', 'state_mismatch'])
      expect(pscMessage(reason)).toBe(expected);
  });

  it('falls back to a generic message for an unknown or missing reason, never the raw text', () => {
    for (const odd of [undefined, null, '', 'failed', '<script>', 'toString', '__proto__']) {
      const message = pscMessage(odd);
      expect(message).toBe('La connexion par Pro Santé Connect a échoué. Réessayez dans un instant.');
    }
  });

  it('puts in the address only a known reason without its prefix', () => {
    expect(pscReasonParam('psc.acr_refused')).toBe('acr_refused');
    expect(pscReasonParam('psc.flow_expired')).toBe('flow_expired');
    expect(pscReasonParam('auth.psc_required')).toBe('failed');
    expect(pscReasonParam('psc.constructor')).toBe('failed');
    expect(pscReasonParam('psc.unheard_of')).toBe('failed');
    expect(pscReasonParam(undefined)).toBe('failed');
    expect(pscReasonParam(42)).toBe('failed');
  });

  it('words the PSC-only practice refusal of a password', () => {
    expect(PSC_REQUIRED_MESSAGE).toContain('exige la connexion par Pro Santé Connect');
  });
});

describe('the flow cookie', () => {
  it('reads back what it wrote', () => {
    const flow = { flowToken: 'abc.def', purpose: 'link' as const, back: '/compte' };
    expect(decodeFlowCookie(encodeFlowCookie(flow))).toEqual(flow);
  });

  it('refuses a tampered or foreign content, and a way back to another site', () => {
    expect(decodeFlowCookie(undefined)).toBeUndefined();
    expect(decodeFlowCookie('not json')).toBeUndefined();
    expect(decodeFlowCookie(JSON.stringify({ flowToken: 'x', purpose: 'admin', back: '/' }))).toBeUndefined();
    expect(
      decodeFlowCookie(JSON.stringify({ flowToken: 'x', purpose: 'sign_in', back: '//evil.example' })),
    ).toBeUndefined();
    expect(
      decodeFlowCookie(JSON.stringify({ flowToken: 'x', purpose: 'sign_in', back: 'https://evil.example' })),
    ).toBeUndefined();
  });

  it('adds the reason to the way back, keeping its own query', () => {
    expect(withPscReason('/connexion', 'denied')).toBe('/connexion?psc=denied');
    expect(withPscReason('/connexion?suite=%2Finvitation%2Fabc', 'denied')).toBe(
      '/connexion?suite=%2Finvitation%2Fabc&psc=denied',
    );
  });
});

describe('PSC in the sign-in journal', () => {
  it('names the PSC outcomes in French, a PSC sign-in being a success', () => {
    expect(signInOutcomeLabel('psc_success')).toBe('Connexion réussie (Pro Santé Connect)');
    expect(signInOutcomeLabel('psc_required')).toBe('Mot de passe refusé : Pro Santé Connect obligatoire');
    for (const outcome of ['psc_refused', 'psc_unlinked'])
      expect(signInOutcomeLabel(outcome)).not.toBe(outcome);
    expect(isSignInSuccess('psc_success')).toBe(true);
    expect(isSignInSuccess('psc_refused')).toBe(false);
    expect(isSignInSuccess('psc_required')).toBe(false);
  });

  it('shows the acr when there is one', () => {
    expect(acrLabel('eidas1')).toBe('niveau eIDAS substantiel (eidas1)');
    expect(acrLabel(null)).toBeNull();
  });
});
