'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { FormError } from '../../../../components/form.tsx';
import { NewPasswordFields } from '../../../../components/new-password-fields.tsx';
import { resetPasswordAction } from './actions.ts';
import { INITIAL_NEW_PASSWORD, type NewPasswordState } from './state.ts';

export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  const [state, formAction, pending] = useActionState<NewPasswordState, FormData>(
    resetPasswordAction.bind(null, token),
    INITIAL_NEW_PASSWORD,
  );
  if (state.done) {
    return (
      <>
        <div className="alert alert--success" role="status" data-testid="password-reset-done">
          Mot de passe modifié : connectez-vous avec votre nouveau mot de passe.
        </div>
        <div className="actions">
          <Link href={`/connexion?${new URLSearchParams({ email })}`} className="button" prefetch={false}>
            Se connecter
          </Link>
        </div>
      </>
    );
  }
  if (state.invalid) {
    return (
      <>
        <div className="alert alert--error" role="alert" data-testid="reset-invalid">
          Ce lien n&apos;est plus valable : il a expiré ou a déjà servi. Demandez-en un nouveau.
        </div>
        <div className="actions">
          <Link href="/mot-de-passe-oublie" className="button" prefetch={false}>
            Demander un nouveau lien
          </Link>
        </div>
      </>
    );
  }
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      <FormError message={state.formError} />
      {/* Lets password managers store the new password against the right account. */}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <NewPasswordFields errors={state.errors} />
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Enregistrer le mot de passe
        </button>
      </div>
    </form>
  );
}
