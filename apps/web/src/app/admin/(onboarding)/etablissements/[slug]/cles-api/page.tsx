import type { Metadata } from 'next';
import Link from 'next/link';
import { apiScopeLabel, formatDateTime } from '../../../../../../lib/labels.ts';
import { apiForSession, load } from '../../../../../../server/session.ts';
import { revokeApiKeyAction } from './actions.ts';
import { CreateKeyForm } from './create-key-form.tsx';
import { RevokeButton } from './revoke-button.tsx';

export const metadata: Metadata = { title: "Clés d'API" };

type Params = Promise<{ slug: string }>;

export default async function ApiKeysPage({ params }: { params: Params }) {
  const { slug } = await params;
  const api = await apiForSession();
  const [tenant, keys] = await Promise.all([
    load(() => api.onboarding.tenants.get.query({ slug })),
    load(() => api.onboarding.apiKeys.list.query({ tenantSlug: slug })),
  ]);
  const revoke = revokeApiKeyAction.bind(null, tenant.slug);
  return (
    <>
      <nav className="breadcrumb">
        <Link href="/admin">Établissements</Link> ›{' '}
        <Link href={`/admin/etablissements/${encodeURIComponent(tenant.slug)}`}>{tenant.name}</Link> › Clés
        d'API
      </nav>
      <h1>Clés d'API</h1>
      <p className="muted">
        Les clés d'API permettent à un système tiers (plateforme de téléradiologie, logiciel partenaire)
        d'accéder à l'API publique de Rayon pour {tenant.name}.
      </p>

      {keys.length === 0 ? (
        <div className="card empty">Aucune clé d'API.</div>
      ) : (
        <table className="table" data-testid="api-keys">
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">Préfixe</th>
              <th scope="col">Droits</th>
              <th scope="col">Créée le</th>
              <th scope="col">Dernière utilisation</th>
              <th scope="col">État</th>
              <th scope="col">
                <span className="muted">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}</code>
                </td>
                <td>{key.scopes.map(apiScopeLabel).join(', ')}</td>
                <td>{formatDateTime(key.createdAt)}</td>
                <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Jamais'}</td>
                <td>
                  {key.revokedAt ? (
                    <span
                      className="badge badge--failed"
                      title={`Révoquée le ${formatDateTime(key.revokedAt)}`}
                    >
                      Révoquée
                    </span>
                  ) : (
                    <span className="badge badge--active">Active</span>
                  )}
                </td>
                <td>
                  {key.revokedAt ? null : (
                    <form action={revoke}>
                      <input type="hidden" name="id" value={key.id} />
                      <RevokeButton keyName={key.name} />
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <section className="card" style={{ marginTop: '1.5rem' }}>
        <h2 style={{ marginTop: 0 }}>Nouvelle clé</h2>
        <CreateKeyForm tenantSlug={tenant.slug} />
      </section>
    </>
  );
}
