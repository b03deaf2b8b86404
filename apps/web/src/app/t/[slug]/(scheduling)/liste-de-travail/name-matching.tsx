'use client';

import { useActionState } from 'react';
import { SettingSwitch } from '../../../../../components/setting-switch.tsx';
import { setNameMatchingAction, type NameMatchingState } from './actions.ts';

/**
 * How the modalities' worklist queries match names, as a switch (practice administrator): accents
 * count by default (the DICOM standard leaves it to the worklist); without them, `NOEL*` typed
 * at a console finds NOËL.
 */
export function NameMatchingToggle({ slug, checked }: { slug: string; checked: boolean }) {
  const [state, formAction, pending] = useActionState<NameMatchingState, FormData>(
    setNameMatchingAction.bind(null, slug),
    { attempt: 0, error: null },
  );
  return (
    <SettingSwitch
      id="name-matching"
      label="Rechercher les noms sans tenir compte des accents"
      hint="Réglage de l'établissement, pour toutes ses modalités : une recherche « NOEL* » saisie sur la console trouve NOËL. Sinon, les accents comptent, comme le permet la norme DICOM."
      checked={checked}
      action={formAction}
      pending={pending}
      error={state.error}
    />
  );
}
