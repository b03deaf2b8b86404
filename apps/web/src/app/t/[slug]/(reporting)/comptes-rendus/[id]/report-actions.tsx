'use client';

import { useActionState } from 'react';
import { FormError } from '../../../../../../components/form.tsx';
import {
  announceReportAction,
  correctReportAction,
  withdrawReportAction,
  type ReportActionState,
} from '../actions.ts';

type Target = { slug: string; id: string };
const INITIAL: ReportActionState = { attempt: 0, error: null, notice: null };

function Refusal({ state }: { state: ReportActionState }) {
  return state.error ? (
    <span className="field-error" role="alert">
      {state.error}
    </span>
  ) : null;
}

/** « Corriger »: a new version (draft) from the validated one, which stays in force until then. */
export function CorrectButton({ target }: { target: Target }) {
  const [state, formAction, pending] = useActionState<ReportActionState>(
    correctReportAction.bind(null, target),
    INITIAL,
  );
  return (
    <form action={formAction} className="inline-form">
      <button
        type="submit"
        className="button"
        disabled={pending}
        onClick={(event) => {
          if (
            !window.confirm(
              'Corriger ce compte rendu ? Une nouvelle version est créée ; une fois validée, elle remplacera la version actuelle auprès de tous ses destinataires.',
            )
          ) {
            event.preventDefault();
          }
        }}
      >
        Corriger (nouvelle version)
      </button>
      <Refusal state={state} />
    </form>
  );
}

/** « Retirer »: the validated report leaves circulation, with a reason, after confirmation. */
export function WithdrawForm({ target }: { target: Target }) {
  const [state, formAction, pending] = useActionState<ReportActionState, FormData>(
    withdrawReportAction.bind(null, target),
    INITIAL,
  );
  return (
    <details className="disclosure" open={state.error ? true : undefined}>
      <summary>Retirer le compte rendu</summary>
      <form action={formAction} className="form" noValidate>
        <FormError message={state.error} />
        <div className="field">
          <label htmlFor="f-reason">Motif du retrait</label>
          <span id="f-reason-hint" className="field-hint">
            Le compte rendu est retiré de la circulation : ses destinataires (DMP, messagerie) en sont
            informés.
          </span>
          <textarea id="f-reason" name="reason" rows={2} maxLength={500} aria-describedby="f-reason-hint" />
        </div>
        <div className="actions">
          <button
            type="submit"
            className="button button--danger"
            disabled={pending}
            onClick={(event) => {
              if (!window.confirm('Retirer ce compte rendu ? Cette action est définitive.')) {
                event.preventDefault();
              }
            }}
          >
            Retirer
          </button>
        </div>
      </form>
    </details>
  );
}

/** « Enregistrer l'annonce »: the result was announced to the patient (who and when are kept). */
export function AnnounceButton({ target }: { target: Target }) {
  const [state, formAction, pending] = useActionState<ReportActionState>(
    announceReportAction.bind(null, target),
    INITIAL,
  );
  return (
    <form action={formAction} className="inline-form">
      <button
        type="submit"
        className="button button--secondary"
        disabled={pending}
        onClick={(event) => {
          if (!window.confirm('Confirmez-vous que le résultat a été annoncé au patient ?')) {
            event.preventDefault();
          }
        }}
      >
        Enregistrer l&apos;annonce
      </button>
      <Refusal state={state} />
    </form>
  );
}
