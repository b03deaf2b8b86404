'use client';

import { useActionState } from 'react';
import { signInAction, type SignInState } from './actions.ts';

export function LoginForm({
  initialEmail,
  returnTo = null,
}: {
  initialEmail: string;
  /** A path of the portal to go back to after signing in. */
  returnTo?: string | null;
}) {
  const [state, formAction, pending] = useActionState<SignInState, FormData>(signInAction, {
    email: initialEmail,
    error: null,
  });
  return (
    <>
      {state.error ? (
        <div className="alert alert--error" role="alert" data-testid="login-error">
          {state.error}
        </div>
      ) : null}
      <form action={formAction} className="form" noValidate>
        {returnTo ? <input type="hidden" name="suite" value={returnTo} /> : null}
        <div className="field">
          <label htmlFor="email">Adresse e-mail</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            defaultValue={state.email}
            key={`email-${state.email}`}
            autoFocus={!state.email}
          />
        </div>
        <div className="field">
          <label htmlFor="password">Mot de passe</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            autoFocus={Boolean(state.email)}
          />
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            Se connecter
          </button>
        </div>
      </form>
    </>
  );
}
