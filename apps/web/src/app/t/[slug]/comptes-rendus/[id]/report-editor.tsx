'use client';

import { startTransition, useActionState, useRef, useState } from 'react';
import { FormError, FormNotice } from '../../../../../components/form.tsx';
import { editReportAction, type EditorState } from '../actions.ts';

/**
 * The text of the current version (draft or préliminaire) and its actions: Enregistrer,
 * Préliminaire, Valider (signer). The edit lock is taken when typing starts; refusals (another
 * user editing, a version changed meanwhile, no right to sign) are shown in French above the text,
 * which is kept as typed.
 */
export function ReportEditor({
  slug,
  id,
  body,
  revision,
  status,
  version,
}: {
  slug: string;
  id: string;
  body: string;
  revision: number;
  status: string;
  version: number;
}) {
  const [state, formAction, pending] = useActionState<EditorState, FormData>(
    editReportAction.bind(null, { slug, id }),
    { attempt: 0, error: null, notice: null, revision },
  );
  const [text, setText] = useState(body);
  const lockAsked = useRef(false);

  const startEditing = () => {
    if (lockAsked.current) return;
    lockAsked.current = true;
    const data = new FormData();
    data.set('intent', 'lock');
    startTransition(() => formAction(data));
  };

  return (
    <form
      className="report-editor"
      data-testid="report-editor"
      onSubmit={(event) => {
        // Submitted by hand rather than through `action`: React resets a form after its action,
        // and the text must stay as typed when the save is refused.
        event.preventDefault();
        const data = new FormData(event.currentTarget, (event.nativeEvent as SubmitEvent).submitter);
        startTransition(() => formAction(data));
      }}
    >
      <FormError message={state.error} />
      <FormNotice message={state.error ? null : state.notice} />
      <div className="field">
        <label htmlFor="f-body">
          Texte du compte rendu <span className="muted small">(version {version})</span>
        </label>
        <textarea
          id="f-body"
          name="body"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            startEditing();
          }}
          onFocus={startEditing}
          spellCheck
          lang="fr"
          maxLength={300_000}
        />
      </div>
      <div className="actions">
        <button type="submit" name="intent" value="save" className="button" disabled={pending}>
          Enregistrer
        </button>
        {status === 'draft' ? (
          <button
            type="submit"
            name="intent"
            value="provisional"
            className="button button--secondary"
            disabled={pending}
          >
            Préliminaire
          </button>
        ) : null}
        <button
          type="submit"
          name="intent"
          value="validate"
          className="button button--secondary"
          disabled={pending || text.trim() === ''}
          onClick={(event) => {
            if (
              !window.confirm(
                'Valider et signer ce compte rendu ? Il sera transmis et ne pourra plus être modifié, seulement corrigé par une nouvelle version.',
              )
            ) {
              event.preventDefault();
            }
          }}
        >
          Valider (signer)
        </button>
        {pending ? <span className="muted small">Enregistrement…</span> : null}
      </div>
    </form>
  );
}
