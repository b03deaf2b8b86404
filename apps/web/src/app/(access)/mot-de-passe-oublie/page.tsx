import type { Metadata } from 'next';
import Link from 'next/link';
import { RequestResetForm } from './request-form.tsx';

export const metadata: Metadata = { title: 'Mot de passe oublié' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ForgottenPasswordPage({ searchParams }: { searchParams: SearchParams }) {
  const email = (await searchParams).email;
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Mot de passe oublié</h1>
        <p>
          Indiquez l&apos;adresse e-mail de votre compte Rayon : vous recevrez un lien pour choisir un nouveau
          mot de passe, valable 30 minutes.
        </p>
        <RequestResetForm initialEmail={typeof email === 'string' ? email : ''} />
        <p>
          <Link href="/connexion" prefetch={false}>
            Retour à la connexion
          </Link>
        </p>
      </div>
    </main>
  );
}
