import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AnnouncementPendingBadge, ReportStatusBadge } from '../../../../../components/reports/badges.tsx';
import { ExamStatusBadge, UrgencyBadge } from '../../../../../components/scheduling/badges.tsx';
import { failedDeliveriesPath } from '../../../../../lib/delivery.ts';
import { formatBirthDate, formatDateTime } from '../../../../../lib/labels.ts';
import {
  notificationLabel,
  receivedCdaPath,
  REPORT_READER_ROLES,
  REPORT_WRITER_ROLES,
  reportPath,
  reportsPath,
  STATUS_FILTERS,
  templatesPath,
} from '../../../../../lib/reports.ts';
import { oneParam, patientDisplayName, usedNameNote } from '../../../../../lib/scheduling.ts';
import { practiceContext } from '../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../server/session.ts';
import { WriteReportForm } from './write-form.tsx';

export const metadata: Metadata = { title: 'Comptes rendus' };

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The radiologists' reporting screen: the user's reminders, the acquired exams waiting for their
 * report (« À rédiger », urgent first) and the practice's reports by status.
 */
export default async function ReportsPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const { has } = await practiceContext(slug);
  if (!has(...REPORT_READER_ROLES)) notFound();
  const writer = has(...REPORT_WRITER_ROLES);
  const filter = STATUS_FILTERS.find((f) => f.param === oneParam(query.statut)) ?? STATUS_FILTERS[0]!;
  const api = await apiForSession({ tenantSlug: slug });
  const [notifications, toWrite, reports, templates, examTypes, failedDeliveries] = await Promise.all([
    load(() => api.reporting.notifications.query()),
    load(() => api.reporting.toWrite.query()),
    load(() => api.reporting.list.query(filter.status ? { status: filter.status } : {})),
    writer ? load(() => api.reporting.templates.list.query()) : Promise.resolve([]),
    writer ? load(() => api.scheduling.examTypes.list.query()) : Promise.resolve([]),
    load(() => api.delivery.failed.query()),
  ]);
  const typeLabel = (id: string | null) => examTypes.find((t) => t.id === id)?.label;
  const templateOptions = templates.map((t) => ({
    value: t.id,
    label: t.examTypeId && typeLabel(t.examTypeId) ? `${t.name} (${typeLabel(t.examTypeId)})` : t.name,
  }));
  /** The template of the exam's catalogue entry, when there is one. */
  const templateFor = (label: string) =>
    templates.find((t) => t.examTypeId && typeLabel(t.examTypeId) === label)?.id ?? '';

  return (
    <>
      <div className="page-title">
        <h1>Comptes rendus</h1>
        <div className="actions">
          <Link href={receivedCdaPath(slug)}>Afficher un CDA reçu</Link>
          <Link href={templatesPath(slug)}>Modèles de compte rendu</Link>
          <Link href={failedDeliveriesPath(slug)} data-testid="failed-deliveries-link">
            Envois en échec
            {failedDeliveries.length > 0 ? (
              <>
                {' '}
                <span className="badge badge--failed" data-testid="failed-deliveries-count">
                  {failedDeliveries.length}
                </span>
              </>
            ) : null}
          </Link>
        </div>
      </div>

      {notifications.length > 0 ? (
        <section
          className="card notifications"
          aria-labelledby="notifications-title"
          data-testid="notifications"
        >
          <h2 id="notifications-title" className="card__title">
            Rappels
          </h2>
          <ul className="list-plain">
            {notifications.map((n) => (
              <li key={n.id}>
                <strong>{notificationLabel(n)}</strong>{' '}
                <span className="muted small">(rappel du {formatDateTime(n.createdAt)})</span>
                {n.kind.startsWith('report.') ? (
                  <>
                    {' '}
                    · <Link href={reportPath(slug, n.target)}>Ouvrir le compte rendu</Link>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="card" aria-labelledby="to-write-title">
        <h2 id="to-write-title" className="card__title">
          À rédiger
        </h2>
        <p className="muted small">
          Examens réalisés en attente de leur compte rendu, les urgents en premier.
        </p>
        {toWrite.length === 0 ? (
          <p className="empty" data-testid="to-write-empty">
            Aucun examen en attente de compte rendu.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="to-write">
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">Examen</th>
                  <th scope="col">Urgence</th>
                  <th scope="col">Statut de l&apos;examen</th>
                  {writer ? (
                    <th scope="col">
                      <span className="visually-hidden">Rédiger</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {toWrite.map((e) => {
                  const used = usedNameNote({ usedFamilyName: e.usedFamilyName, usedForename: null });
                  return (
                    <tr key={e.examId} className={e.urgency === 'urgent' ? 'row--urgent' : undefined}>
                      <td>
                        <strong>{patientDisplayName(e)}</strong>
                        {used ? <div className="muted small">{used}</div> : null}
                        <div className="muted small">né(e) le {formatBirthDate(e.birthDate)}</div>
                      </td>
                      <td>
                        {e.label}
                        <div className="muted small">
                          <code>{e.accessionNumber}</code>
                        </div>
                      </td>
                      <td>
                        <UrgencyBadge urgency={e.urgency} />
                      </td>
                      <td>
                        <ExamStatusBadge status={e.status} />
                      </td>
                      {writer ? (
                        <td>
                          <WriteReportForm
                            slug={slug}
                            examId={e.examId}
                            templates={templateOptions}
                            defaultTemplateId={templateFor(e.label)}
                          />
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="reports-title">
        <h2 id="reports-title" className="card__title">
          Comptes rendus
        </h2>
        <nav className="tabs" aria-label="Statut des comptes rendus">
          {STATUS_FILTERS.map((f) => (
            <Link
              key={f.param}
              href={reportsPath(slug, f.param)}
              className="tabs__tab"
              aria-current={f.param === filter.param ? 'page' : undefined}
            >
              {f.label}
            </Link>
          ))}
        </nav>
        {reports.length === 0 ? (
          <p className="empty" data-testid="reports-empty">
            Aucun compte rendu.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="reports">
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">N° d&apos;examen</th>
                  <th scope="col">Statut</th>
                  <th scope="col">Version</th>
                  <th scope="col">Modifié le</th>
                  <th scope="col">
                    <span className="visually-hidden">Ouvrir</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {reports.map((r) => (
                  <tr key={r.id} className={r.status === 'provisional' ? 'row--provisional' : undefined}>
                    <td>
                      <strong>{patientDisplayName(r)}</strong>
                      <div className="muted small">né(e) le {formatBirthDate(r.birthDate)}</div>
                    </td>
                    <td>
                      <code>{r.accessionNumber}</code>
                    </td>
                    <td>
                      <span className="badges">
                        <ReportStatusBadge status={r.status} />
                        {r.announcementPending ? <AnnouncementPendingBadge /> : null}
                      </span>
                    </td>
                    <td>{r.currentVersion}</td>
                    <td className="nowrap">{formatDateTime(r.updatedAt)}</td>
                    <td>
                      <Link href={reportPath(slug, r.id)} className="strong-link">
                        Ouvrir
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
