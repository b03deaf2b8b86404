import { tenantStatusLabel } from '../lib/labels.ts';

export function StatusBadge({ status }: { status: string }) {
  const tone =
    status === 'active'
      ? 'active'
      : status === 'failed'
        ? 'failed'
        : status === 'provisioning'
          ? 'provisioning'
          : 'other';
  return (
    <span className={`badge badge--${tone}`} data-testid="tenant-status">
      {tenantStatusLabel(status)}
    </span>
  );
}
