'use client';

import { useActionState } from 'react';
import { acceptInvitationAction } from './actions.ts';
import { MIN_PASSWORD_LENGTH, type AcceptInvitationState } from './state.ts';

export function AcceptInvitationForm({ token, email }: { token: string; email: string }) {
  const [state, formAction, pending] = useActionState<AcceptInvitationState, FormData>(
    acceptInvitationAction.bind(null, token),
    { attempt: 0, errors: {}, formError: null },
  );
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      {state.formError ? (
        <div className="alert alert--error" role="alert">
          {state.formError}
        </div>
      ) : null}
      {/* Lets password managers store the new password against the right account. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <div className="field">
        <label htmlFor="password">Mot de passe</label>
        <span id="password-hint" className="field-hint">
          Au moins {MIN_PASSWORD_LENGTH} caractères.
        </span>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={MIN_PASSWORD_LENGTH}
          required
          aria-invalid={state.errors.password ? true : undefined}
          aria-describedby={state.errors.password ? 'password-hint password-error' : 'password-hint'}
        />
        {state.errors.password ? (
          <span id="password-error" className="field-error" role="alert">
            {state.errors.password}
          </span>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="confirmation">Confirmation</label>
        <input
          id="confirmation"
          name="confirmation"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={state.errors.confirmation ? true : undefined}
          aria-describedby={state.errors.confirmation ? 'confirmation-error' : undefined}
        />
        {state.errors.confirmation ? (
          <span id="confirmation-error" className="field-error" role="alert">
            {state.errors.confirmation}
          </span>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Enregistrer le mot de passe
        </button>
      </div>
    </form>
  );
}
