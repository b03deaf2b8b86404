import type { Metadata } from 'next';
import Link from 'next/link';
import { apiErrorInfo, createApiClient } from '../../../../server/api.ts';
import { ResetPasswordForm } from './reset-form.tsx';

export const metadata: Metadata = { title: 'Nouveau mot de passe' };

type Params = Promise<{ token: string }>;

/** The page a reset e-mail links to: a new password, twice. */
export default async function ResetPasswordPage({ params }: { params: Params }) {
  const { token } = await params;
  let link;
  try {
    link = await createApiClient().auth.passwordReset.query({ token });
  } catch (error) {
    const code = apiErrorInfo(error)?.code;
    if (code !== 'NOT_FOUND' && code !== 'BAD_REQUEST') throw error;
    return <InvalidLink />;
  }
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Nouveau mot de passe</h1>
        <p>
          Choisissez le nouveau mot de passe du compte{' '}
          <strong className="break-anywhere">{link.email}</strong>. Toutes les sessions ouvertes avec ce
          compte seront fermées.
        </p>
        <ResetPasswordForm token={token} email={link.email} />
      </div>
    </main>
  );
}

function InvalidLink() {
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Lien expiré ou déjà utilisé</h1>
        <p data-testid="reset-invalid">
          Ce lien de réinitialisation n&apos;est plus valable : il a expiré (il ne dure que 30 minutes) ou a
          déjà servi. Demandez-en un nouveau.
        </p>
        <div className="actions">
          <Link href="/mot-de-passe-oublie" className="button" prefetch={false}>
            Demander un nouveau lien
          </Link>
          <Link href="/connexion" className="button button--secondary" prefetch={false}>
            Se connecter
          </Link>
        </div>
      </div>
    </main>
  );
}
