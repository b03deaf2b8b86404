import { formatDateTime } from '../../../../../lib/labels.ts';
import { PROFILE_ROLES, SIGNER_PROBLEM_LABELS, type StaffMember } from '../../../../../lib/staff.ts';

/** « Actif », or « Désactivé » with its date. */
export function MemberState({ member }: { member: StaffMember }) {
  if (member.active) {
    return (
      <span className="badge badge--active" data-testid="member-state">
        Actif
      </span>
    );
  }
  return (
    <>
      <span className="badge badge--failed" data-testid="member-state">
        Désactivé
      </span>
      {member.disabledAt ? (
        <span className="small muted"> le {formatDateTime(member.disabledAt)}</span>
      ) : null}
    </>
  );
}

/** Whether the member's signature is worth a word: a radiologist, an intern, or a profile set. */
export function concernsSigning(m: StaffMember): boolean {
  return (
    m.roles.some((r) => PROFILE_ROLES.includes(r)) ||
    m.profile.signsReports ||
    Boolean(m.profile.rpps || m.profile.familyName)
  );
}

/** « Signataire », or why the member cannot sign reports (— when signing is not their business). */
export function SignerStatus({ member }: { member: StaffMember }) {
  if (member.signer.ready) {
    return (
      <span className="badge badge--active" data-testid="signer-ready">
        Signataire
      </span>
    );
  }
  if (!concernsSigning(member)) return <span className="muted">—</span>;
  return (
    <ul className="list-plain list-plain--tight small" data-testid="signer-problems">
      {member.signer.problems.map((p) => (
        <li key={p}>{SIGNER_PROBLEM_LABELS[p]}</li>
      ))}
    </ul>
  );
}
