import Link from 'next/link';
import {
  actorTypeLabel,
  formatDateTime,
  identityActionLabel,
  identityFieldLabel,
  identitySourceLabel,
  identityValueLabel,
} from '../../../../../../lib/labels.ts';
import { patientPath, type IdentityEvent } from '../../../../../../lib/patients.ts';

/** Identity history: every change, who made it, when, from what source, and what changed. */
export function IdentityHistory({
  slug,
  events,
  me,
}: {
  slug: string;
  events: IdentityEvent[];
  me: { id: string; displayName: string };
}) {
  if (events.length === 0) return <p className="empty">Aucun évènement.</p>;
  return (
    <div className="table-wrap">
      <table className="table history" data-testid="identity-history">
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Action</th>
            <th scope="col">Source</th>
            <th scope="col">Par</th>
            <th scope="col">Modifications</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td className="nowrap">{formatDateTime(e.at)}</td>
              <td>{identityActionLabel(e.action, e.source)}</td>
              <td>
                <span className="badge">{identitySourceLabel(e.source)}</span>
              </td>
              <td>
                {e.actorName ? (
                  <span data-testid="history-actor">{e.actorName}</span>
                ) : e.actorType === 'user' && e.actorId === me.id ? (
                  me.displayName
                ) : e.actorType === 'system' && e.actorId === 'insi-auto' ? (
                  'Appel automatique (INSI-AUTO)'
                ) : (
                  <span title={e.actorId ?? undefined}>{actorTypeLabel(e.actorType)}</span>
                )}
              </td>
              <td>
                <Changes slug={slug} event={e} />
                {e.note ? <p className="muted history__note">{e.note}</p> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Changes({ slug, event }: { slug: string; event: IdentityEvent }) {
  const creation = event.action === 'created';
  // On creation every field goes from nothing to its value: only what was actually given.
  const changes = creation ? event.changes.filter((c) => c.to !== null && c.to !== false) : event.changes;
  if (changes.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="changes">
      {changes.map((c) => (
        <li key={c.field}>
          <span className="changes__field">{identityFieldLabel(c.field)}</span> :{' '}
          {c.field === 'mergedInto' || c.field === 'absorbed' ? (
            typeof c.to === 'string' ? (
              <Link href={patientPath(slug, c.to)}>voir le dossier</Link>
            ) : (
              '—'
            )
          ) : creation ? (
            <span>{identityValueLabel(c.field, c.to)}</span>
          ) : (
            <>
              <span className="changes__from">{identityValueLabel(c.field, c.from)}</span> →{' '}
              <span className="changes__to">{identityValueLabel(c.field, c.to)}</span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
