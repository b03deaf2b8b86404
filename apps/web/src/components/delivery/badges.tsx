import { deliveryStatusLabel } from '../../lib/delivery.ts';

const TONES: Record<string, string> = {
  delivered: 'badge--active',
  pending: 'badge--provisioning',
  failed: 'badge--failed',
};

/**
 * Remis (green), En cours (amber), Échec : action requise (red), Non envoyé, Annulé (grey); a
 * pending send waiting for its destination says « En attente ».
 */
export function DeliveryStatusBadge({ status, waiting = false }: { status: string; waiting?: boolean }) {
  return (
    <span className={`badge ${TONES[status] ?? ''}`.trim()} data-testid="delivery-status">
      {status === 'pending' && waiting ? 'En attente' : deliveryStatusLabel(status)}
    </span>
  );
}
