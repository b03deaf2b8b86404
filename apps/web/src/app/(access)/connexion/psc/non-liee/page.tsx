import type { Metadata } from 'next';
import Link from 'next/link';
import { unlinkedProfessional } from '../../../../../server/psc.ts';

export const metadata: Metadata = { title: 'e-CPS non liée' };

/**
 * An e-CPS that PSC recognised but that no Rayon account is linked to: nothing is created
 * automatically (an account belongs to a practice that invited its member); the professional is
 * told how to get one.
 */
export default async function UnlinkedPage() {
  const name = await unlinkedProfessional();
  return (
    <main className="page page--narrow">
      <div className="card" data-testid="psc-unlinked">
        <h1>e-CPS non liée</h1>
        {name ? (
          <p>
            Bonjour <strong data-testid="psc-unlinked-name">{name}</strong>, Pro Santé Connect vous a bien
            identifié.
          </p>
        ) : null}
        <div className="alert alert--warning" role="status">
          Votre e-CPS n’est liée à aucun compte Rayon. Demandez à l’administrateur de votre établissement de
          vous inviter, puis acceptez l’invitation avec « Accepter avec ma e-CPS ». Rien n’a été créé.
        </div>
        <p className="muted">
          Vous avez déjà un compte Rayon ? Connectez-vous avec votre mot de passe, puis liez votre e-CPS
          depuis « Mon compte ».
        </p>
        <div className="actions">
          <Link href="/connexion" className="button button--secondary" prefetch={false}>
            Retour à la connexion
          </Link>
        </div>
      </div>
    </main>
  );
}
