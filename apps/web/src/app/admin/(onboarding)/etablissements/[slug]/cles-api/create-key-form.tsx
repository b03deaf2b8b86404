'use client';

import { API_SCOPES } from '@rayon/domain';
import { useActionState } from 'react';
import { Field, FormError } from '../../../../../../components/form.tsx';
import { apiScopeLabel } from '../../../../../../lib/labels.ts';
import { createApiKeyAction } from './actions.ts';
import { INITIAL_CREATE_KEY_STATE, type CreateKeyState } from './state.ts';

export function CreateKeyForm({ tenantSlug }: { tenantSlug: string }) {
  const [state, formAction, pending] = useActionState<CreateKeyState, FormData>(
    createApiKeyAction.bind(null, tenantSlug),
    INITIAL_CREATE_KEY_STATE,
  );
  return (
    <>
      {state.created ? (
        <div className="alert alert--success" role="status">
          <strong>Clé « {state.created.name} » créée.</strong> Copiez cette clé maintenant : elle ne sera plus
          affichée.
          <code className="secret" data-testid="api-key-secret">
            {state.created.secret}
          </code>
        </div>
      ) : null}
      <form action={formAction} className="form" key={state.attempt} noValidate>
        <FormError message={state.formError} />
        <Field
          name="name"
          label="Nom"
          hint="Par exemple, le nom de la plateforme de téléradiologie qui utilisera la clé."
          autoComplete="off"
          defaultValue={state.values.name}
          error={state.errors.name}
        />
        <fieldset
          className="checkboxes"
          aria-describedby={state.errors.scopes ? 'key-scopes-error' : undefined}
        >
          <legend>
            <strong>Droits</strong>
          </legend>
          {API_SCOPES.map((scope) => (
            <label key={scope} className="checkbox">
              <input
                type="checkbox"
                name="scopes"
                value={scope}
                defaultChecked={state.values.scopes.includes(scope)}
              />
              {apiScopeLabel(scope)} <code className="muted">{scope}</code>
            </label>
          ))}
          {state.errors.scopes ? (
            <span id="key-scopes-error" className="field-error" role="alert">
              {state.errors.scopes}
            </span>
          ) : null}
        </fieldset>
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            Créer la clé
          </button>
        </div>
      </form>
    </>
  );
}
