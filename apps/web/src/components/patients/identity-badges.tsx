import {
  ATTRIBUTE_LABELS,
  IDENTITY_STATUS_HINTS,
  identityStatusLabel,
  isIdentityStatus,
} from '../../lib/labels.ts';

/** The identity status, with a colour of its own per status (RNIV: the status must be visible). */
export function IdentityStatusBadge({ status, large = false }: { status: string; large?: boolean }) {
  const known = isIdentityStatus(status);
  return (
    <span
      className={`badge identity-status identity-status--${known ? status : 'other'}${large ? ' identity-status--large' : ''}`}
      data-testid="identity-status"
      title={known ? IDENTITY_STATUS_HINTS[status] : undefined}
    >
      {identityStatusLabel(status)}
    </span>
  );
}

export function AttributeBadges({
  attributes,
  empty = '—',
}: {
  attributes: { douteuse: boolean; fictive: boolean; homonyme: boolean };
  /** Shown when no attribute is set (null: nothing). */
  empty?: string | null;
}) {
  const set = (Object.keys(ATTRIBUTE_LABELS) as (keyof typeof ATTRIBUTE_LABELS)[]).filter(
    (k) => attributes[k],
  );
  if (set.length === 0) return empty === null ? null : <span className="muted">{empty}</span>;
  return (
    <span className="badges">
      {set.map((k) => (
        <span key={k} className={`badge attribute attribute--${k}`} data-testid={`attribute-${k}`}>
          {ATTRIBUTE_LABELS[k]}
        </span>
      ))}
    </span>
  );
}
