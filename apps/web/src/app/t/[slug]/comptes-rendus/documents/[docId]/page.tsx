import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { CdaView } from '../../../../../../components/reports/cda-view.tsx';
import { readCda } from '../../../../../../lib/cda.ts';
import {
  cdaPdfPath,
  documentFilePath,
  formatSize,
  receivedCdaPath,
  reportsPath,
} from '../../../../../../lib/reports.ts';
import { fetchReportDocument } from '../../../../../../server/report-documents.ts';

export const metadata: Metadata = { title: 'Document CDA' };

type Params = Promise<{ slug: string; docId: string }>;

/**
 * The viewer of a stored CDA R2 (« visualisation » of the CI-SIS document): its header data and
 * the PDF it carries. A PDF/A goes straight to its file.
 */
export default async function CdaViewerPage({ params }: { params: Params }) {
  const { slug, docId } = await params;
  const doc = await fetchReportDocument(slug, docId);
  if (!doc) notFound();
  if (doc.kind === 'pdf') redirect(documentFilePath(slug, docId));
  const reading = readCda(doc.content.toString('utf8'));
  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <Link href={reportsPath(slug)}>Comptes rendus</Link> › Document CDA
      </nav>
      <div className="page-title">
        <h1>Document CDA du compte rendu</h1>
        <Link href={receivedCdaPath(slug)}>Afficher un CDA reçu</Link>
      </div>
      <p className="muted small">
        CDA R2 niveau 1 · {formatSize(doc.content.length)} · SHA-256{' '}
        <code className="fingerprint">{doc.sha256}</code> ·{' '}
        <a href={documentFilePath(slug, docId)} download>
          Télécharger le fichier XML
        </a>
      </p>
      {reading.ok ? (
        <CdaView header={reading.header} pdfSrc={cdaPdfPath(slug, docId)} />
      ) : (
        <div className="alert alert--error" role="alert">
          {reading.error}
        </div>
      )}
    </>
  );
}
