import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { CdaView } from '../../../../../../../components/reports/cda-view.tsx';
import {
  cdaPdfPath,
  documentFilePath,
  formatSize,
  receivedCdaPath,
  reportsPath,
} from '../../../../../../../lib/reports.ts';
import { readReportCda } from '../../../../../../../server/report-documents.ts';

export const metadata: Metadata = { title: 'Document CDA' };

type Params = Promise<{ slug: string; docId: string }>;

/**
 * The viewer of a stored CDA R2 (« visualisation » of the CI-SIS document): its header data and
 * the PDF it carries. A PDF/A goes straight to its file.
 */
export default async function CdaViewerPage({ params }: { params: Params }) {
  const { slug, docId } = await params;
  const reading = await readReportCda(slug, docId);
  if (!reading) notFound();
  if (reading.status === 'not-cda') redirect(documentFilePath(slug, docId));
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
        {reading.status === 'read' ? (
          <>
            CDA R2 niveau 1 · {formatSize(reading.size)} · SHA-256{' '}
            <code className="fingerprint">{reading.sha256}</code> ·{' '}
          </>
        ) : null}
        <a href={documentFilePath(slug, docId)} download>
          Télécharger le fichier XML
        </a>
      </p>
      {reading.status === 'read' ? (
        <CdaView header={reading.header} pdfSrc={cdaPdfPath(slug, docId)} />
      ) : (
        <div className="alert alert--error" role="alert">
          {reading.error}
        </div>
      )}
    </>
  );
}
