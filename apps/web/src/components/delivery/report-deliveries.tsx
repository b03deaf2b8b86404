import { formatDateTime } from '../../lib/labels.ts';
import {
  attemptOutcomeLabel,
  attemptsLabel,
  deliveryActionLabel,
  destinationLabel,
  formatDuration,
  nextAttemptLabel,
  receiptLabel,
  unavailableLabel,
  type DeliveryAttemptView,
  type DeliveryView,
} from '../../lib/delivery.ts';
import { DeliveryStatusBadge } from './badges.tsx';
import { CancelDeliveryButton } from './cancel-button.tsx';
import { RetryButton } from './retry-button.tsx';

/** Every attempt of one send: when, the outcome, the remote answer, how long it took. */
export function DeliveryAttempts({ attempts }: { attempts: DeliveryAttemptView[] }) {
  return (
    <details className="disclosure" data-testid="delivery-attempts">
      <summary>Voir les essais ({attempts.length})</summary>
      <ol className="list-plain">
        {attempts.map((a, i) => (
          <li key={`${a.at}-${i}`}>
            <span className="nowrap">{formatDateTime(a.at)}</span> ·{' '}
            <strong>{attemptOutcomeLabel(a.outcome)}</strong>
            {a.detail ? <> · {a.detail}</> : null}{' '}
            <span className="muted small">({formatDuration(a.durationMs)})</span>
          </li>
        ))}
      </ol>
    </details>
  );
}

/**
 * « Diffusion »: where each validated version of the report went (DMP, MSSanté, PFI), its state,
 * the reason in French when it was not sent, failed or was cancelled, a pending send's wait
 * (« En attente — DMP indisponible depuis 10:42 », the next attempt), the attempts, « Réessayer »
 * on failures and « Annuler l'envoi » on pending sends.
 */
export function ReportDeliveries({
  slug,
  versions,
  deliveries,
  attempts,
  canRetry,
}: {
  slug: string;
  versions: { id: string; version: number }[];
  deliveries: DeliveryView[];
  attempts: Record<string, DeliveryAttemptView[]>;
  canRetry: boolean;
}) {
  const byVersion = [...versions]
    .sort((a, b) => b.version - a.version)
    .map((v) => ({ ...v, deliveries: deliveries.filter((d) => d.versionId === v.id) }))
    .filter((v) => v.deliveries.length > 0);
  return (
    <section className="card" aria-labelledby="distribution-title" data-testid="distribution">
      <h2 id="distribution-title" className="card__title">
        Diffusion
      </h2>
      {byVersion.length === 0 ? (
        <p className="empty" data-testid="distribution-empty">
          Aucun envoi pour ce compte rendu : la diffusion automatique n&apos;a rien prévu (aucun destinataire
          configuré, ou version pas encore validée).
        </p>
      ) : (
        byVersion.map((v) => (
          <div key={v.id} data-testid={`distribution-v${v.version}`}>
            <h3 className="small">Version {v.version}</h3>
            <div className="table-wrap">
              <table className="table table--stacked">
                <thead>
                  <tr>
                    <th scope="col">Destinataire</th>
                    <th scope="col">État</th>
                    <th scope="col">Essais</th>
                  </tr>
                </thead>
                <tbody>
                  {v.deliveries.map((d) => {
                    const unavailable = unavailableLabel(d);
                    const next = nextAttemptLabel(d);
                    return (
                      <tr key={d.id} data-testid={`delivery-${d.destination}`}>
                        <td>
                          <strong>{destinationLabel(d.destination)}</strong>
                          <div className="muted small">{deliveryActionLabel(d.action)}</div>
                        </td>
                        <td data-label="État">
                          {unavailable ? (
                            <div data-testid="delivery-waiting">
                              <DeliveryStatusBadge status={d.status} waiting />{' '}
                              <span className="small">— {unavailable}</span>
                            </div>
                          ) : (
                            <DeliveryStatusBadge status={d.status} />
                          )}
                          {next ? (
                            <div className="muted small" data-testid="delivery-next-attempt">
                              {next}
                            </div>
                          ) : null}
                          {d.reason ? (
                            <div className="small" data-testid="delivery-reason">
                              {d.reason}
                            </div>
                          ) : null}
                          {d.deliveredAt ? (
                            <div className="muted small">Remis le {formatDateTime(d.deliveredAt)}</div>
                          ) : null}
                          {d.receipt && d.receiptAt ? (
                            <div className="small" data-testid="delivery-receipt">
                              {receiptLabel(d.receipt)} le {formatDateTime(d.receiptAt)}
                            </div>
                          ) : null}
                          {/* In the state's cell, next to what they act on. */}
                          <div className="delivery-actions">
                            {canRetry && d.status === 'failed' ? (
                              <RetryButton slug={slug} id={d.id} label={destinationLabel(d.destination)} />
                            ) : null}
                            {canRetry && d.status === 'pending' ? (
                              <CancelDeliveryButton
                                slug={slug}
                                id={d.id}
                                label={destinationLabel(d.destination)}
                              />
                            ) : null}
                          </div>
                        </td>
                        <td data-label="Essais">
                          <span data-testid="delivery-attempts-count">{attemptsLabel(d.attempts)}</span>
                          {d.lastAttemptAt ? (
                            <div className="muted small nowrap">
                              dernier le {formatDateTime(d.lastAttemptAt)}
                            </div>
                          ) : null}
                          {(attempts[d.id]?.length ?? 0) > 0 ? (
                            <DeliveryAttempts attempts={attempts[d.id]!} />
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
        ))
      )}
    </section>
  );
}
