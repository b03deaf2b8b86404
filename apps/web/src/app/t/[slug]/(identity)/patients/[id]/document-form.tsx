'use client';

import { isOneOf } from '@rayon/domain';
import { useActionState, useState } from 'react';
import { FormError, FormNotice } from '../../../../../../components/form.tsx';
import { DOCUMENT_TYPE_LABELS } from '../../../../../../lib/labels.ts';
import { recordDocumentAction } from './actions.ts';
import { INITIAL_ACTION_STATE, type ActionState } from './state.ts';

const HIGH_TRUST = ['carte_identite', 'passeport', 'titre_sejour'] as const;
const MINOR_ONLY = ['livret_famille', 'acte_naissance'] as const;

/** "Vérifier une pièce d'identité": records that a high-trust document was checked. */
export function DocumentCheckForm({
  slug,
  id,
  version,
  status,
  open,
}: {
  slug: string;
  id: string;
  version: number;
  status: string;
  /** Unfolded while no document was checked. */
  open: boolean;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(
    recordDocumentAction.bind(null, { slug, id }),
    INITIAL_ACTION_STATE,
  );
  const [type, setType] = useState('');
  // Once a check is recorded, the form starts afresh (React: adjusting state on a prop change).
  const [handled, setHandled] = useState(state.attempt);
  if (handled !== state.attempt) {
    setHandled(state.attempt);
    if (state.notice) setType('');
  }
  const minorDocument = isOneOf(MINOR_ONLY, type);
  return (
    <>
      <FormNotice message={state.savedVersion === version ? state.notice : null} />
      <details className="disclosure" open={open}>
        <summary>Vérifier une pièce d'identité</summary>
        <form action={formAction} className="form" key={`${state.attempt}-${version}`} noValidate>
          <FormError message={state.error} />
          <input type="hidden" name="version" value={version} />
          <input type="hidden" name="status" value={status} />
          <div className="field">
            <label htmlFor="f-document-type">Pièce présentée</label>
            <span id="f-document-type-hint" className="field-hint">
              Comparez chaque trait strict à la pièce. La carte Vitale, le permis de conduire ou une
              attestation ne permettent pas de valider une identité.
            </span>
            <select
              id="f-document-type"
              name="type"
              required
              aria-describedby="f-document-type-hint"
              value={type}
              onChange={(e) => setType(e.target.value)}
            >
              <option value="">Choisir…</option>
              <optgroup label="Pièces d'identité à haut niveau de confiance">
                {HIGH_TRUST.map((t) => (
                  <option key={t} value={t}>
                    {DOCUMENT_TYPE_LABELS[t]}
                  </option>
                ))}
              </optgroup>
              <optgroup label="Pour un mineur, avec la pièce d'un parent ou du représentant légal">
                {MINOR_ONLY.map((t) => (
                  <option key={t} value={t}>
                    {DOCUMENT_TYPE_LABELS[t]}
                  </option>
                ))}
              </optgroup>
            </select>
          </div>
          {minorDocument ? (
            <label className="checkbox">
              <input type="checkbox" name="guardianDocumentChecked" />
              Pièce d'identité du représentant légal vérifiée
            </label>
          ) : null}
          <div className="actions">
            <button type="submit" className="button" disabled={pending || type === ''}>
              Enregistrer la vérification
            </button>
          </div>
        </form>
      </details>
    </>
  );
}
