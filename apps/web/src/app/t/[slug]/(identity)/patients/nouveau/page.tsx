import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { IDENTITY_DESK_ROLES, practiceContext } from '../../../../../../server/practice.ts';
import { CreatePatientForm } from './create-form.tsx';

export const metadata: Metadata = { title: 'Nouveau patient' };

type Params = Promise<{ slug: string }>;

export default async function NewPatientPage({ params }: { params: Params }) {
  const { slug } = await params;
  const { has } = await practiceContext(slug);
  if (!has(...IDENTITY_DESK_ROLES)) notFound();
  const base = `/t/${encodeURIComponent(slug)}/patients`;
  return (
    <>
      <nav className="breadcrumb">
        <Link href={base}>Patients</Link> › Nouveau patient
      </nav>
      <h1>Nouveau patient</h1>
      <section className="card card--form">
        <CreatePatientForm slug={slug} cancelHref={base} />
      </section>
    </>
  );
}
