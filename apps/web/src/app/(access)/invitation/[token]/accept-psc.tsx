'use client';

import { useActionState } from 'react';
import { FormError } from '../../../../components/form.tsx';
import { PscSubmitButton } from '../../../../components/psc-button.tsx';
import { PscCguCheckbox } from '../../../../components/psc-cgu.tsx';
import type { PscLinkState } from '../../compte/psc-actions.ts';
import { acceptWithPscAction } from './actions.ts';

/** « Accepter avec ma e-CPS »: the account is created linked to the e-CPS, without a password. */
export function AcceptWithPscForm({ token, refusal }: { token: string; refusal: string | null }) {
  const [state, formAction, pending] = useActionState<PscLinkState, FormData>(
    acceptWithPscAction.bind(null, token),
    { attempt: 0, error: refusal },
  );
  return (
    <form action={formAction} className="form" data-testid="psc-accept-form">
      <FormError message={state.error} />
      <PscCguCheckbox id="psc-cgu-invitation" />
      <div className="actions">
        <PscSubmitButton disabled={pending} testId="psc-accept">
          Accepter avec ma <span className="nowrap">e-CPS</span>
        </PscSubmitButton>
      </div>
    </form>
  );
}
