import { examStatusLabel, urgencyLabel } from '../../lib/scheduling.ts';

/** The exam's status as the desk names it (Programmé, Arrivé, En cours, Terminé, Absent…). */
export function ExamStatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge exam-status exam-status--${status}`} data-testid="exam-status">
      {examStatusLabel(status)}
    </span>
  );
}

export function UrgencyBadge({ urgency }: { urgency: string }) {
  return urgency === 'urgent' ? (
    <span className="badge urgency--urgent" data-testid="urgency">
      {urgencyLabel(urgency)}
    </span>
  ) : (
    <span className="muted small">{urgencyLabel(urgency)}</span>
  );
}

/** « En retard »: expected, not arrived, start time passed. */
export function LateBadge() {
  return (
    <span className="badge late" data-testid="late">
      En retard
    </span>
  );
}
