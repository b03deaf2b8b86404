'use client';

import { useActionState, useId } from 'react';
import {
  cancelDeliveryAction,
  type CancelState,
} from '../../app/t/[slug]/(delivery)/comptes-rendus/envois/actions.ts';
import { ConfirmButton } from '../confirm-button.tsx';

const INITIAL: CancelState = { attempt: 0, error: null };

/**
 * « Annuler l'envoi » of one pending send: opens a short form (an optional reason), and the
 * cancellation is confirmed before it goes; the send is then never sent and shows « Annulé ».
 */
export function CancelDeliveryButton({ slug, id, label }: { slug: string; id: string; label: string }) {
  const [state, formAction, pending] = useActionState<CancelState, FormData>(
    cancelDeliveryAction.bind(null, { slug, id }),
    INITIAL,
  );
  const reasonId = useId();
  return (
    <details className="disclosure" data-testid="delivery-cancel">
      <summary aria-label={`Annuler l'envoi : ${label}`}>Annuler l&apos;envoi</summary>
      <form action={formAction} className="form">
        <div className="field">
          <label htmlFor={reasonId}>Motif (facultatif)</label>
          <input id={reasonId} name="reason" type="text" maxLength={500} autoComplete="off" />
        </div>
        <ConfirmButton question={`Annuler l'envoi vers ${label} ? Il ne partira plus.`}>
          {pending ? 'Annulation…' : "Confirmer l'annulation"}
        </ConfirmButton>
        {state.error ? (
          <p className="field-error" role="alert">
            {state.error}
          </p>
        ) : null}
      </form>
    </details>
  );
}
