'use client';

import { useActionState } from 'react';
import { FormError } from '../../../../components/form.tsx';
import { acceptSignedInAction } from './actions.ts';

/** « Accepter l'invitation » for the signed-in account the invitation was sent to. */
export function AcceptSignedInForm({ token }: { token: string }) {
  const [state, formAction, pending] = useActionState(acceptSignedInAction.bind(null, token), {
    attempt: 0,
    formError: null as string | null,
  });
  return (
    <form action={formAction} className="form" key={state.attempt}>
      <FormError message={state.formError} />
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Accepter l&apos;invitation
        </button>
      </div>
    </form>
  );
}
