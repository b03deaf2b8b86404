'use client';

import { useActionState } from 'react';
import { SettingSwitch } from '../../../../../../components/setting-switch.tsx';
import { setPscRequiredAction, type PscRequiredState } from './actions.ts';

/** « Pro Santé Connect obligatoire pour les professionnels de santé », as a switch. */
export function PscRequiredToggle({ slug, checked }: { slug: string; checked: boolean }) {
  const [state, formAction, pending] = useActionState<PscRequiredState, FormData>(
    setPscRequiredAction.bind(null, slug),
    { attempt: 0, error: null },
  );
  return (
    <SettingSwitch
      id="psc-required"
      label="Pro Santé Connect obligatoire pour les professionnels de santé"
      hint="Les membres ayant un numéro RPPS ne pourront se connecter que par Pro Santé Connect ; les autres gardent leur mot de passe et leur double authentification."
      checked={checked}
      action={formAction}
      pending={pending}
      error={state.error}
    />
  );
}
