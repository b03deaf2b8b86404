'use client';

import { useActionState } from 'react';
import { FormError, FormNotice } from '../../../../../../components/form.tsx';
import { saveDocumentSettingsAction, type DocumentSettingsState } from '../actions.ts';

const INITIAL: DocumentSettingsState = { attempt: 0, error: null, notice: null };

/** The RGPD mentions of the practice's reports and the letterhead of each site. */
export function DocumentSettingsForm({
  slug,
  rgpdNotice,
  sites,
}: {
  slug: string;
  rgpdNotice: string | null;
  sites: { id: string; name: string; letterhead: string | null }[];
}) {
  const [state, formAction, pending] = useActionState<DocumentSettingsState, FormData>(
    saveDocumentSettingsAction.bind(
      null,
      slug,
      sites.map((s) => s.id),
    ),
    INITIAL,
  );
  return (
    <form action={formAction} className="form" noValidate>
      <FormNotice message={state.notice} />
      <FormError message={state.error} />
      <div className="field">
        <label htmlFor="f-rgpd">Mentions RGPD</label>
        <span id="f-rgpd-hint" className="field-hint">
          Imprimées en bas de la dernière page de chaque compte rendu (finalité, base légale, droits, contact
          du délégué à la protection des données).
        </span>
        <textarea
          id="f-rgpd"
          name="rgpdNotice"
          rows={4}
          maxLength={2000}
          defaultValue={rgpdNotice ?? ''}
          aria-describedby="f-rgpd-hint"
        />
      </div>
      {sites.map((s) => (
        <div className="field" key={s.id}>
          <label htmlFor={`f-letterhead-${s.id}`}>En-tête du site « {s.name} »</label>
          <span id={`f-letterhead-${s.id}-hint`} className="field-hint">
            Jusqu&apos;à 6 lignes, imprimées sous le nom du site en haut de chaque page.
          </span>
          <textarea
            id={`f-letterhead-${s.id}`}
            name={`letterhead-${s.id}`}
            rows={3}
            defaultValue={s.letterhead ?? ''}
            aria-describedby={`f-letterhead-${s.id}-hint`}
          />
        </div>
      ))}
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Enregistrer la mise en page
        </button>
      </div>
    </form>
  );
}
