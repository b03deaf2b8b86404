import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { REPORT_READER_ROLES, reportsPath } from '../../../../../../lib/reports.ts';
import { practiceContext } from '../../../../../../server/practice.ts';
import { ReceivedCdaForm } from './received-cda-form.tsx';

export const metadata: Metadata = { title: 'Afficher un CDA reçu' };

type Params = Promise<{ slug: string }>;

/** The viewer of a CDA received from elsewhere (mail, DMP, CD of another practice…). */
export default async function ReceivedCdaPage({ params }: { params: Params }) {
  const { slug } = await params;
  const { has } = await practiceContext(slug);
  if (!has(...REPORT_READER_ROLES)) notFound();
  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <Link href={reportsPath(slug)}>Comptes rendus</Link> › CDA reçu
      </nav>
      <h1>Afficher un document CDA reçu</h1>
      <p className="muted">
        Ouvrez un compte rendu reçu d&apos;un autre établissement ou d&apos;un autre logiciel pour en lire
        l&apos;en-tête (patient, INS, auteur, signataire, examens) et le PDF.
      </p>
      <ReceivedCdaForm slug={slug} />
    </>
  );
}
