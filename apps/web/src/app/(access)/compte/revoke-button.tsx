import { ConfirmButton } from '../../../components/confirm-button.tsx';
import { revokeSessionAction } from './actions.ts';

export function RevokeSessionButton({ id, label }: { id: string; label: string }) {
  return (
    <form action={revokeSessionAction.bind(null, id)}>
      <ConfirmButton question={`Déconnecter la session « ${label} » ?`} className="button button--secondary">
        Déconnecter
      </ConfirmButton>
    </form>
  );
}
