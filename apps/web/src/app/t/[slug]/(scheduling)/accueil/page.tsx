import type { Metadata } from 'next';
import Link from 'next/link';
import { AutoRefresh } from '../../../../../components/auto-refresh.tsx';
import { ExamStatusBadge, LateBadge, UrgencyBadge } from '../../../../../components/scheduling/badges.tsx';
import { DayNavigation } from '../../../../../components/scheduling/day-navigation.tsx';
import { ExamStatusButton } from '../../../../../components/scheduling/exam-status-button.tsx';
import { patientPath } from '../../../../../lib/patients.ts';
import {
  dateParam,
  demandePath,
  deskPath,
  formatTime,
  formatTimeRange,
  oneParam,
  patientDisplayName,
  planningPath,
  usedNameNote,
  worklistPath,
  type ScheduleEntry,
  type ScheduleModality,
} from '../../../../../lib/scheduling.ts';
import { practiceContext, SCHEDULING_DESK_ROLES } from '../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../server/session.ts';

export const metadata: Metadata = { title: 'Accueil' };

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The desk's day (accueil): each room and modality, its appointments, arrivals and absences. */
export default async function DeskPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const date = dateParam(query.date);
  const booked = oneParam(query.rdv);
  const { has } = await practiceContext(slug);
  const desk = has(...SCHEDULING_DESK_ROLES);
  const api = await apiForSession({ tenantSlug: slug });
  const day = await load(() => api.scheduling.day.query({ date }));
  const entries = day.modalities.flatMap((m) => m.days[0]!.appointments);
  const expected = entries.filter((e) => e.exam.status === 'scheduled');
  const late = entries.filter((e) => e.late);
  const arrived = entries.filter((e) => ['arrived', 'in_progress', 'completed'].includes(e.exam.status));
  const justBooked = booked ? entries.find((e) => e.id === booked) : undefined;

  return (
    <>
      <AutoRefresh intervalMs={30_000} />
      <div className="page-title">
        <h1>Accueil</h1>
        {desk ? (
          <Link href={`/t/${encodeURIComponent(slug)}/demandes`} className="button">
            Demandes à programmer
          </Link>
        ) : null}
      </div>
      <DayNavigation base={deskPath(slug)} date={date} />

      {justBooked ? (
        <div className="alert alert--success" role="status" data-testid="booked-notice">
          Rendez-vous enregistré : {patientDisplayName(justBooked.patient)}, {justBooked.exam.label}, à{' '}
          {formatTime(justBooked.startsAt)} ({justBooked.modality.name}).
        </div>
      ) : null}

      <p className="muted" data-testid="day-summary">
        {entries.length === 0
          ? 'Aucun rendez-vous ce jour.'
          : `${entries.length} rendez-vous · ${expected.length} attendu(s) · ${arrived.length} arrivé(s)${
              late.length > 0 ? ` · ${late.length} en retard` : ''
            }`}
      </p>

      {day.modalities.length === 0 ? (
        <div className="card empty">
          Aucune modalité n'est configurée.{' '}
          {has('practice_admin') ? (
            <Link href={`/t/${encodeURIComponent(slug)}/configuration`}>
              Configurer les salles et modalités
            </Link>
          ) : null}
        </div>
      ) : (
        day.modalities.map((m) => <ModalityDay key={m.id} slug={slug} date={date} modality={m} desk={desk} />)
      )}
    </>
  );
}

function ModalityDay({
  slug,
  date,
  modality,
  desk,
}: {
  slug: string;
  date: string;
  modality: ScheduleModality;
  desk: boolean;
}) {
  const { opening, appointments } = modality.days[0]!;
  const titleId = `modality-${modality.id}`;
  return (
    <section className="card" aria-labelledby={titleId} data-testid="desk-modality">
      <div className="card__header">
        <h2 id={titleId} className="card__title">
          {modality.name} <span className="muted small">· {modality.room.name}</span>
        </h2>
        <span className="muted small">
          {opening.length === 0
            ? 'Fermé'
            : `Ouvert ${opening.map((o) => formatTimeRange(o.start, o.end)).join(', ')}`}
          {' · '}
          <Link href={worklistPath(slug, { modalite: modality.id, date })}>Liste de travail</Link>
          {' · '}
          <Link href={planningPath(slug, { modalite: modality.id, date })}>Planning de la semaine</Link>
        </span>
      </div>
      {appointments.length === 0 ? (
        <p className="muted">Aucun rendez-vous.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table--compact" data-testid="desk-appointments">
            <thead>
              <tr>
                <th scope="col">Heure</th>
                <th scope="col">Patient</th>
                <th scope="col">Examen</th>
                <th scope="col">Urgence</th>
                <th scope="col">Statut</th>
                {desk ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {appointments.map((a) => (
                <AppointmentRow key={a.id} slug={slug} entry={a} desk={desk} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AppointmentRow({ slug, entry, desk }: { slug: string; entry: ScheduleEntry; desk: boolean }) {
  const used = usedNameNote(entry.patient);
  const scheduled = entry.exam.status === 'scheduled' && entry.active;
  const target = { slug, examId: entry.exam.id };
  return (
    <tr className={entry.active ? (entry.late ? 'row--late' : undefined) : 'row--ended'}>
      <td className="nowrap">{formatTimeRange(entry.startsAt, entry.endsAt)}</td>
      <td>
        <Link href={patientPath(slug, entry.patient.id)} className="strong-link">
          {patientDisplayName(entry.patient)}
        </Link>
        {used ? <div className="muted small">{used}</div> : null}
      </td>
      <td>
        {entry.exam.label}
        <div className="muted small">
          <code>{entry.order.accessionNumber}</code>
        </div>
      </td>
      <td>
        <UrgencyBadge urgency={entry.order.urgency} />
      </td>
      <td>
        <ExamStatusBadge status={entry.exam.status} /> {entry.late ? <LateBadge /> : null}
      </td>
      {desk ? (
        <td>
          {scheduled ? (
            <div className="row-actions">
              <ExamStatusButton target={{ ...target, status: 'arrived' }} label="Arrivé" tone="primary" />
              <ExamStatusButton
                target={{ ...target, status: 'no_show' }}
                label="Absent"
                confirm="Marquer le patient absent ? Le créneau sera libéré."
              />
              <Link
                href={demandePath(slug, entry.order.id, { examen: entry.exam.id })}
                className="button button--secondary button--small"
              >
                Déplacer
              </Link>
              <ExamStatusButton
                target={{ ...target, status: 'requested' }}
                label="Annuler le rendez-vous"
                tone="danger"
                confirm="Annuler ce rendez-vous ? La demande d'examen reviendra dans les demandes à programmer."
              />
            </div>
          ) : null}
        </td>
      ) : null}
    </tr>
  );
}
