import { ConfirmButton } from '../../../../../components/confirm-button.tsx';
import { formatBytes } from '../../../../../lib/hl7-routes.ts';
import { apiForSession, load } from '../../../../../server/session.ts';
import { AssignPortForm } from './assign-port-form.tsx';
import { withdrawPortAction } from './hl7-port-actions.ts';

/** The practice's HL7 routes as the platform sees them: dedicated ports are assigned here. */
export async function Hl7Ports({ slug }: { slug: string }) {
  const api = await apiForSession();
  const [routes, settings] = await Promise.all([
    load(() => api.onboarding.hl7.ports.list.query({ tenantSlug: slug })),
    load(() => api.onboarding.hl7.ports.settings.query()),
  ]);
  const withdraw = withdrawPortAction.bind(null, slug);
  const sharedRoutes = routes
    .filter((r) => r.port === null && r.clientCertFingerprints.length === 0)
    .map((r) => ({ id: r.id, label: `${r.receivingApplication} / ${r.receivingFacility}` }));
  return (
    <section className="card" aria-labelledby="hl7-ports-title">
      <h2 id="hl7-ports-title" style={{ marginTop: 0 }}>
        Ports HL7
      </h2>
      <p className="muted">
        Les routes de l'établissement. Ses administrateurs enregistrent les émetteurs (adresses autorisées,
        empreintes de certificat) ; seul l'administrateur de la plateforme attribue ou retire un port dédié.
      </p>
      {routes.length === 0 ? (
        <p className="empty">Aucune route.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="hl7-ports">
            <thead>
              <tr>
                <th scope="col">Réception</th>
                <th scope="col">MSH-5 / MSH-6</th>
                <th scope="col">Émetteurs</th>
                <th scope="col">Taille maximale</th>
                <th scope="col">
                  <span className="muted">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {routes.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">{r.port !== null ? `Port dédié ${r.port}` : 'Port partagé'}</td>
                  <td>
                    {r.receivingApplication ?? <span className="muted">—</span>}
                    <div className="muted small">{r.receivingFacility ?? ''}</div>
                  </td>
                  <td>
                    {r.allowedSources.length === 0 ? (
                      <span className="hl7-warning">Aucun</span>
                    ) : (
                      `${r.allowedSources.length} adresse${r.allowedSources.length > 1 ? 's' : ''}`
                    )}
                    {r.clientCertFingerprints.length > 0 ? (
                      <div className="muted small">
                        {r.clientCertFingerprints.length} certificat
                        {r.clientCertFingerprints.length > 1 ? 's' : ''} (TLS)
                      </div>
                    ) : null}
                  </td>
                  <td className="nowrap">{formatBytes(r.maxMessageBytes)}</td>
                  <td>
                    {r.port !== null ? (
                      <form action={withdraw}>
                        <input type="hidden" name="routeId" value={r.id} />
                        <ConfirmButton
                          className="button button--danger button--small"
                          question={`Retirer le port ${r.port} ? Les émetteurs qui s'y connectent seront coupés.`}
                        >
                          Retirer le port
                        </ConfirmButton>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Attribuer un port dédié</h3>
      <AssignPortForm slug={slug} range={settings.portRange} sharedRoutes={sharedRoutes} />
    </section>
  );
}
