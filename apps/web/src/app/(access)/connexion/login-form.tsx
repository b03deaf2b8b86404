'use client';

import { useActionState } from 'react';
import { FormError } from '../../../components/form.tsx';
import { PscSignInLink, PscSubmitButton } from '../../../components/psc-button.tsx';
import { PscCguCheckbox } from '../../../components/psc-cgu.tsx';
import { linkPendingAction, signInAction, type PscLinkState, type SignInState } from './actions.ts';

/** The password was right but the account has no e-CPS yet: link it now (then PSC signs in). */
function LinkPendingForm() {
  const [state, formAction, pending] = useActionState<PscLinkState, FormData>(linkPendingAction, {
    attempt: 0,
    error: null,
  });
  return (
    <form action={formAction} className="form" data-testid="psc-link-pending">
      <p>Votre compte n’est pas encore lié à une e-CPS : liez-la maintenant pour vous connecter.</p>
      <FormError message={state.error} />
      <PscCguCheckbox id="psc-cgu-pending" />
      <div className="actions">
        <PscSubmitButton disabled={pending}>
          Lier ma <span className="nowrap">e-CPS</span>
        </PscSubmitButton>
      </div>
    </form>
  );
}

export function LoginForm({
  initialEmail,
  returnTo = null,
  pscHref = null,
}: {
  initialEmail: string;
  /** A path of the portal to go back to after signing in. */
  returnTo?: string | null;
  /** Where « Se connecter avec Pro Santé Connect » leads; null when PSC is not offered. */
  pscHref?: string | null;
}) {
  const [state, formAction, pending] = useActionState<SignInState, FormData>(signInAction, {
    email: initialEmail,
    error: null,
  });
  // The refusal of a password because the practice requires PSC goes next to the PSC button.
  const pscRequired = Boolean(state.pscRequired && pscHref);
  return (
    <>
      {pscHref ? (
        <>
          <div className="psc-block" data-testid="psc-block">
            {pscRequired ? (
              <div className="alert alert--warning" role="alert" data-testid="login-error">
                {state.error}
              </div>
            ) : null}
            {state.pscLinkable ? (
              <LinkPendingForm />
            ) : (
              <>
                <PscSignInLink href={pscHref} />
                <span className="muted psc-block__about">
                  Professionnels de santé : avec votre e-CPS ou votre carte CPS.
                </span>
              </>
            )}
          </div>
          <p className="or-separator">ou avec votre mot de passe</p>
        </>
      ) : null}
      {state.error && !pscRequired ? (
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
