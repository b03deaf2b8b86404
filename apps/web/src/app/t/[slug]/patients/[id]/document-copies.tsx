'use client';

import { IDENTITY_DOCUMENT_TYPES } from '@rayon/domain';
import { useActionState } from 'react';
import { FormError, FormNotice, SelectField } from '../../../../../components/form.tsx';
import { DOCUMENT_TYPE_LABELS } from '../../../../../lib/labels.ts';
import { addDocumentCopyAction, setKeepCopiesAction } from './actions.ts';
import { INITIAL_ACTION_STATE, type ActionState } from './state.ts';

/** The practice's setting "keep copies of identity documents", as a switch (practice_admin). */
export function KeepCopiesToggle({ slug, id, checked }: { slug: string; id: string; checked: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(
    setKeepCopiesAction.bind(null, { slug, id }),
    INITIAL_ACTION_STATE,
  );
  return (
    <form action={formAction} className="toggle-row">
      <input type="hidden" name="value" value={checked ? 'false' : 'true'} />
      <button
        type="submit"
        role="switch"
        aria-checked={checked}
        aria-labelledby="keep-copies-label"
        aria-describedby="keep-copies-hint"
        className="switch"
        disabled={pending}
        data-testid="toggle-keep-copies"
      >
        <span className="switch__track" aria-hidden="true">
          <span className="switch__thumb" />
        </span>
        <span className="switch__state" aria-hidden="true">
          {checked ? 'Oui' : 'Non'}
        </span>
      </button>
      <div className="toggle-row__text">
        <span id="keep-copies-label" className="toggle-row__label">
          Conserver une copie des pièces d'identité
        </span>
        <span id="keep-copies-hint" className="field-hint">
          Réglage de l'établissement, pour tous les patients. Les copies sont chiffrées et chaque consultation
          est tracée.
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

/** Upload of a copy (JPEG, PNG or PDF, 500 kB at most); the server action checks it again. */
export function DocumentCopyForm({ slug, id }: { slug: string; id: string }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(
    addDocumentCopyAction.bind(null, { slug, id }),
    INITIAL_ACTION_STATE,
  );
  return (
    <>
      <FormNotice message={state.notice} />
      <form action={formAction} className="form" key={state.attempt} noValidate>
        <FormError message={state.error} />
        <SelectField
          name="copyType"
          label="Type de pièce"
          options={IDENTITY_DOCUMENT_TYPES.map((t) => ({ value: t, label: DOCUMENT_TYPE_LABELS[t] }))}
          placeholder="Choisir…"
          defaultValue=""
        />
        <div className="field">
          <label htmlFor="f-copy-file">Fichier</label>
          <span id="f-copy-file-hint" className="field-hint">
            Image JPEG ou PNG, ou PDF, de 500 ko au plus.
          </span>
          <input
            id="f-copy-file"
            name="file"
            type="file"
            accept="image/jpeg,image/png,application/pdf"
            required
            aria-describedby="f-copy-file-hint"
          />
        </div>
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            Enregistrer la copie
          </button>
        </div>
      </form>
    </>
  );
}
