'use client';

import { useActionState } from 'react';
import { hl7StatusLabel } from '../../../../../lib/labels.ts';
import { replayAction, type ReplayState } from './actions.ts';

/** "Rejouer" on a failed message; the new status shows next to the button. */
export function ReplayButton({ slug, id }: { slug: string; id: string }) {
  const [state, formAction, pending] = useActionState<ReplayState>(replayAction.bind(null, { slug, id }), {
    attempt: 0,
    status: null,
    message: null,
  });
  return (
    <form action={formAction} className="replay">
      <button type="submit" className="button button--secondary button--small" disabled={pending}>
        {pending ? 'Rejeu…' : 'Rejouer'}
      </button>
      {state.message ? (
        <span
          className={`replay__result ${state.status === 'processed' ? 'replay__result--ok' : 'replay__result--ko'}`}
          role="status"
          title={state.status ? hl7StatusLabel(state.status) : undefined}
        >
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
