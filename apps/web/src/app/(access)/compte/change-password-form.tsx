'use client';

import { useActionState } from 'react';
import { Field, FormError } from '../../../components/form.tsx';
import { NewPasswordFields } from '../../../components/new-password-fields.tsx';
import { changePasswordAction } from './actions.ts';
import { INITIAL_CHANGE_PASSWORD, type ChangePasswordState } from './state.ts';

export function ChangePasswordForm({ email }: { email: string }) {
  const [state, formAction, pending] = useActionState<ChangePasswordState, FormData>(
    changePasswordAction,
    INITIAL_CHANGE_PASSWORD,
  );
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      {state.done ? (
        <div className="alert alert--success" role="status" data-testid="password-changed">
          Mot de passe modifié.{' '}
          {state.done.otherSessionsEnded === 0
            ? 'Aucune autre session n’était ouverte.'
            : state.done.otherSessionsEnded === 1
              ? 'Votre autre session a été fermée.'
              : `Vos ${state.done.otherSessionsEnded} autres sessions ont été fermées.`}
        </div>
      ) : null}
      <FormError message={state.formError} />
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field
        name="currentPassword"
        label="Mot de passe actuel"
        type="password"
        autoComplete="current-password"
        maxLength={1024}
        error={state.errors.currentPassword}
      />
      <NewPasswordFields name="newPassword" errors={state.errors} />
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Changer le mot de passe
        </button>
      </div>
    </form>
  );
}
