import Link from 'next/link';
import { formatDateTime } from '../../lib/labels.ts';
import { patientPath } from '../../lib/patients.ts';
import {
  demandePath,
  modalityTypeLabel,
  orderSourceLabel,
  patientDisplayName,
  usedNameNote,
  type OrderToSchedule,
} from '../../lib/scheduling.ts';
import { UrgencyBadge } from './badges.tsx';

/** Demandes d'examen still to schedule, each with its « Programmer » link for the desk. */
export function DemandesTable({
  slug,
  orders,
  desk,
  showPatient = true,
}: {
  slug: string;
  orders: OrderToSchedule[];
  desk: boolean;
  showPatient?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="demandes">
        <thead>
          <tr>
            <th scope="col">Reçue le</th>
            {showPatient ? <th scope="col">Patient</th> : null}
            <th scope="col">Examens</th>
            <th scope="col">Urgence</th>
            <th scope="col">Prescripteur</th>
            <th scope="col">Origine</th>
            {desk ? (
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => {
            const used = usedNameNote(o.patient);
            return (
              <tr key={o.id}>
                <td className="nowrap">
                  {formatDateTime(o.createdAt)}
                  <div className="muted small">
                    <code>{o.accessionNumber}</code>
                  </div>
                </td>
                {showPatient ? (
                  <td>
                    <Link href={patientPath(slug, o.patient.id)} className="strong-link">
                      {patientDisplayName(o.patient)}
                    </Link>
                    {used ? <div className="muted small">{used}</div> : null}
                  </td>
                ) : null}
                <td>
                  <ul className="list-plain">
                    {o.exams.map((e) => (
                      <li key={e.id}>
                        {e.examType
                          ? e.examType.label
                          : (e.requestedProcedure ?? modalityTypeLabel(e.modalityType))}
                        {e.examType ? null : (
                          <span className="muted small">
                            {' '}
                            ({modalityTypeLabel(e.modalityType)}, à choisir dans le catalogue)
                          </span>
                        )}
                        {e.status !== 'requested' ? <span className="muted small"> — programmé</span> : null}
                      </li>
                    ))}
                  </ul>
                  {o.clinicalInfo ? <div className="muted small">{o.clinicalInfo}</div> : null}
                </td>
                <td>
                  <UrgencyBadge urgency={o.urgency} />
                </td>
                <td>
                  {o.referrer ? [o.referrer.familyName, o.referrer.givenName].filter(Boolean).join(' ') : '—'}
                </td>
                <td>{orderSourceLabel(o.source)}</td>
                {desk ? (
                  <td>
                    <Link href={demandePath(slug, o.id)} className="button button--small">
                      Programmer
                    </Link>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
