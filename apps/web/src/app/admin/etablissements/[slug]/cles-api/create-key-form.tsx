'use client';

import { API_SCOPES } from '@rayon/domain';
import { useActionState } from 'react';
import { apiScopeLabel } from '../../../../../lib/labels.ts';
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
        {state.formError ? (
          <div className="alert alert--error" role="alert">
            {state.formError}
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="key-name">Nom</label>
          <span id="key-name-hint" className="field-hint">
            Par exemple, le nom de la plateforme de téléradiologie qui utilisera la clé.
          </span>
          <input
            id="key-name"
            name="name"
            type="text"
            autoComplete="off"
            defaultValue={state.values.name}
            aria-invalid={state.errors.name ? true : undefined}
            aria-describedby={state.errors.name ? 'key-name-hint key-name-error' : 'key-name-hint'}
          />
          {state.errors.name ? (
            <span id="key-name-error" className="field-error" role="alert">
              {state.errors.name}
            </span>
          ) : null}
        </div>
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
