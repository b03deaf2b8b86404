import { deliveryStatusLabel } from '../../lib/deliveries.ts';

const TONES: Record<string, string> = {
  delivered: 'badge--active',
  pending: 'badge--provisioning',
  failed: 'badge--failed',
};

/** Remis (green), En cours (amber), Échec : action requise (red), Non envoyé (grey). */
export function DeliveryStatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge ${TONES[status] ?? ''}`.trim()} data-testid="delivery-status">
      {deliveryStatusLabel(status)}
    </span>
  );
}
