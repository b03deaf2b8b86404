'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import { onboardAction } from './actions.ts';
import { emptyValues, type OnboardingField, type OnboardingState } from './fields.ts';

interface FieldProps {
  state: OnboardingState;
  name: OnboardingField;
  label: string;
  type?: 'text' | 'email';
  optional?: boolean;
  hint?: string;
  autoComplete?: string;
}

function Field({
  state,
  name,
  label,
  type = 'text',
  optional = false,
  hint,
  autoComplete = 'off',
}: FieldProps) {
  const id = `f-${name.replace('.', '-')}`;
  const error = state.errors[name];
  const describedBy =
    [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {optional ? <span className="optional"> (facultatif)</span> : null}
      </label>
      {hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      ) : null}
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={state.values[name]}
        required={!optional}
        autoComplete={autoComplete}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
      {error ? (
        <span id={`${id}-error`} className="field-error" data-testid={`error-${name}`} role="alert">
          {error}
        </span>
      ) : null}
    </div>
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
      {state.formError ? (
        <div className="alert alert--error" role="alert">
          {state.formError}
        </div>
      ) : null}
      <fieldset>
        <legend>Établissement</legend>
        <Field state={state} name="name" label="Nom de l'établissement" autoComplete="organization" />
        <Field
          state={state}
          name="slug"
          label="Identifiant"
          hint="Lettres minuscules, chiffres, tirets (ex. : cabinet-dupont)."
        />
        <Field state={state} name="finess" label="FINESS juridique" optional />
        <Field state={state} name="siret" label="SIRET" optional />
      </fieldset>
      <fieldset>
        <legend>Premier site</legend>
        <Field state={state} name="firstSite.name" label="Nom du site" />
        <Field state={state} name="firstSite.finess" label="FINESS géographique" optional />
        <Field state={state} name="firstSite.city" label="Ville" optional />
      </fieldset>
      <fieldset>
        <legend>Premier administrateur</legend>
        <Field state={state} name="admin.displayName" label="Nom" autoComplete="off" />
        <Field state={state} name="admin.email" label="Adresse e-mail" type="email" autoComplete="off" />
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
