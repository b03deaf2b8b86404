'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { Field, FormError } from '../../../../../components/form.tsx';
import { onboardAction } from './actions.ts';
import { emptyValues, type OnboardingField, type OnboardingState } from './fields.ts';

function OnboardingField({
  state,
  name,
  ...props
}: { state: OnboardingState; name: OnboardingField; label: string } & Omit<
  Parameters<typeof Field>[0],
  'name' | 'error' | 'defaultValue'
>) {
  return (
    <Field
      name={name}
      error={state.errors[name]}
      defaultValue={state.values[name]}
      autoComplete="off"
      {...props}
    />
  );
}

export function OnboardingForm() {
  const [state, formAction, pending] = useActionState<OnboardingState, FormData>(onboardAction, {
    attempt: 0,
    values: emptyValues(),
    errors: {},
    formError: null,
  });
  return (
    <form action={formAction} className="form" key={state.attempt} noValidate>
      <FormError message={state.formError} />
      <fieldset>
        <legend>Établissement</legend>
        <OnboardingField
          state={state}
          name="name"
          label="Nom de l'établissement"
          autoComplete="organization"
        />
        <OnboardingField
          state={state}
          name="slug"
          label="Identifiant"
          hint="Lettres minuscules, chiffres, tirets (ex. : cabinet-dupont)."
        />
        <OnboardingField state={state} name="finess" label="FINESS juridique" optional />
        <OnboardingField state={state} name="siret" label="SIRET" optional />
      </fieldset>
      <fieldset>
        <legend>Premier site</legend>
        <OnboardingField state={state} name="firstSite.name" label="Nom du site" />
        <OnboardingField state={state} name="firstSite.finess" label="FINESS géographique" optional />
        <OnboardingField state={state} name="firstSite.city" label="Ville" optional />
      </fieldset>
      <fieldset>
        <legend>Premier administrateur</legend>
        <OnboardingField state={state} name="admin.displayName" label="Nom" autoComplete="off" />
        <OnboardingField
          state={state}
          name="admin.email"
          label="Adresse e-mail"
          type="email"
          autoComplete="off"
        />
      </fieldset>
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Créer l'établissement
        </button>
        <Link href="/admin">Annuler</Link>
      </div>
    </form>
  );
}
