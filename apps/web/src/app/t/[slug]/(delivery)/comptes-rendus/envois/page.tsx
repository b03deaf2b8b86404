import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DeliveryStatusBadge } from '../../../../../../components/delivery/badges.tsx';
import { RetryButton } from '../../../../../../components/delivery/retry-button.tsx';
import {
  attemptsLabel,
  deliveryActionLabel,
  DELIVERY_RETRY_ROLES,
  destinationLabel,
} from '../../../../../../lib/delivery.ts';
import { formatBirthDate, formatDateTime } from '../../../../../../lib/labels.ts';
import { REPORT_READER_ROLES, reportPath, reportsPath } from '../../../../../../lib/reports.ts';
import { patientDisplayName, usedNameNote } from '../../../../../../lib/scheduling.ts';
import { practiceContext } from '../../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../../server/session.ts';

export const metadata: Metadata = { title: 'Envois en échec' };

type Params = Promise<{ slug: string }>;

/**
 * « Envois en échec »: the sends of validated reports that failed after all their attempts (the
 * dead-letter list), with the reason in plain French and « Réessayer ».
 */
export default async function FailedDeliveriesPage({ params }: { params: Params }) {
  const { slug } = await params;
  const { has } = await practiceContext(slug);
  if (!has(...REPORT_READER_ROLES)) notFound();
  const canRetry = has(...DELIVERY_RETRY_ROLES);
  const api = await apiForSession({ tenantSlug: slug });
  const failed = await load(() => api.delivery.failed.query());
  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <Link href={reportsPath(slug)}>Comptes rendus</Link> › Envois en échec
      </nav>
      <h1>Envois en échec</h1>
      <p className="muted">
        Comptes rendus validés qui ne sont pas parvenus à un destinataire malgré les nouveaux essais
        automatiques. Corrigez la cause indiquée (certificat, adresse, service indisponible…) puis « Réessayer
        ».
      </p>
      <section className="card" aria-label="Envois en échec">
        {failed.length === 0 ? (
          <p className="empty" data-testid="failed-deliveries-empty">
            Aucun envoi en échec.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="failed-deliveries">
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">N° d&apos;examen</th>
                  <th scope="col">Destinataire</th>
                  <th scope="col">Motif</th>
                  <th scope="col">Essais</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {failed.map((d) => {
                  const used = usedNameNote({ usedFamilyName: d.patient.usedFamilyName, usedForename: null });
                  return (
                    <tr key={d.id} data-testid={`failed-${d.id}`}>
                      <td>
                        <strong>{patientDisplayName(d.patient)}</strong>
                        {used ? <div className="muted small">{used}</div> : null}
                        <div className="muted small">né(e) le {formatBirthDate(d.patient.birthDate)}</div>
                      </td>
                      <td>
                        <code>{d.accessionNumber}</code>
                      </td>
                      <td>
                        {destinationLabel(d.destination)}
                        <div className="muted small">{deliveryActionLabel(d.action)}</div>
                      </td>
                      <td>
                        <DeliveryStatusBadge status={d.status} />
                        <div className="small" data-testid="delivery-reason">
                          {d.reason ?? 'Motif non précisé'}
                        </div>
                      </td>
                      <td>
                        {attemptsLabel(d.attempts)}
                        {d.lastAttemptAt ? (
                          <div className="muted small nowrap">
                            dernier le {formatDateTime(d.lastAttemptAt)}
                          </div>
                        ) : null}
                      </td>
                      <td>
                        <div className="actions">
                          <Link href={reportPath(slug, d.reportId)} className="strong-link">
                            Ouvrir le compte rendu
                          </Link>
                          {canRetry ? (
                            <RetryButton slug={slug} id={d.id} label={destinationLabel(d.destination)} />
                          ) : null}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
