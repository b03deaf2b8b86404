'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { Field, FormError } from '../../../../../../components/form.tsx';
import {
  ComplementaryTraitsFields,
  StrictTraitsFields,
} from '../../../../../../components/patients/traits-fields.tsx';
import { initialFormState, type IdentityFormState } from '../../../../../../lib/identity-forms.ts';
import { createPatientAction } from './actions.ts';

export function CreatePatientForm({ slug, cancelHref }: { slug: string; cancelHref: string }) {
  const [state, formAction, pending] = useActionState<IdentityFormState, FormData>(
    createPatientAction.bind(null, slug),
    initialFormState(),
  );
  const values = state.values ?? {};
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      <FormError message={state.formError} />
      <fieldset>
        <legend>Traits stricts</legend>
        <p className="muted fieldset-intro">
          Recopiez les traits depuis la pièce d'identité présentée. Seuls les traits stricts sont nécessaires
          pour créer l'identité, qui sera au statut « Identité provisoire ».
        </p>
        <StrictTraitsFields values={values} errors={state.errors} />
      </fieldset>
      <fieldset>
        <legend>Traits complémentaires</legend>
        <ComplementaryTraitsFields values={values} errors={state.errors} />
      </fieldset>
      <fieldset>
        <legend>Identifiant local (IPP)</legend>
        <div className="field-row">
          <Field
            name="ipp.authority"
            label="Autorité d'affectation"
            hint="Domaine qui a attribué l'IPP : nom ou OID (ex. : l'établissement, le logiciel d'accueil)."
            defaultValue={values['ipp.authority'] ?? ''}
            error={state.errors['ipp.authority']}
            autoComplete="off"
            optional
          />
          <Field
            name="ipp.value"
            label="IPP"
            defaultValue={values['ipp.value'] ?? ''}
            error={state.errors['ipp.value']}
            autoComplete="off"
            optional
          />
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Créer le patient
        </button>
        <Link href={cancelHref}>Annuler</Link>
      </div>
    </form>
  );
}
