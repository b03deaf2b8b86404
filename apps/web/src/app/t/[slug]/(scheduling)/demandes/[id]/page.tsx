import { addDays, zonedDate, zonedDayBounds } from '@rayon/domain';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ExamStatusBadge, UrgencyBadge } from '../../../../../../components/scheduling/badges.tsx';
import { formatBirthDate, formatDateTime } from '../../../../../../lib/labels.ts';
import { patientName, patientPath } from '../../../../../../lib/patients.ts';
import {
  dateParam,
  demandePath,
  demandesPath,
  deskPath,
  formatLongDate,
  formatShortDate,
  formatTimeRange,
  modalityTypeLabel,
  oneParam,
  orderSourceLabel,
  today,
} from '../../../../../../lib/scheduling.ts';
import { practiceContext, SCHEDULING_DESK_ROLES } from '../../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../../server/session.ts';
import { SlotPicker } from './slot-picker.tsx';

export const metadata: Metadata = { title: "Demande d'examen" };

type Params = Promise<{ slug: string; id: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How far the proposed slots reach from the chosen day. */
const SEARCH_DAYS = 7;
/** Exam statuses the desk can book (again): waiting, booked (moving), absent. */
const BOOKABLE = ['requested', 'scheduled', 'no_show'];

/**
 * One demande d'examen: its exams and, for the chosen exam, the free slots of its catalogue entry
 * (chosen here for an order received by HL7) to book it, or to move its appointment.
 */
export default async function DemandePage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug, id } = await params;
  if (!UUID_RE.test(id)) notFound();
  const query = await searchParams;
  const { has } = await practiceContext(slug);
  const desk = has(...SCHEDULING_DESK_ROLES);
  const api = await apiForSession({ tenantSlug: slug });
  const [order, examTypes, modalities, referrers] = await Promise.all([
    load(() => api.scheduling.orders.get.query({ id })),
    load(() => api.scheduling.examTypes.list.query()),
    load(() => api.scheduling.modalities.list.query()),
    load(() => api.scheduling.referrers.list.query()),
  ]);
  const patient = await load(() => api.identity.get.query({ id: order.patientId }));
  const typeOf = (examTypeId: string | null) => examTypes.find((t) => t.id === examTypeId);
  const modalityOf = (modalityId: string) => modalities.find((m) => m.id === modalityId);
  const referrer = referrers.find((r) => r.id === order.referrerId);

  const wanted = oneParam(query.examen);
  const exam =
    order.exams.find((e) => e.id === wanted) ??
    order.exams.find((e) => e.status === 'requested') ??
    order.exams.find((e) => BOOKABLE.includes(e.status));
  const from = dateParam(query.date);
  const chosenType = exam && !exam.examTypeId ? typeOf(oneParam(query.type)) : undefined;
  const examType = exam?.examTypeId
    ? typeOf(exam.examTypeId)
    : chosenType?.modalityType === exam?.modalityType
      ? chosenType
      : undefined;
  const bookable = desk && exam !== undefined && BOOKABLE.includes(exam.status);
  const moving = exam?.status === 'scheduled';
  const availability =
    bookable && examType
      ? await load(() =>
          api.scheduling.availability.query({
            examTypeId: examType.id,
            from: zonedDayBounds(from).start.toISOString(),
            to: zonedDayBounds(addDays(from, SEARCH_DAYS - 1)).end.toISOString(),
            limit: 60,
            ...(moving ? { excludeExamId: exam.id } : {}),
          }),
        )
      : null;
  const here = (params: Record<string, string>) =>
    demandePath(slug, order.id, {
      ...(exam ? { examen: exam.id } : {}),
      ...(chosenType ? { type: chosenType.id } : {}),
      ...params,
    });

  return (
    <>
      <nav className="breadcrumb">
        <Link href={demandesPath(slug)}>Demandes à programmer</Link> › Demande {order.accessionNumber}
      </nav>
      {query.creee ? (
        <div className="alert alert--success" role="status">
          Demande d'examen créée. Choisissez un créneau pour chaque examen.
        </div>
      ) : null}
      <div className="page-title">
        <h1>
          Demande d'examen <code>{order.accessionNumber}</code>
        </h1>
        <UrgencyBadge urgency={order.urgency} />
      </div>

      <section className="card">
        <dl className="details details--columns">
          <dt>Patient</dt>
          <dd>
            <Link href={patientPath(slug, patient.id)} className="strong-link">
              {patientName(patient)}
            </Link>{' '}
            <span className="muted">né(e) le {formatBirthDate(patient.traits.birthDate)}</span>
          </dd>
          <dt>Prescripteur</dt>
          <dd>{referrer ? [referrer.familyName, referrer.givenName].filter(Boolean).join(' ') : '—'}</dd>
          <dt>Renseignements cliniques</dt>
          <dd>{order.clinicalInfo || '—'}</dd>
          <dt>Reçue le</dt>
          <dd>
            {formatDateTime(order.createdAt)} ({orderSourceLabel(order.source)})
          </dd>
        </dl>
        <table className="table table--compact" data-testid="order-exams">
          <thead>
            <tr>
              <th scope="col">Examen</th>
              <th scope="col">Statut</th>
              <th scope="col">Rendez-vous</th>
              {desk ? (
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {order.exams.map((e) => {
              const type = typeOf(e.examTypeId);
              const held = e.appointment;
              return (
                <tr key={e.id} aria-current={e.id === exam?.id ? 'true' : undefined}>
                  <td>
                    {type ? type.label : (e.requestedProcedure ?? modalityTypeLabel(e.modalityType))}
                    {type ? null : (
                      <div className="muted small">
                        {modalityTypeLabel(e.modalityType)} · entrée du catalogue à choisir
                      </div>
                    )}
                  </td>
                  <td>
                    <ExamStatusBadge status={e.status} />
                  </td>
                  <td>
                    {held ? (
                      <Link href={deskPath(slug, zonedDate(new Date(held.startsAt)))}>
                        {formatLongDate(zonedDate(new Date(held.startsAt)))},{' '}
                        {formatTimeRange(held.startsAt, held.endsAt)} · {modalityOf(held.modalityId)?.name}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  {desk ? (
                    <td>
                      {BOOKABLE.includes(e.status) && e.id !== exam?.id ? (
                        <Link
                          href={demandePath(slug, order.id, { examen: e.id })}
                          className="button button--small button--secondary"
                        >
                          {e.status === 'scheduled' ? 'Déplacer' : 'Programmer'}
                        </Link>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      {bookable && exam ? (
        <section className="card" aria-labelledby="slots-title">
          <h2 id="slots-title" className="card__title">
            {moving ? 'Déplacer le rendez-vous' : 'Choisir un créneau'} :{' '}
            {examType?.label ?? exam.requestedProcedure ?? modalityTypeLabel(exam.modalityType)}
          </h2>
          {!examType ? (
            <form method="get" action={demandePath(slug, order.id)} className="form">
              <input type="hidden" name="examen" value={exam.id} />
              <p className="muted">
                Cette demande a été reçue sans entrée du catalogue
                {exam.requestedProcedure ? ` (« ${exam.requestedProcedure} »)` : ''} : choisissez l'examen du
                catalogue ({modalityTypeLabel(exam.modalityType)}) à programmer.
              </p>
              <div className="field">
                <label htmlFor="f-type">Examen du catalogue</label>
                <select id="f-type" name="type" required defaultValue="">
                  <option value="">Choisir…</option>
                  {examTypes
                    .filter((t) => t.modalityType === exam.modalityType)
                    .map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.label} ({t.durationMinutes} min)
                      </option>
                    ))}
                </select>
              </div>
              <div className="actions">
                <button type="submit" className="button">
                  Voir les créneaux
                </button>
              </div>
            </form>
          ) : (
            <>
              <p className="muted">
                {examType.durationMinutes} min ·{' '}
                {examType.preparation
                  ? `Préparation : ${examType.preparation}`
                  : 'Sans préparation particulière'}
              </p>
              <nav className="day-nav" aria-label="Période des créneaux">
                <span>
                  Créneaux libres du {formatShortDate(from)} au{' '}
                  {formatShortDate(addDays(from, SEARCH_DAYS - 1))}
                </span>
                <Link
                  href={here({ date: addDays(from, SEARCH_DAYS) })}
                  className="button button--secondary button--small"
                >
                  Semaine suivante ›
                </Link>
                {from !== today() ? (
                  <Link href={here({ date: today() })} className="button button--secondary button--small">
                    À partir d'aujourd'hui
                  </Link>
                ) : null}
                <form method="get" action={demandePath(slug, order.id)} className="day-nav__form">
                  <input type="hidden" name="examen" value={exam.id} />
                  {chosenType ? <input type="hidden" name="type" value={chosenType.id} /> : null}
                  <label htmlFor="f-from">À partir du</label>
                  <input id="f-from" type="date" name="date" defaultValue={from} />
                  <button type="submit" className="button button--secondary button--small">
                    Chercher
                  </button>
                </form>
              </nav>
              {availability && availability.slots.length > 0 ? (
                <SlotPicker
                  slug={slug}
                  examId={exam.id}
                  examTypeId={chosenType?.id ?? null}
                  moving={moving}
                  slots={availability.slots}
                />
              ) : (
                <p className="empty" data-testid="no-slots">
                  Aucun créneau libre sur cette période : essayez la semaine suivante.
                </p>
              )}
            </>
          )}
        </section>
      ) : null}
    </>
  );
}
