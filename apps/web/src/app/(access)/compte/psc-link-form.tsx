'use client';

import { useActionState } from 'react';
import { FormError } from '../../../components/form.tsx';
import { PscCguCheckbox } from '../../../components/psc-cgu.tsx';
import { PscSubmitButton } from '../../../components/psc-button.tsx';
import { linkPscAction, type PscLinkState } from './psc-actions.ts';

/** « Lier ma e-CPS », after the CGU of Pro Santé Connect are accepted. */
export function PscLinkForm() {
  const [state, formAction, pending] = useActionState<PscLinkState, FormData>(linkPscAction, {
    attempt: 0,
    error: null,
  });
  return (
    <form action={formAction} className="form" data-testid="psc-link-form">
      <FormError message={state.error} />
      <PscCguCheckbox id="psc-cgu-link" />
      <div className="actions">
        <PscSubmitButton disabled={pending} testId="psc-link">
          Lier ma <span className="nowrap">e-CPS</span>
        </PscSubmitButton>
      </div>
    </form>
  );
}
