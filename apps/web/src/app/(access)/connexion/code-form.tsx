'use client';

import { useActionState, useState } from 'react';
import type { CodeState } from './actions.ts';

/**
 * One code field: the 6 digits of the authenticator app, or (« Utiliser un code de secours »)
 * one of the recovery codes, when `allowRecovery`.
 */
export function CodeForm({
  action,
  submitLabel,
  allowRecovery = false,
}: {
  action: (previous: CodeState, formData: FormData) => Promise<CodeState>;
  submitLabel: string;
  allowRecovery?: boolean;
}) {
  const [state, formAction, pending] = useActionState<CodeState, FormData>(action, { error: null });
  const [recovery, setRecovery] = useState(false);
  return (
    <>
      {state.error ? (
        <div className="alert alert--error" role="alert" data-testid="code-error">
          {state.error}
        </div>
      ) : null}
      <form action={formAction} className="form" noValidate>
        {recovery ? (
          <div className="field" key="recovery">
            <label htmlFor="code">Code de secours</label>
            <input
              id="code"
              name="code"
              type="text"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={40}
              required
              autoFocus
              aria-describedby="code-hint"
            />
            <p className="field-hint" id="code-hint">
              Un des dix codes notés lors de l&apos;activation, par exemple k7m2-p9xq-4tzn. Chacun ne sert
              qu&apos;une fois.
            </p>
          </div>
        ) : (
          <div className="field" key="totp">
            <label htmlFor="code">Code de vérification</label>
            <input
              id="code"
              name="code"
              type="text"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9]{6}"
              maxLength={6}
              required
              autoFocus
              aria-describedby="code-hint"
            />
            <p className="field-hint" id="code-hint">
              Les 6 chiffres affichés par votre application d&apos;authentification.
            </p>
          </div>
        )}
        <div className="actions">
          <button type="submit" className="button" disabled={pending}>
            {submitLabel}
          </button>
          {allowRecovery ? (
            <button type="button" className="link-button" onClick={() => setRecovery(!recovery)}>
              {recovery ? 'Utiliser le code de l’application' : 'Utiliser un code de secours'}
            </button>
          ) : null}
        </div>
      </form>
    </>
  );
}
