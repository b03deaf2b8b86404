'use client';

import { useActionState } from 'react';
import { sentence } from '../../../../../../lib/api-messages.ts';
import { identityFieldLabel, identityStatusLabel, identityValueLabel } from '../../../../../../lib/labels.ts';
import { callInsiAction } from './actions.ts';
import { INITIAL_INSI_STATE, type InsiState } from './state.ts';

/** "Appeler INSi": asks the INSi teleservice for the INS of these traits and shows the outcome. */
export function InsiButton({ slug, id }: { slug: string; id: string }) {
  const [state, formAction, pending] = useActionState<InsiState>(
    callInsiAction.bind(null, { slug, id }),
    INITIAL_INSI_STATE,
  );
  return (
    <div className="insi">
      <form action={formAction}>
        <button type="submit" className="button" disabled={pending}>
          {pending ? 'Appel INSi en cours…' : 'Appeler INSi'}
        </button>
      </form>
      <div aria-live="polite" data-testid="insi-result">
        {state.error ? (
          <div className="alert alert--error" role="alert">
            {state.error}
          </div>
        ) : null}
        {state.result ? <InsiOutcome result={state.result} /> : null}
      </div>
    </div>
  );
}

function InsiOutcome({ result }: { result: NonNullable<InsiState['result']> }) {
  switch (result.outcome) {
    case 'applied':
      return (
        <div className="alert alert--success" role="status">
          <strong>INS récupérée (code {result.code}).</strong> Statut : {identityStatusLabel(result.status)}.
          {result.changes.length > 0 ? (
            <>
              <p className="insi__lead">Ce que l'appel a changé :</p>
              <ul className="changes">
                {result.changes.map((c) => (
                  <li key={c.field}>
                    <span className="changes__field">{identityFieldLabel(c.field)}</span> :{' '}
                    <span className="changes__from">{identityValueLabel(c.field, c.from)}</span> →{' '}
                    <span className="changes__to">{identityValueLabel(c.field, c.to)}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="insi__lead">L'identité correspondait déjà à la réponse d'INSi : rien n'a changé.</p>
          )}
          {result.reason ? <p className="insi__warning">{sentence(result.reason)}</p> : null}
        </div>
      );
    case 'not_found':
      return (
        <div className="alert alert--warning" role="status">
          <strong>Aucune identité trouvée (code 01)</strong> : vérifiez les traits, ajoutez les autres prénoms
          et le lieu de naissance.
        </div>
      );
    case 'several':
      return (
        <div className="alert alert--warning" role="status">
          <strong>Plusieurs identités trouvées (code 02)</strong> : INSi ne peut pas choisir entre plusieurs
          personnes. Complétez les traits (liste des prénoms de naissance, lieu de naissance) puis appelez
          INSi à nouveau.
        </div>
      );
    case 'rejected':
      return (
        <div className="alert alert--error" role="status">
          <strong>Réponse d'INSi non retenue</strong> :{' '}
          {result.reason ?? 'la réponse ne peut pas être utilisée.'}
        </div>
      );
  }
}
