'use client';

import { IDENTITY_DOCUMENT_TYPES } from '@rayon/domain';
import { useActionState } from 'react';
import { FormError, FormNotice, SelectField } from '../../../../../../components/form.tsx';
import { SettingSwitch } from '../../../../../../components/setting-switch.tsx';
import { DOCUMENT_TYPE_LABELS } from '../../../../../../lib/labels.ts';
import { addDocumentCopyAction, setKeepCopiesAction } from './actions.ts';
import { INITIAL_ACTION_STATE, type ActionState } from './state.ts';

/** The practice's setting "keep copies of identity documents", as a switch (practice_admin). */
export function KeepCopiesToggle({ slug, id, checked }: { slug: string; id: string; checked: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(
    setKeepCopiesAction.bind(null, { slug, id }),
    INITIAL_ACTION_STATE,
  );
  return (
    <SettingSwitch
      id="keep-copies"
      label="Conserver une copie des pièces d'identité"
      hint="Réglage de l'établissement, pour tous les patients. Les copies sont chiffrées et chaque consultation est tracée."
      checked={checked}
      action={formAction}
      pending={pending}
      error={state.error}
    />
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
