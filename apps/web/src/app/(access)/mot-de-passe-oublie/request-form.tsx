'use client';

import { useActionState } from 'react';
import { Field, FormError } from '../../../components/form.tsx';
import { requestResetAction, type RequestResetState } from './actions.ts';

export function RequestResetForm({ initialEmail }: { initialEmail: string }) {
  const [state, formAction, pending] = useActionState<RequestResetState, FormData>(requestResetAction, {
    email: initialEmail,
    sent: false,
    error: null,
  });
  return (
    <form action={formAction} className="form" noValidate>
      {state.sent ? (
        <div className="alert alert--success" role="status" data-testid="reset-requested">
          Si un compte existe pour cette adresse, un e-mail vient d&apos;être envoyé. Le lien qu&apos;il
          contient est valable 30 minutes ; pensez à regarder dans les courriers indésirables.
        </div>
      ) : null}
      <FormError message={state.error} />
      <Field
        name="email"
        label="Adresse e-mail"
        type="email"
        autoComplete="username"
        defaultValue={state.email}
        key={state.email}
        maxLength={320}
        autoFocus
      />
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Recevoir un lien
        </button>
      </div>
    </form>
  );
}
