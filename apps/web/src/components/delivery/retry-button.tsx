'use client';

import { useActionState } from 'react';
import {
  retryDeliveryAction,
  type RetryState,
} from '../../app/t/[slug]/(delivery)/comptes-rendus/envois/actions.ts';

const INITIAL: RetryState = { attempt: 0, error: null };

/** « Réessayer »: a failed send goes back to the queue (En cours). */
export function RetryButton({ slug, id, label }: { slug: string; id: string; label?: string }) {
  const [state, formAction, pending] = useActionState<RetryState>(
    retryDeliveryAction.bind(null, { slug, id }),
    INITIAL,
  );
  return (
    <form action={formAction} className="inline-form">
      <button
        type="submit"
        className="button button--secondary"
        disabled={pending}
        aria-label={label ? `Réessayer : ${label}` : undefined}
      >
        Réessayer
      </button>
      {state.error ? (
        <span className="field-error" role="alert">
          {state.error}
        </span>
      ) : null}
    </form>
  );
}
