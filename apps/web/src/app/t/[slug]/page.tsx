import type { Metadata } from 'next';
import { roleLabel } from '../../../lib/labels.ts';
import { apiForSession, load } from '../../../server/session.ts';

export const metadata: Metadata = { title: 'Tableau de bord' };

type Params = Promise<{ slug: string }>;

export default async function PracticeHomePage({ params }: { params: Params }) {
  const { slug } = await params;
  const api = await apiForSession({ tenantSlug: slug });
  const home = await load(() => api.onboarding.practice.home.query());
  return (
    <>
      <h1>Tableau de bord</h1>
      <section className="card">
        <p style={{ marginTop: 0 }}>
          Bienvenue, <strong data-testid="welcome-name">{home.user.displayName}</strong>
        </p>
        <dl className="details">
          <dt>Établissement</dt>
          <dd data-testid="tenant-name">{home.tenant.name}</dd>
          <dt>Vos rôles</dt>
          <dd data-testid="user-roles">
            {home.user.roles.length > 0 ? home.user.roles.map(roleLabel).join(', ') : '—'}
          </dd>
        </dl>
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Sites</h2>
        {home.sites.length === 0 ? (
          <p className="muted">Aucun site.</p>
        ) : (
          <table className="table" data-testid="sites">
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">FINESS géographique</th>
                <th scope="col">Ville</th>
              </tr>
            </thead>
            <tbody>
              {home.sites.map((site) => (
                <tr key={site.id}>
                  <td>{site.name}</td>
                  <td>{site.finess ?? '—'}</td>
                  <td>{site.city ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card">
        <h2 style={{ marginTop: 0 }}>Activité</h2>
        <p className="empty">Aucune activité pour le moment</p>
      </section>
    </>
  );
}
