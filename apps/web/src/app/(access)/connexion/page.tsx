import type { Metadata } from 'next';
import Link from 'next/link';
import { PSC_START_PATH, pscMessage, SIGNED_OUT_OF_PSC } from '../../../lib/psc.ts';
import { safeReturnPath } from '../../../lib/return-path.ts';
import { pscEnabled } from '../../../server/psc.ts';
import { LoginForm } from './login-form.tsx';

// No referrer: the address may carry an invitation link to go back to (`suite`).
export const metadata: Metadata = { title: 'Connexion', referrer: 'no-referrer' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const email = first(query.email) ?? '';
  const invitationAccepted = first(query.invitation) === 'acceptee';
  const sessionExpired = first(query.session) === 'expiree';
  const stepExpired = first(query.etape) === 'expiree';
  // Where to go back after signing in (an invitation to accept): a path of this portal only.
  const returnTo = safeReturnPath(first(query.suite));
  // A refusal at the end of a Pro Santé Connect flow (connexion/psc/retour): `?psc=<reason>`.
  const pscRefusal = first(query.psc);
  const signedOutOfPsc = first(query.deconnexion) === 'psc';
  const pscHref = (await pscEnabled())
    ? `${PSC_START_PATH}${returnTo ? `?${new URLSearchParams({ suite: returnTo })}` : ''}`
    : null;
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Connexion à Rayon</h1>
        {signedOutOfPsc ? (
          <div className="alert alert--success" role="status" data-testid="psc-signed-out">
            {SIGNED_OUT_OF_PSC}
          </div>
        ) : null}
        {pscRefusal ? (
          <div className="alert alert--error" role="alert" data-testid="psc-error">
            {pscMessage(pscRefusal)}
          </div>
        ) : null}
        {invitationAccepted ? (
          <div className="alert alert--success" role="status" data-testid="invitation-accepted">
            Votre mot de passe est enregistré. Connectez-vous pour accéder à votre établissement.
          </div>
        ) : null}
        {sessionExpired ? (
          <div className="alert alert--warning" role="status" data-testid="session-expired">
            Votre session a expiré. Veuillez vous reconnecter.
          </div>
        ) : null}
        {stepExpired ? (
          <div className="alert alert--warning" role="status" data-testid="step-expired">
            La vérification a expiré. Saisissez à nouveau votre mot de passe.
          </div>
        ) : null}
        {returnTo?.startsWith('/invitation/') ? (
          <div className="alert alert--warning" role="status" data-testid="sign-in-to-accept">
            Connectez-vous avec votre compte Rayon pour accepter l&apos;invitation.
          </div>
        ) : null}
        <LoginForm initialEmail={email} returnTo={returnTo} pscHref={pscHref} />
        <p>
          <Link href="/mot-de-passe-oublie" prefetch={false} data-testid="forgotten-password">
            Mot de passe oublié ?
          </Link>
        </p>
      </div>
    </main>
  );
}
