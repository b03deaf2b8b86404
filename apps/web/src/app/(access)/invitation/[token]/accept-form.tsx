'use client';

import { useActionState } from 'react';
import { FormError } from '../../../../components/form.tsx';
import { NewPasswordFields } from '../../../../components/new-password-fields.tsx';
import { acceptInvitationAction } from './actions.ts';
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
      <NewPasswordFields label="Mot de passe" confirmationLabel="Confirmation" errors={state.errors} />
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Enregistrer le mot de passe
        </button>
      </div>
    </form>
  );
}
