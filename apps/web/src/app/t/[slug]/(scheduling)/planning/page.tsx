import { startOfWeek } from '@rayon/domain';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ExamStatusBadge, LateBadge } from '../../../../../components/scheduling/badges.tsx';
import { DayNavigation } from '../../../../../components/scheduling/day-navigation.tsx';
import { ModalityTabs } from '../../../../../components/scheduling/modality-tabs.tsx';
import { patientPath } from '../../../../../lib/patients.ts';
import {
  dateParam,
  deskPath,
  formatShortDate,
  formatTime,
  formatTimeRange,
  oneParam,
  patientDisplayName,
  planningPath,
  today,
} from '../../../../../lib/scheduling.ts';
import { apiForSession, load } from '../../../../../server/session.ts';

export const metadata: Metadata = { title: 'Planning' };

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** A modality's week, Monday to Sunday: opening hours and appointments of each day. */
export default async function PlanningPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const date = dateParam(query.date);
  const api = await apiForSession({ tenantSlug: slug });
  const modalities = await load(() => api.scheduling.modalities.list.query());
  const modality = modalities.find((m) => m.id === oneParam(query.modalite)) ?? modalities[0];
  if (!modality) {
    return (
      <>
        <h1>Planning</h1>
        <div className="card empty">Aucune modalité n'est configurée.</div>
      </>
    );
  }
  const week = await load(() => api.scheduling.week.query({ date, modalityId: modality.id }));
  const days = week.modalities[0]!.days;
  const monday = startOfWeek(date);
  const thisDay = today();
  return (
    <>
      <h1>Planning</h1>
      <ModalityTabs
        modalities={modalities}
        current={modality.id}
        href={(id) => planningPath(slug, { modalite: id, date })}
        label="Modalité du planning"
      />
      <DayNavigation
        base={planningPath(slug)}
        date={monday}
        extra={{ modalite: modality.id }}
        step={7}
        title={`Semaine du ${formatShortDate(monday)} au ${formatShortDate(week.dates.at(-1)!)}`}
      />
      <div className="week" data-testid="week">
        {days.map((d) => (
          <section
            key={d.date}
            className={`week__day${d.date === thisDay ? ' week__day--today' : ''}`}
            aria-label={formatShortDate(d.date)}
          >
            <h2 className="week__title">
              <Link href={deskPath(slug, d.date)}>{formatShortDate(d.date, { heading: true })}</Link>
            </h2>
            <p className="muted small">
              {d.opening.length === 0
                ? 'Fermé'
                : d.opening.map((o) => formatTimeRange(o.start, o.end)).join(', ')}
            </p>
            {d.appointments.length === 0 ? (
              <p className="muted small">Aucun rendez-vous</p>
            ) : (
              <ul className="week__list">
                {d.appointments.map((a) => (
                  <li key={a.id} className={a.active ? undefined : 'row--ended'}>
                    <span className="week__time">{formatTime(a.startsAt)}</span>{' '}
                    <Link href={patientPath(slug, a.patient.id)}>{patientDisplayName(a.patient)}</Link>
                    <div className="small">{a.exam.label}</div>
                    <ExamStatusBadge status={a.exam.status} /> {a.late ? <LateBadge /> : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
    </>
  );
}
