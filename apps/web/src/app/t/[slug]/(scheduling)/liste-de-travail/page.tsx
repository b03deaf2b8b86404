import { isOneOf, WORKLIST_STATUSES, worklistActions } from '@rayon/domain';
import type { Metadata } from 'next';
import { AutoRefresh } from '../../../../../components/auto-refresh.tsx';
import { ExamStatusBadge, LateBadge, UrgencyBadge } from '../../../../../components/scheduling/badges.tsx';
import { DayNavigation } from '../../../../../components/scheduling/day-navigation.tsx';
import { ExamStatusButton } from '../../../../../components/scheduling/exam-status-button.tsx';
import { ModalityTabs } from '../../../../../components/scheduling/modality-tabs.tsx';
import { formatBirthDate, sexLabel } from '../../../../../lib/labels.ts';
import {
  dateParam,
  formatTimeRange,
  oneParam,
  patientDisplayName,
  usedNameNote,
  worklistPath,
} from '../../../../../lib/scheduling.ts';
import { MODALITY_STAFF_ROLES, practiceContext } from '../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../server/session.ts';
import { NameMatchingToggle } from './name-matching.tsx';

export const metadata: Metadata = { title: 'Liste de travail' };

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/**
 * The technologist's worklist (liste de travail du manipulateur): the day's steps of one
 * modality, programmed, arrived, in progress and done; it refreshes itself.
 */
export default async function WorklistPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const date = dateParam(query.date);
  const { has } = await practiceContext(slug);
  const technologist = has(...MODALITY_STAFF_ROLES);
  const admin = has('practice_admin');
  const api = await apiForSession({ tenantSlug: slug });
  const matching = await load(() => api.scheduling.worklist.get.query());
  const nameMatching = (
    <section className="card" aria-labelledby="name-matching-title" data-testid="name-matching">
      <h2 id="name-matching-title">Recherche par nom sur les modalités</h2>
      {admin ? (
        <NameMatchingToggle slug={slug} checked={matching.accentInsensitiveNames} />
      ) : (
        <p className="muted small">
          {matching.accentInsensitiveNames
            ? 'Les accents ne comptent pas : « NOEL* » trouve NOËL.'
            : 'Les accents comptent : « NOËL* » trouve NOËL, « NOEL* » ne le trouve pas.'}
        </p>
      )}
    </section>
  );
  const modalities = await load(() => api.scheduling.modalities.list.query());
  const modality = modalities.find((m) => m.id === oneParam(query.modalite)) ?? modalities[0];
  if (!modality) {
    return (
      <>
        <h1>Liste de travail</h1>
        <div className="card empty">Aucune modalité n'est configurée.</div>
        {nameMatching}
      </>
    );
  }
  const day = await load(() => api.scheduling.day.query({ date, modalityId: modality.id }));
  const steps = day.modalities[0]!.days[0]!.appointments.filter((a) =>
    isOneOf(WORKLIST_STATUSES, a.exam.status),
  );
  return (
    <>
      <AutoRefresh intervalMs={5000} />
      <div className="page-title">
        <h1>
          Liste de travail <span className="muted">· {modality.name}</span>
        </h1>
        <span className="muted small">
          Titre AE <code>{modality.aeTitle}</code>
        </span>
      </div>
      <ModalityTabs
        modalities={modalities}
        current={modality.id}
        href={(id) => worklistPath(slug, { modalite: id, date })}
        label="Modalité"
      />
      <DayNavigation base={worklistPath(slug)} date={date} extra={{ modalite: modality.id }} />
      {steps.length === 0 ? (
        <div className="card empty" data-testid="worklist-empty">
          Aucun examen programmé sur cette modalité ce jour.
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="worklist">
            <thead>
              <tr>
                <th scope="col">Heure</th>
                <th scope="col">Patient</th>
                <th scope="col">Examen</th>
                <th scope="col">Urgence</th>
                <th scope="col">Statut</th>
                {technologist ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {steps.map((s) => {
                const actions = worklistActions(s.exam.status);
                const used = usedNameNote(s.patient);
                return (
                  <tr key={s.id} className={s.exam.status === 'completed' ? 'row--ended' : undefined}>
                    <td className="nowrap">{formatTimeRange(s.startsAt, s.endsAt)}</td>
                    <td>
                      <strong>{patientDisplayName(s.patient)}</strong>
                      {used ? <div className="muted small">{used}</div> : null}
                      <div className="muted small">
                        {sexLabel(s.patient.sex)}, né(e) le {formatBirthDate(s.patient.birthDate)}
                      </div>
                    </td>
                    <td>
                      {s.exam.label}
                      <div className="muted small">
                        <code>{s.order.accessionNumber}</code>
                        {s.order.clinicalInfo ? ` · ${s.order.clinicalInfo}` : ''}
                      </div>
                    </td>
                    <td>
                      <UrgencyBadge urgency={s.order.urgency} />
                    </td>
                    <td>
                      <ExamStatusBadge status={s.exam.status} /> {s.late ? <LateBadge /> : null}
                    </td>
                    {technologist ? (
                      <td>
                        <div className="row-actions">
                          {actions.start ? (
                            <ExamStatusButton
                              target={{ slug, examId: s.exam.id, status: 'in_progress' }}
                              label="Débuter l'examen"
                              tone="primary"
                            />
                          ) : null}
                          {actions.complete ? (
                            <ExamStatusButton
                              target={{ slug, examId: s.exam.id, status: 'completed' }}
                              label="Terminer l'examen"
                              tone="primary"
                            />
                          ) : null}
                        </div>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {nameMatching}
    </>
  );
}
