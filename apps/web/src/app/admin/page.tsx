import type { Metadata } from 'next';
import Link from 'next/link';
import { StatusBadge } from '../../components/status-badge.tsx';
import { formatDate } from '../../lib/labels.ts';
import { apiForSession, load } from '../../server/session.ts';

export const metadata: Metadata = { title: 'Établissements' };

export default async function TenantsPage() {
  const api = await apiForSession();
  const tenants = await load(() => api.onboarding.tenants.list.query());
  return (
    <>
      <div className="page-title">
        <h1>Établissements</h1>
        <Link href="/admin/etablissements/nouveau" className="button">
          Nouvel établissement
        </Link>
      </div>
      {tenants.length === 0 ? (
        <div className="card empty">Aucun établissement pour le moment.</div>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">Identifiant</th>
              <th scope="col">FINESS</th>
              <th scope="col">Statut</th>
              <th scope="col">Créé le</th>
            </tr>
          </thead>
          <tbody>
            {tenants.map((t) => (
              <tr key={t.id}>
                <td>
                  <Link href={`/admin/etablissements/${encodeURIComponent(t.slug)}`}>{t.name}</Link>
                </td>
                <td>
                  <code>{t.slug}</code>
                </td>
                <td>{t.finess ?? '—'}</td>
                <td>
                  <StatusBadge status={t.status} />
                </td>
                <td>{formatDate(t.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
