import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '../../../../../../components/auto-refresh.tsx';
import { ReportDeliveries } from '../../../../../../components/delivery/report-deliveries.tsx';
import { IdentityStatusBadge } from '../../../../../../components/patients/identity-badges.tsx';
import { AnnouncementPendingBadge, ReportStatusBadge } from '../../../../../../components/reports/badges.tsx';
import { ExamStatusBadge, UrgencyBadge } from '../../../../../../components/scheduling/badges.tsx';
import { DELIVERY_RETRY_ROLES } from '../../../../../../lib/delivery.ts';
import { isMinorOn, parisDate } from '@rayon/domain';
import { formatBirthDate, formatDateTime, sexLabel } from '../../../../../../lib/labels.ts';
import { patientName, patientPath } from '../../../../../../lib/patients.ts';
import {
  cdaViewerPath,
  documentFilePath,
  documentKindLabel,
  formatSize,
  REPORT_READER_ROLES,
  REPORT_WRITER_ROLES,
  reportsPath,
  visibilityLabels,
  type ReportVersionView,
} from '../../../../../../lib/reports.ts';
import { practiceContext } from '../../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../../server/session.ts';
import { AnnounceButton, CorrectButton, WithdrawForm } from './report-actions.tsx';
import { ReportEditor } from './report-editor.tsx';

export const metadata: Metadata = { title: 'Compte rendu' };

type Params = Promise<{ slug: string; id: string }>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EDITABLE = new Set(['draft', 'provisional']);

function VersionDocuments({ slug, version }: { slug: string; version: ReportVersionView }) {
  if (version.documents.length === 0) return null;
  return (
    <div className="documents" data-testid={`documents-v${version.version}`}>
      {version.documents.map((d) =>
        d.kind === 'pdf' ? (
          <span key={d.id}>
            <a href={documentFilePath(slug, d.id)} target="_blank" rel="noopener">
              Voir le PDF
            </a>{' '}
            <span className="muted small">
              ({documentKindLabel(d.kind)}, {formatSize(d.size)})
            </span>
          </span>
        ) : (
          <span key={d.id}>
            <Link href={cdaViewerPath(slug, d.id)}>Voir le CDA</Link>{' '}
            <span className="muted small">
              ({documentKindLabel(d.kind)}, {formatSize(d.size)})
            </span>
          </span>
        ),
      )}
    </div>
  );
}

/**
 * One compte rendu: the patient and the exams, the current version (editor while it is a draft or
 * préliminaire, for radiologists), the actions its status allows, the announcement, and the
 * history of its versions with their generated documents (PDF/A, CDA).
 */
export default async function ReportPage({ params }: { params: Params }) {
  const { slug, id } = await params;
  if (!UUID_RE.test(id)) notFound();
  const { has } = await practiceContext(slug);
  if (!has(...REPORT_READER_ROLES)) notFound();
  const writer = has(...REPORT_WRITER_ROLES);
  const api = await apiForSession({ tenantSlug: slug });
  const report = await load(() => api.reporting.get.query({ id }));
  const order = await load(() => api.scheduling.orders.get.query({ id: report.orderId }));
  const patient = await load(() => api.identity.get.query({ id: order.patientId }));
  const current = report.versions.find((v) => v.version === report.currentVersion)!;
  const target = { slug, id };
  // The API says whether the edit lock is held by someone else than the current user.
  const lockedByOther = current.lockedBy !== null && !current.lockedByMe;
  const editable = writer && EDITABLE.has(current.status) && !lockedByOther;
  const awaitingDocuments = current.status === 'validated' && current.documents.length < 2;
  const announcement = report.announcement;
  const history = [...report.versions].reverse();
  // Where the validated versions went (DMP, MSSanté, PFI), with every attempt of each send.
  const deliveries = await load(() => api.delivery.forReport.query({ reportId: id }));
  const attempts = Object.fromEntries(
    await Promise.all(
      deliveries
        .filter((d) => d.attempts > 0)
        .map(async (d) => [d.id, await load(() => api.delivery.attempts.query({ id: d.id }))] as const),
    ),
  );
  const sending = deliveries.some((d) => d.status === 'pending');
  // What the validation dialog offers: options for a minor, masking once the patient may see it,
  // connexion secrète with the DMP (the API refuses the rest anyway, naming the field).
  const validation = {
    minor: isMinorOn(patient.traits.birthDate, parisDate(new Date())),
    announcementPending: announcement.required && announcement.announcedAt === null,
    dmp: editable ? (await load(() => api.delivery.settings.get.query())).dmp : false,
  };

  return (
    <>
      {awaitingDocuments ? (
        <AutoRefresh intervalMs={2000} />
      ) : sending ? (
        <AutoRefresh intervalMs={4000} />
      ) : null}
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <Link href={reportsPath(slug)}>Comptes rendus</Link> › {patientName(patient)}
      </nav>
      <div className="page-title">
        <h1>
          Compte rendu <span className="muted">· version {report.currentVersion}</span>
        </h1>
        <span className="badges" data-testid="report-header-status">
          <ReportStatusBadge status={report.status} />
          {announcement.required && !announcement.announcedAt ? <AnnouncementPendingBadge /> : null}
        </span>
      </div>

      <section className="card" aria-label="Patient et examens" data-testid="report-patient">
        <dl className="details details--columns">
          <dt>Patient</dt>
          <dd>
            <Link
              href={patientPath(slug, patient.id)}
              className="strong-link"
              data-testid="report-patient-name"
            >
              {patientName(patient)}
            </Link>{' '}
            <IdentityStatusBadge status={patient.status} />
            <div className="muted small">
              {sexLabel(patient.traits.sex)}, né(e) le {formatBirthDate(patient.traits.birthDate)}
            </div>
          </dd>
          <dt>Demande</dt>
          <dd>
            <code>{order.accessionNumber}</code> <UrgencyBadge urgency={order.urgency} />
          </dd>
          <dt>Examens</dt>
          <dd data-testid="report-exams">
            {report.exams.map((e) => (
              <div key={e.id}>
                {e.label} <ExamStatusBadge status={e.status} />
              </div>
            ))}
          </dd>
          <dt>Renseignements cliniques</dt>
          <dd>{order.clinicalInfo || '—'}</dd>
        </dl>
      </section>

      {lockedByOther ? (
        <div className="alert alert--warning" role="status" data-testid="report-locked">
          Un autre utilisateur modifie ce compte rendu ({current.lockedBy}). Vous pourrez le modifier quand il
          aura terminé : rechargez la page dans quelques minutes.
        </div>
      ) : null}

      <section className="card" aria-labelledby="current-title">
        <div className="card__header">
          <h2 id="current-title" className="card__title">
            Version {current.version}
          </h2>
          <span className="muted small">
            Rédigée par {current.author}
            {current.provisionalAt ? ` · préliminaire le ${formatDateTime(current.provisionalAt)}` : ''}
            {current.validatedAt
              ? ` · validée le ${formatDateTime(current.validatedAt)} par ${current.validatedBy ?? '—'}`
              : ''}
          </span>
        </div>
        {editable ? (
          <ReportEditor
            key={current.id}
            slug={slug}
            id={id}
            body={current.body}
            revision={current.revision}
            status={current.status}
            version={current.version}
            validation={validation}
          />
        ) : (
          <pre className="report-text" data-testid="report-text">
            {current.body || 'Texte non rédigé.'}
          </pre>
        )}
        {writer && current.status === 'validated' ? (
          <div className="actions section-gap" data-testid="validated-actions">
            <CorrectButton target={target} />
          </div>
        ) : null}
        {writer && current.status === 'validated' ? <WithdrawForm target={target} /> : null}
        {current.status === 'validated' ? (
          awaitingDocuments ? (
            <p className="muted" data-testid="documents-pending">
              Génération des documents (PDF/A et CDA) en cours… cette page se met à jour d&apos;elle-même.
            </p>
          ) : (
            <VersionDocuments slug={slug} version={current} />
          )
        ) : null}
      </section>

      {announcement.required ? (
        <section className="card" aria-labelledby="announcement-title" data-testid="announcement">
          <h2 id="announcement-title" className="card__title">
            Annonce
          </h2>
          {announcement.announcedAt ? (
            <p>
              Annonce enregistrée le {formatDateTime(announcement.announcedAt)} par{' '}
              {announcement.announcedBy ?? '—'}. Le compte rendu peut être mis à disposition du patient.
            </p>
          ) : (
            <>
              <p>
                Annonce requise : le compte rendu reste invisible pour le patient (DMP, messagerie) tant que
                l&apos;annonce n&apos;est pas enregistrée.
              </p>
              {writer && report.status !== 'withdrawn' ? <AnnounceButton target={target} /> : null}
            </>
          )}
        </section>
      ) : null}

      {report.versions.some((v) => v.validatedAt) ? (
        <ReportDeliveries
          slug={slug}
          versions={report.versions}
          deliveries={deliveries}
          attempts={attempts}
          canRetry={has(...DELIVERY_RETRY_ROLES)}
        />
      ) : null}

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title" className="card__title">
          Historique des versions
        </h2>
        <ol className="list-plain versions" data-testid="versions">
          {history.map((v) => (
            <li key={v.id} data-testid={`version-${v.version}`}>
              <div className="versions__head">
                <strong>Version {v.version}</strong>
                <ReportStatusBadge status={v.status} />
                <span className="muted small">
                  rédigée par {v.author}
                  {v.provisionalAt ? ` · préliminaire le ${formatDateTime(v.provisionalAt)}` : ''}
                  {v.validatedAt
                    ? ` · validée le ${formatDateTime(v.validatedAt)} par ${v.validatedBy ?? '—'}`
                    : ''}
                </span>
              </div>
              {v.validatedAt && visibilityLabels(v.visibility).length > 0 ? (
                <p className="small" data-testid={`visibility-v${v.version}`}>
                  Visibilité : {visibilityLabels(v.visibility).join(' · ')}
                </p>
              ) : null}
              <VersionDocuments slug={slug} version={v} />
              {v.version !== current.version ? (
                <details className="disclosure">
                  <summary>Texte de la version {v.version}</summary>
                  <pre className="report-text">{v.body || 'Texte non rédigé.'}</pre>
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
