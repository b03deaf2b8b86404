'use client';

import { useActionState } from 'react';
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
    <form action={formAction} className="toggle-row">
      <input type="hidden" name="value" value={checked ? 'false' : 'true'} />
      <button
        type="submit"
        role="switch"
        aria-checked={checked}
        aria-labelledby="name-matching-label"
        aria-describedby="name-matching-hint"
        className="switch"
        disabled={pending}
        data-testid="toggle-name-matching"
      >
        <span className="switch__track" aria-hidden="true">
          <span className="switch__thumb" />
        </span>
        <span className="switch__state" aria-hidden="true">
          {checked ? 'Oui' : 'Non'}
        </span>
      </button>
      <div className="toggle-row__text">
        <span id="name-matching-label" className="toggle-row__label">
          Rechercher les noms sans tenir compte des accents
        </span>
        <span id="name-matching-hint" className="field-hint">
          Réglage de l'établissement, pour toutes ses modalités : une recherche « NOEL* » saisie sur la
          console trouve NOËL. Sinon, les accents comptent, comme le permet la norme DICOM.
        </span>
        {state.error ? (
          <span className="field-error" role="alert">
            {state.error}
          </span>
        ) : null}
      </div>
    </form>
  );
}
