import type { AuthMethod } from '../../../auth.ts';
import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { formatDateTime } from '../../../lib/labels.ts';
import { pscMessage } from '../../../lib/psc.ts';
import { unlinkPscAction } from './psc-actions.ts';
import { PscLinkForm } from './psc-link-form.tsx';

export interface PscAccount {
  enabled: boolean;
  linked: boolean;
  nationalId: string | null;
  linkedAt: string | null;
  cguAcceptedAt: string | null;
  hasPassword: boolean;
}

/** What `?psc=` on /compte says: the link made or removed, or a refusal. */
function Outcome({ value }: { value: string | undefined }) {
  if (!value) return null;
  if (value === 'liee')
    return (
      <div className="alert alert--success" role="status" data-testid="psc-linked">
        Votre e-CPS est liée à votre compte : vous pouvez vous connecter avec Pro Santé Connect.
      </div>
    );
  if (value === 'deliee')
    return (
      <div className="alert alert--success" role="status" data-testid="psc-unlinked">
        Votre e-CPS n’est plus liée à votre compte : connectez-vous avec votre mot de passe.
      </div>
    );
  return (
    <div className="alert alert--error" role="alert" data-testid="psc-error">
      {pscMessage(value)}
    </div>
  );
}

/** « Pro Santé Connect » in « Mon compte »: the linked e-CPS, or how to link one. */
export function PscSection({
  psc,
  outcome,
  authMethod,
}: {
  psc: PscAccount;
  outcome: string | undefined;
  authMethod: AuthMethod;
}) {
  // Not offered here, and nothing linked: nothing to show.
  if (!psc.enabled && !psc.linked) return null;
  return (
    <section className="card card--form" aria-labelledby="psc-title" data-testid="psc-section">
      <h2 id="psc-title" className="card__title">
        Pro Santé Connect
      </h2>
      <Outcome value={outcome} />
      {authMethod === 'psc' ? (
        <p className="muted" data-testid="psc-session">
          Cette session a été ouverte avec Pro Santé Connect.
        </p>
      ) : null}
      {psc.linked ? (
        <>
          <dl className="details details--stack-narrow">
            <dt>Identifiant national (e-CPS)</dt>
            <dd data-testid="psc-national-id">{psc.nationalId ?? '—'}</dd>
            <dt>Liée le</dt>
            <dd>{formatDateTime(psc.linkedAt)}</dd>
            {psc.cguAcceptedAt ? (
              <>
                <dt>Conditions d’utilisation acceptées le</dt>
                <dd>{formatDateTime(psc.cguAcceptedAt)}</dd>
              </>
            ) : null}
          </dl>
          {psc.hasPassword ? (
            <form action={unlinkPscAction} className="actions psc-section__actions">
              <ConfirmButton
                question="Délier votre e-CPS ? Vous vous connecterez avec votre mot de passe."
                className="button button--secondary"
              >
                Délier
              </ConfirmButton>
            </form>
          ) : (
            <p className="muted">
              Votre compte n’a pas de mot de passe : votre e-CPS est votre seul moyen de connexion et ne peut
              pas être déliée.
            </p>
          )}
        </>
      ) : (
        <>
          <p className="muted">
            Liez votre e-CPS (application) ou votre carte CPS à votre compte pour vous connecter avec Pro
            Santé Connect. Votre numéro RPPS doit être celui de votre profil dans Rayon.
          </p>
          <PscLinkForm />
        </>
      )}
    </section>
  );
}
