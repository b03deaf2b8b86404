import type { Metadata } from 'next';
import Link from 'next/link';
import { SiteHeader } from '../../../components/site-header.tsx';
import { formatDateTime } from '../../../lib/labels.ts';
import { apiForSession, load, requireSession } from '../../../server/session.ts';
import { ChangePasswordForm } from './change-password-form.tsx';
import { PscSection } from './psc-section.tsx';
import { RevokeSessionButton } from './revoke-button.tsx';

export const metadata: Metadata = { title: 'Mon compte' };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function device(s: { browser: string | null; browserVersion: string | null; os: string | null }): string {
  const browser = s.browser ? [s.browser, s.browserVersion].filter(Boolean).join(' ') : 'Navigateur inconnu';
  return s.os ? `${browser} sous ${s.os}` : browser;
}

/** « Mon compte »: one's own open sessions (each can be ended) and the password change. */
export default async function AccountPage({ searchParams }: { searchParams: SearchParams }) {
  const session = await requireSession();
  const query = await searchParams;
  const api = await apiForSession();
  const [sessions, psc] = await Promise.all([
    load(() => api.account.sessions.query()),
    load(() => api.account.psc.query()),
  ]);
  const revoked = query.deconnectee === '1';
  const pscOutcome = typeof query.psc === 'string' ? query.psc : undefined;
  return (
    <>
      <SiteHeader userName={session.portalUser.displayName} />
      <main className="page">
        <p className="breadcrumb">
          <Link href="/" prefetch={false}>
            Accueil
          </Link>{' '}
          › Mon compte
        </p>
        <h1>Mon compte</h1>
        <p className="muted break-anywhere">
          {session.portalUser.displayName} · {session.portalUser.email}
        </p>

        <section className="card" aria-labelledby="sessions-title" data-testid="sessions">
          <h2 id="sessions-title" className="card__title">
            Sessions ouvertes
          </h2>
          <p className="muted">
            Les appareils où votre compte est connecté. Une session inutilisée se ferme d&apos;elle-même après
            le délai d&apos;inactivité de votre établissement. Si vous ne reconnaissez pas une session,
            déconnectez-la et changez votre mot de passe.
          </p>
          {revoked ? (
            <div className="alert alert--success" role="status" data-testid="session-revoked">
              La session a été déconnectée.
            </div>
          ) : null}
          <table className="table table--compact table--stacked">
            <thead>
              <tr>
                <th scope="col">Appareil</th>
                <th scope="col">Adresse IP</th>
                <th scope="col">Ouverte le</th>
                <th scope="col">Dernière activité</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id} data-testid={s.current ? 'session-current' : 'session'}>
                  <td data-label="Appareil">
                    {device(s)}
                    {s.current ? (
                      <>
                        {' '}
                        <span className="badge badge--active">Cette session</span>
                      </>
                    ) : null}
                  </td>
                  <td data-label="Adresse IP" className="break-anywhere">
                    {s.clientIp ?? '—'}
                  </td>
                  <td data-label="Ouverte le">{formatDateTime(s.createdAt)}</td>
                  <td data-label="Dernière activité">{formatDateTime(s.lastSeenAt)}</td>
                  <td>{s.current ? null : <RevokeSessionButton id={s.id} label={device(s)} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <PscSection psc={psc} outcome={pscOutcome} authMethod={session.authMethod} />

        <section className="card card--form" aria-labelledby="password-title">
          <h2 id="password-title" className="card__title">
            Changer de mot de passe
          </h2>
          <p className="muted">Vos autres sessions seront fermées ; celle-ci reste ouverte.</p>
          <ChangePasswordForm email={session.portalUser.email} />
        </section>
      </main>
    </>
  );
}
