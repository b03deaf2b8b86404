import type { Metadata } from 'next';
import { LoginForm } from './login-form.tsx';

export const metadata: Metadata = { title: 'Connexion' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const query = await searchParams;
  const email = first(query.email) ?? '';
  const invitationAccepted = first(query.invitation) === 'acceptee';
  const sessionExpired = first(query.session) === 'expiree';
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Connexion à Rayon</h1>
        {invitationAccepted ? (
          <div className="alert alert--success" role="status" data-testid="invitation-accepted">
            Votre mot de passe est enregistré. Connectez-vous pour accéder à votre établissement.
          </div>
        ) : null}
        {sessionExpired ? (
          <div className="alert alert--warning" role="status">
            Votre session a expiré. Veuillez vous reconnecter.
          </div>
        ) : null}
        <LoginForm initialEmail={email} />
      </div>
    </main>
  );
}
