import { reportStatusLabel } from '../../lib/reports.ts';

/** Brouillon, Préliminaire, Validé, Remplacé, Retiré: a colour per status. */
export function ReportStatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge report-status report-status--${status}`} data-testid="report-status">
      {reportStatusLabel(status)}
    </span>
  );
}

/** The report waits for its announcement (annonce): hidden from the patient until then. */
export function AnnouncementPendingBadge() {
  return (
    <span
      className="badge announcement--pending"
      data-testid="announcement-pending"
      title="Invisible pour le patient tant que l'annonce n'est pas enregistrée"
    >
      Annonce en attente
    </span>
  );
}
