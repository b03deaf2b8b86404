import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatDateTime } from '../../../../../../lib/labels.ts';
import { practiceContext } from '../../../../../../server/practice.ts';
import { pscEnabled } from '../../../../../../server/psc.ts';
import { apiForSession, load } from '../../../../../../server/session.ts';
import { setPolicyAction } from './actions.ts';
import { acrLabel, isSignInSuccess, signInOutcomeLabel } from './labels.ts';
import { PolicyForm } from './policy-form.tsx';
import { PscRequiredToggle } from './psc-required.tsx';

export const metadata: Metadata = { title: 'Journal des connexions' };

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The practice administrator's view of its members' sign-ins, and the practice's sign-in rules. */
export default async function SignInJournalPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug } = await params;
  const { avant } = await searchParams;
  const { has } = await practiceContext(slug);
  if (!has('practice_admin')) notFound();
  const before = typeof avant === 'string' && /^\d{1,15}$/.test(avant) ? Number(avant) : undefined;
  const api = await apiForSession({ tenantSlug: slug });
  const [journal, policy, pscOffered] = await Promise.all([
    load(() => api.security.signIns.query(before ? { before } : {})),
    load(() => api.security.policy.query({ tenantSlug: slug })),
    pscEnabled(),
  ]);
  const base = `/t/${encodeURIComponent(slug)}/equipe`;

  return (
    <>
      <nav className="breadcrumb" aria-label="Fil d'Ariane">
        <Link href={base}>Équipe</Link> › Journal des connexions
      </nav>
      <h1>Journal des connexions</h1>

      <section className="card card--form section-gap" aria-labelledby="policy-title">
        <h2 id="policy-title">Règles de connexion</h2>
        {pscOffered || policy.pscRequired ? (
          // Applied at once (its own form), before the rules saved with « Enregistrer ».
          <div className="psc-required">
            <PscRequiredToggle slug={slug} checked={policy.pscRequired} />
          </div>
        ) : null}
        <PolicyForm
          action={setPolicyAction.bind(null, slug)}
          totpRequired={policy.totpRequired}
          idleTimeoutMinutes={policy.idleTimeoutMinutes}
        />
      </section>

      <section className="section-gap" aria-labelledby="journal-title">
        <h2 id="journal-title">Connexions des membres</h2>
        <p className="muted">
          Chaque tentative de connexion des membres de l&apos;établissement, réussie ou non (heure de Paris).
        </p>
        {journal.events.length === 0 ? (
          <p className="empty">Aucune connexion enregistrée.</p>
        ) : (
          <div className="table-wrap">
            <table className="table table--compact table--stacked" data-testid="sign-in-journal">
              <thead>
                <tr>
                  <th scope="col">Date et heure</th>
                  <th scope="col">Membre</th>
                  <th scope="col">Résultat</th>
                  <th scope="col">Adresse</th>
                </tr>
              </thead>
              <tbody>
                {journal.events.map((e) => (
                  <tr key={e.id}>
                    <td className="nowrap" data-label="Date et heure">
                      {formatDateTime(e.at)}
                    </td>
                    <td data-label="Membre">
                      {e.displayName ?? e.email}
                      <br />
                      <span className="muted small break-anywhere">{e.email}</span>
                    </td>
                    <td data-label="Résultat">
                      <span
                        className={`badge ${isSignInSuccess(e.outcome) ? 'badge--active' : 'badge--failed'}`}
                      >
                        {signInOutcomeLabel(e.outcome)}
                      </span>
                      {acrLabel(e.acr) ? (
                        <>
                          <br />
                          <span className="muted small" data-testid="sign-in-acr">
                            {acrLabel(e.acr)}
                          </span>
                        </>
                      ) : null}
                    </td>
                    <td className="break-anywhere" data-label="Adresse" title={e.userAgent ?? undefined}>
                      {e.clientIp ?? '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {journal.nextBefore ? (
          <p>
            <Link href={`${base}/connexions?avant=${journal.nextBefore}`}>Connexions plus anciennes</Link>
          </p>
        ) : null}
      </section>
    </>
  );
}
