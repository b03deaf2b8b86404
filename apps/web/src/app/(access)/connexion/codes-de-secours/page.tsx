import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { recoveryCodesNotedAction } from '../actions.ts';
import { recoveryCodesToShow } from '../pending.ts';

export const metadata: Metadata = { title: 'Codes de secours', referrer: 'no-referrer' };

/** The ten recovery codes, shown once right after the enrolment. */
export default async function RecoveryCodesPage() {
  const shown = await recoveryCodesToShow();
  if (!shown) redirect('/');
  return (
    <main className="page page--narrow">
      <div className="card">
        <h1>Codes de secours</h1>
        <div className="alert alert--success" role="status">
          La double authentification est activée.
        </div>
        <p>
          Si vous n&apos;avez plus votre téléphone, chacun de ces codes remplace une fois le code de
          l&apos;application. Notez-les et gardez-les en lieu sûr : ils ne seront plus affichés.
        </p>
        <ol className="recovery-codes" data-testid="recovery-codes">
          {shown.codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ol>
        <form action={recoveryCodesNotedAction} className="actions">
          <button type="submit" className="button">
            J&apos;ai noté mes codes
          </button>
        </form>
      </div>
    </main>
  );
}
