import type { Metadata } from 'next';
import { apiErrorInfo, createApiClient } from '../../../server/api.ts';
import { AcceptInvitationForm } from './accept-form.tsx';

export const metadata: Metadata = { title: 'Invitation', referrer: 'no-referrer' };

type Params = Promise<{ token: string }>;

export default async function InvitationPage({ params }: { params: Params }) {
  const { token } = await params;
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
            Ce lien d'invitation n'est plus valable : il a expiré ou a déjà été utilisé. Demandez une nouvelle
            invitation à l'administrateur de la plateforme.
          </p>
        </div>
      </main>
    );
  }
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Invitation à rejoindre {invitation.tenantName}</h1>
        <p>
          Bonjour {invitation.displayName}, choisissez le mot de passe du compte{' '}
          <strong>{invitation.email}</strong>.
        </p>
        <AcceptInvitationForm token={token} email={invitation.email} />
      </div>
    </main>
  );
}
