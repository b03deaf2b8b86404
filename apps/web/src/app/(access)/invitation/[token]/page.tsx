import type { Metadata } from 'next';
import Link from 'next/link';
import { auth } from '../../../../auth.ts';
import { apiErrorInfo, createApiClient } from '../../../../server/api.ts';
import { SIGN_IN_PATH } from '../../../../server/session.ts';
import { pscMessage } from '../../../../lib/psc.ts';
import { pscEnabled } from '../../../../server/psc.ts';
import { AcceptInvitationForm } from './accept-form.tsx';
import { AcceptWithPscForm } from './accept-psc.tsx';
import { AcceptSignedInForm } from './accept-signed-in.tsx';
import { EXISTING_ACCOUNT } from './state.ts';

export const metadata: Metadata = { title: 'Invitation', referrer: 'no-referrer' };

type Params = Promise<{ token: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * An invitation to join a practice. A new address chooses its password; an address that already
 * has a Rayon account never sees a password field: it signs in with its own, comes back here and
 * accepts (« Accepter l'invitation »).
 */
export default async function InvitationPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { token } = await params;
  // A refusal at the end of « Accepter avec ma e-CPS » (connexion/psc/retour): `?psc=<reason>`.
  const { psc } = await searchParams;
  const pscRefusal = typeof psc === 'string' ? pscMessage(psc) : null;
  let invitation;
  try {
    invitation = await createApiClient().auth.invitation.query({ token });
  } catch (error) {
    if (apiErrorInfo(error)?.code !== 'NOT_FOUND') throw error;
    return (
      <main className="page page--narrow">
        <div className="card">
          <h1>Invitation invalide</h1>
          <p data-testid="invitation-invalid">
            Ce lien d'invitation n'est plus valable : il a expiré, a été annulé ou a déjà été utilisé.
            Demandez une nouvelle invitation à l'administrateur de votre établissement.
          </p>
        </div>
      </main>
    );
  }
  if (!invitation.existingAccount) {
    const withPsc = await pscEnabled();
    return (
      <main className="page page--narrow">
        <div className="card">
          <h1>Invitation à rejoindre {invitation.tenantName}</h1>
          {withPsc ? (
            <>
              <p>
                Bonjour {invitation.displayName}, professionnel de santé : acceptez l’invitation avec votre
                e-CPS ou votre carte CPS. Votre compte{' '}
                <strong className="break-anywhere">{invitation.email}</strong> sera lié à Pro Santé Connect,
                sans mot de passe.
              </p>
              <AcceptWithPscForm token={token} refusal={pscRefusal} />
              <p className="or-separator">ou choisissez un mot de passe</p>
            </>
          ) : (
            <p>
              Bonjour {invitation.displayName}, choisissez le mot de passe du compte{' '}
              <strong className="break-anywhere">{invitation.email}</strong>.
            </p>
          )}
          <AcceptInvitationForm token={token} email={invitation.email} />
        </div>
      </main>
    );
  }

  const session = await auth();
  const signedInAs = session?.apiSessionToken ? (session.portalUser?.email ?? null) : null;
  const invitee = signedInAs !== null && signedInAs.toLowerCase() === invitation.email.toLowerCase();
  const signInHref = `${SIGN_IN_PATH}?${new URLSearchParams({
    suite: `/invitation/${token}`,
    email: invitation.email,
  })}`;
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Invitation à rejoindre {invitation.tenantName}</h1>
        <p>
          Bonjour {invitation.displayName}, {invitation.tenantName} vous invite à rejoindre son équipe avec
          l&apos;adresse <strong className="break-anywhere">{invitation.email}</strong>.
        </p>
        <div className="alert alert--warning" role="status" data-testid="existing-account">
          {EXISTING_ACCOUNT}
        </div>
        {invitee ? (
          <>
            <p className="muted">
              Votre session est ouverte avec ce compte. Votre mot de passe ne change pas :
              l&apos;établissement s&apos;ajoute à ceux auxquels vous avez accès.
            </p>
            <AcceptSignedInForm token={token} />
          </>
        ) : (
          <>
            {signedInAs ? (
              <p data-testid="signed-in-as-other">
                Votre session est ouverte avec une autre adresse (
                <span className="break-anywhere">{signedInAs}</span>) : connectez-vous avec{' '}
                <span className="break-anywhere">{invitation.email}</span> pour accepter.
              </p>
            ) : null}
            <div className="actions">
              <Link href={signInHref} className="button" prefetch={false}>
                Se connecter pour accepter
              </Link>
            </div>
          </>
        )}
      </div>
    </main>
  );
}
