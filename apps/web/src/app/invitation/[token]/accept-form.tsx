'use client';

import { useActionState } from 'react';
import { Field, FormError } from '../../../components/form.tsx';
import { acceptInvitationAction } from './actions.ts';
import { PASSWORD_HINT } from '../../../lib/passwords.ts';
import { type AcceptInvitationState } from './state.ts';

export function AcceptInvitationForm({ token, email }: { token: string; email: string }) {
  const [state, formAction, pending] = useActionState<AcceptInvitationState, FormData>(
    acceptInvitationAction.bind(null, token),
    { attempt: 0, errors: {}, formError: null },
  );
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      <FormError message={state.formError} />
      {/* Lets password managers store the new password against the right account. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field
        name="password"
        label="Mot de passe"
        type="password"
        hint={PASSWORD_HINT}
        autoComplete="new-password"
        maxLength={1024}
        error={state.errors.password}
      />
      <Field
        name="confirmation"
        label="Confirmation"
        type="password"
        autoComplete="new-password"
        error={state.errors.confirmation}
      />
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Enregistrer le mot de passe
        </button>
      </div>
    </form>
  );
}
