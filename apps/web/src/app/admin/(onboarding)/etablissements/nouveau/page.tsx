import type { Metadata } from 'next';
import Link from 'next/link';
import { OnboardingForm } from './onboarding-form.tsx';

export const metadata: Metadata = { title: 'Nouvel établissement' };

export default function NewTenantPage() {
  return (
    <>
      <nav className="breadcrumb">
        <Link href="/admin">Établissements</Link> › Nouvel établissement
      </nav>
      <h1>Nouvel établissement</h1>
      <p className="muted">
        L'établissement est créé avec son premier site ; son administrateur reçoit par e-mail un lien
        d'invitation pour choisir son mot de passe.
      </p>
      <div className="card">
        <OnboardingForm />
      </div>
    </>
  );
}
