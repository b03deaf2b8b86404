'use client';

import { useActionState } from 'react';
import { FormError, FormNotice, SelectField } from '../../../../../../components/form.tsx';
import {
  ComplementaryTraitsFields,
  StrictTraitsFields,
} from '../../../../../../components/patients/traits-fields.tsx';
import {
  initialFormState,
  type ComplementaryField,
  type IdentityFormState,
  type TraitField,
} from '../../../../../../lib/identity-forms.ts';
import { DOCUMENT_TYPE_LABELS } from '../../../../../../lib/labels.ts';
import { changeComplementaryAction, changeTraitsAction } from './actions.ts';

interface Common {
  slug: string;
  id: string;
  version: number;
}

/** Change of the strict traits, with the warning of what it undoes. */
export function StrictTraitsForm({
  slug,
  id,
  version,
  status,
  current,
  hasIns,
}: Common & { status: string; current: Record<TraitField, string>; hasIns: boolean }) {
  const [state, formAction, pending] = useActionState<IdentityFormState<TraitField>, FormData>(
    changeTraitsAction.bind(null, { slug, id }),
    initialFormState<TraitField>(),
  );
  return (
    <>
      <FormNotice message={state.savedVersion === version ? state.notice : null} />
      <form action={formAction} className="form" key={`${state.attempt}-${version}`} noValidate>
        <div className="alert alert--warning" role="note">
          <strong>Attention :</strong> modifier un trait strict retire l'INS
          {hasIns ? ' de cette identité' : ''} (INSi devra être appelé à nouveau) et peut faire baisser le
          statut de l'identité : une pièce d'identité vérifiée ne vaut que pour les traits vérifiés.
        </div>
        <FormError message={state.formError} />
        <input type="hidden" name="version" value={version} />
        <input type="hidden" name="status" value={status} />
        <StrictTraitsFields values={state.values ?? current} errors={state.errors} />
        <SelectField
          name="documentChecked"
          label="Traits vérifiés sur une pièce d'identité à haut niveau de confiance"
          hint="Si les nouveaux traits viennent d'être vérifiés sur une pièce présentée, l'identité reste (ou devient) validée."
          options={(['carte_identite', 'passeport', 'titre_sejour'] as const).map((t) => ({
            value: t,
            label: DOCUMENT_TYPE_LABELS[t],
          }))}
          placeholder="Aucune pièce présentée"
          defaultValue=""
          optional
        />
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            Enregistrer les traits stricts
          </button>
        </div>
      </form>
    </>
  );
}

/** Change of the used name and forename (no effect on the status). */
export function ComplementaryTraitsForm({
  slug,
  id,
  version,
  current,
}: Common & { current: Record<ComplementaryField, string> }) {
  const [state, formAction, pending] = useActionState<IdentityFormState<ComplementaryField>, FormData>(
    changeComplementaryAction.bind(null, { slug, id }),
    initialFormState<ComplementaryField>(),
  );
  return (
    <>
      <FormNotice message={state.savedVersion === version ? state.notice : null} />
      <form action={formAction} className="form" key={`${state.attempt}-${version}`} noValidate>
        <FormError message={state.formError} />
        <input type="hidden" name="version" value={version} />
        <ComplementaryTraitsFields values={state.values ?? current} errors={state.errors} />
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            Enregistrer les traits complémentaires
          </button>
        </div>
      </form>
    </>
  );
}
