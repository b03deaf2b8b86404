'use client';

import { useActionState } from 'react';
import { FormError } from '../../../../../../../components/form.tsx';
import { mergeAction, type MergeState } from './actions.ts';

interface Choice {
  id: string;
  label: string;
}

/** The confirmation step of a merge: which record is kept, and the explicit confirmation. */
export function MergeForm({ slug, current, other }: { slug: string; current: Choice; other: Choice }) {
  const [state, formAction, pending] = useActionState<MergeState, FormData>(
    mergeAction.bind(null, { slug, ids: [current.id, other.id] }),
    { attempt: 0, error: null, confirmError: null },
  );
  return (
    <form action={formAction} className="form" noValidate>
      <FormError message={state.error} />
      <fieldset className="radio-group">
        <legend>Dossier conservé</legend>
        <span className="field-hint">
          L'autre dossier (le doublon) lui est rattaché : ses IPP et ses pièces passent au dossier conservé,
          dont l'identité est gardée telle quelle. Le doublon reste consultable dans l'historique.
        </span>
        <div className="radio-group__options">
          {[current, other].map((c, i) => (
            <label key={c.id} className="checkbox">
              <input type="radio" name="survivorId" value={c.id} defaultChecked={i === 0} />
              {c.label}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label className="checkbox confirm-box">
          <input
            type="checkbox"
            name="confirm"
            aria-invalid={state.confirmError ? true : undefined}
            aria-describedby={state.confirmError ? 'merge-confirm-error' : undefined}
          />
          Je confirme que ces deux dossiers concernent la même personne
        </label>
        {state.confirmError ? (
          <span id="merge-confirm-error" className="field-error" role="alert">
            {state.confirmError}
          </span>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" className="button button--danger-strong" disabled={pending}>
          Fusionner les deux dossiers
        </button>
      </div>
    </form>
  );
}
