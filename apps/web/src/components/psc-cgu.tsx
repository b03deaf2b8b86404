import { PSC_CGU_URL } from '../lib/psc.ts';

/**
 * The acceptance of Pro Santé Connect's CGU, asked before an e-CPS is linked to an account (the
 * API records it with the flow). Required: the browser refuses to send the form unticked, and
 * the server action checks it again.
 */
export function PscCguCheckbox({ id }: { id: string }) {
  return (
    <div className="field">
      <label className="checkbox psc-cgu" htmlFor={id}>
        <input id={id} type="checkbox" name="cguAccepted" required />
        <span>
          J’accepte les{' '}
          <a href={PSC_CGU_URL} target="_blank" rel="noopener noreferrer">
            conditions générales d’utilisation de Pro Santé Connect
          </a>
        </span>
      </label>
    </div>
  );
}
