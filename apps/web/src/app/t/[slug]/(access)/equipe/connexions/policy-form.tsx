'use client';

import { useActionState } from 'react';
import { Field } from '../../../../../../components/form.tsx';
import type { PolicyState } from './actions.ts';

export function PolicyForm({
  action,
  totpRequired,
  idleTimeoutMinutes,
}: {
  action: (previous: PolicyState, formData: FormData) => Promise<PolicyState>;
  totpRequired: boolean;
  idleTimeoutMinutes: number;
}) {
  const [state, formAction, pending] = useActionState<PolicyState, FormData>(action, {
    ok: false,
    error: null,
    field: null,
  });
  return (
    <form action={formAction} className="form" noValidate data-testid="sign-in-policy">
      {state.ok ? (
        <div className="alert alert--success" role="status">
          Règles de connexion enregistrées.
        </div>
      ) : null}
      {state.error && !state.field ? (
        <div className="alert alert--error" role="alert">
          {state.error}
        </div>
      ) : null}
      <div className="field">
        <label className="checkbox">
          <input type="checkbox" name="totpRequired" defaultChecked={totpRequired} />
          Double authentification obligatoire pour tous les membres
        </label>
        <span className="field-hint">
          Les administrateurs l&apos;utilisent toujours. Cochée, chaque membre active une application
          d&apos;authentification à sa prochaine connexion.
        </span>
      </div>
      <Field
        name="idleTimeoutMinutes"
        label="Déconnexion après N minutes d'inactivité"
        hint="De 5 à 480 minutes."
        type="number"
        inputMode="numeric"
        min={5}
        max={480}
        step={1}
        defaultValue={idleTimeoutMinutes}
        error={state.field === 'idleTimeoutMinutes' ? (state.error ?? undefined) : undefined}
      />
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          Enregistrer
        </button>
      </div>
    </form>
  );
}
