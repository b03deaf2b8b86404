import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { verifyCodeAction } from '../actions.ts';
import { CodeForm } from '../code-form.tsx';
import { pendingSignIn } from '../pending.ts';

export const metadata: Metadata = { title: 'Code de vérification', referrer: 'no-referrer' };

/** Second step of the sign-in: the code of the authenticator app, or a recovery code. */
export default async function VerificationPage() {
  const pending = await pendingSignIn();
  if (!pending) redirect('/connexion?etape=expiree');
  if (pending.step === 'enrol') redirect('/connexion/double-authentification');
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Vérification en deux étapes</h1>
        <p>
          Ouvrez votre application d&apos;authentification et saisissez le code affiché pour{' '}
          <strong>{pending.email}</strong>.
        </p>
        <CodeForm action={verifyCodeAction} submitLabel="Valider" allowRecovery />
        <p className="muted">
          <Link href="/connexion" prefetch={false}>
            Revenir à la connexion
          </Link>
        </p>
      </div>
    </main>
  );
}
