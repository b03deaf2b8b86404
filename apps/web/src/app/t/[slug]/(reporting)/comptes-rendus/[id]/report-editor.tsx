'use client';

import { startTransition, useActionState, useRef, useState } from 'react';
import { VISIBILITY_LABELS } from '@rayon/domain';
import { FormError, FormNotice } from '../../../../../../components/form.tsx';
import { editReportAction, type EditorState } from '../actions.ts';

/** What the validation dialog needs to offer the visibility choices that apply. */
export interface ValidationContext {
  /** The patient is a minor on the day of the validation. */
  minor: boolean;
  /** The announcement is required and not recorded: the patient does not see the report yet. */
  announcementPending: boolean;
  /** The practice feeds the DMP. */
  dmp: boolean;
}

/**
 * The text of the current version (draft or préliminaire) and its actions: Enregistrer,
 * Préliminaire, Valider (signer). The edit lock is taken when typing starts; refusals (another
 * user editing, a version changed meanwhile, no right to sign, a visibility the CI-SIS refuses)
 * are shown in French above the text, which is kept as typed. « Valider (signer) » opens a dialog
 * where the radiologist chooses who may see the document (masqué aux professionnels de santé,
 * non visible par les représentants légaux, connexion secrète — the last two for a minor only),
 * then confirms.
 */
export function ReportEditor({
  slug,
  id,
  body,
  revision,
  status,
  version,
  validation,
}: {
  slug: string;
  id: string;
  body: string;
  revision: number;
  status: string;
  version: number;
  validation: ValidationContext;
}) {
  const [state, formAction, pending] = useActionState<EditorState, FormData>(
    editReportAction.bind(null, { slug, id }),
    { attempt: 0, error: null, notice: null, revision },
  );
  const [text, setText] = useState(body);
  const lockAsked = useRef(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const [hidden, setHidden] = useState(false);
  const [secret, setSecret] = useState(false);

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
          type="button"
          className="button button--secondary"
          disabled={pending || text.trim() === ''}
          onClick={() => dialog.current?.showModal()}
        >
          Valider (signer)
        </button>
        {pending ? <span className="muted small">Enregistrement…</span> : null}
      </div>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby="validate-title"
        aria-describedby="validate-intro"
        data-testid="validate-dialog"
      >
        <h2 id="validate-title" className="card__title">
          Valider et signer le compte rendu
        </h2>
        <p id="validate-intro" className="fieldset-intro">
          Il sera transmis et ne pourra plus être modifié, seulement corrigé par une nouvelle version.
        </p>
        <fieldset className="checkboxes visibility-choices">
          <legend>Visibilité du document</legend>
          <label className="checkbox">
            <input
              type="checkbox"
              name="maskedFromProfessionals"
              disabled={validation.announcementPending}
              aria-describedby="masked-hint"
            />
            {VISIBILITY_LABELS.maskedFromProfessionals}
          </label>
          <span id="masked-hint" className="field-hint">
            {validation.announcementPending
              ? 'Impossible tant que l’annonce n’est pas enregistrée : le patient ne voit pas encore le compte rendu, personne ne le verrait.'
              : 'Dans le DMP, seuls le patient et l’auteur le voient ; pas d’envoi au médecin demandeur par MSSanté.'}
          </span>
          <label className="checkbox">
            <input
              type="checkbox"
              name="hiddenFromLegalRepresentatives"
              disabled={!validation.minor}
              checked={hidden || secret}
              onChange={(event) => setHidden(event.target.checked)}
              aria-describedby="legal-hint"
            />
            {VISIBILITY_LABELS.hiddenFromLegalRepresentatives}
          </label>
          <span id="legal-hint" className="field-hint">
            {validation.minor
              ? 'Les représentants légaux du patient mineur ne le voient pas ; pas d’envoi à la messagerie du patient.'
              : 'Réservé à un patient mineur.'}
          </span>
          <label className="checkbox">
            <input
              type="checkbox"
              name="secretConnection"
              disabled={!validation.minor || !validation.dmp}
              checked={secret}
              onChange={(event) => setSecret(event.target.checked)}
              aria-describedby="secret-hint"
            />
            {VISIBILITY_LABELS.secretConnection}
          </label>
          <span id="secret-hint" className="field-hint">
            {!validation.minor
              ? 'Réservé à un patient mineur.'
              : !validation.dmp
                ? 'Le cabinet n’alimente pas le DMP.'
                : 'Envoi au DMP en connexion secrète, à la demande du patient mineur ; le document est alors non visible par ses représentants légaux.'}
          </span>
        </fieldset>
        <div className="actions">
          <button
            type="submit"
            name="intent"
            value="validate"
            className="button"
            disabled={pending}
            onClick={() => dialog.current?.close()}
          >
            Valider et signer
          </button>
          <button type="button" className="button button--secondary" onClick={() => dialog.current?.close()}>
            Annuler
          </button>
        </div>
      </dialog>
    </form>
  );
}
