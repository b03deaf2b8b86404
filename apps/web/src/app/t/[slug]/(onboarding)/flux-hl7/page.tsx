import type { Metadata } from 'next';
import Link from 'next/link';
import { ConfirmButton } from '../../../../../components/confirm-button.tsx';
import { formatBytes } from '../../../../../lib/hl7-routes.ts';
import { formatDateTime, hl7StatusLabel } from '../../../../../lib/labels.ts';
import { patientPath } from '../../../../../lib/patients.ts';
import { practiceContext } from '../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../server/session.ts';
import { deleteRouteAction } from './actions.ts';
import { ReplayButton } from './replay-button.tsx';
import { RouteForm } from './route-form.tsx';

export const metadata: Metadata = { title: 'Flux HL7' };

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const FILTERS = [
  { key: 'tous', label: 'Tous', status: undefined },
  { key: 'erreur', label: 'En erreur', status: 'failed' },
  { key: 'traites', label: 'Traités', status: 'processed' },
] as const;

const EMPTY: Record<(typeof FILTERS)[number]['key'], string> = {
  tous: 'Aucun message HL7 reçu pour le moment.',
  erreur: 'Aucun message en erreur.',
  traites: 'Aucun message traité.',
};

export default async function Hl7FeedPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug } = await params;
  const { statut } = await searchParams;
  const filter = FILTERS.find((f) => f.key === statut) ?? FILTERS[0];
  const { has } = await practiceContext(slug);
  const isAdmin = has('practice_admin');
  const api = await apiForSession({ tenantSlug: slug });
  const [messages, routes] = await Promise.all([
    load(() => api.onboarding.hl7.messages.list.query(filter.status ? { status: filter.status } : {})),
    isAdmin ? load(() => api.onboarding.hl7.routes.list.query()) : Promise.resolve(null),
  ]);
  const base = `/t/${encodeURIComponent(slug)}/flux-hl7`;
  const deleteRoute = deleteRouteAction.bind(null, slug);

  return (
    <>
      <h1>Flux HL7</h1>
      <p className="muted">
        Messages d'identité (ADT, IHE PAM France) reçus des établissements partenaires. Un message en erreur
        est conservé : corrigez la cause (chez l'émetteur ou ici), puis rejouez-le.
      </p>

      <nav className="tabs" aria-label="Filtrer les messages">
        {FILTERS.map((f) => (
          <Link
            key={f.key}
            href={f.key === 'tous' ? base : `${base}?statut=${f.key}`}
            className="tabs__tab"
            aria-current={f.key === filter.key ? 'page' : undefined}
          >
            {f.label}
          </Link>
        ))}
      </nav>

      {messages.length === 0 ? (
        <div className="card empty" data-testid="hl7-empty">
          {EMPTY[filter.key]}
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="hl7-messages">
            <thead>
              <tr>
                <th scope="col">Reçu le</th>
                <th scope="col">Émetteur</th>
                <th scope="col">MSH-10</th>
                <th scope="col">Type</th>
                <th scope="col">Statut</th>
                <th scope="col">Erreur</th>
                <th scope="col">
                  <span className="muted">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td className="nowrap">{formatDateTime(m.receivedAt)}</td>
                  <td>
                    {m.sendingApplication || '—'}
                    <div className="muted small">{m.sendingFacility || '—'}</div>
                  </td>
                  <td>
                    <code>{m.controlId}</code>
                  </td>
                  <td>
                    <code>{m.messageType ?? '—'}</code>
                  </td>
                  <td>
                    <span className={`badge hl7-status hl7-status--${m.status}`}>
                      {hl7StatusLabel(m.status)}
                    </span>
                    {m.attempts > 1 ? <div className="muted small">{m.attempts} traitements</div> : null}
                  </td>
                  <td className="hl7-error">
                    {m.error ? (
                      <>
                        {m.error}
                        {m.errorLocation ? (
                          <div className="muted small">
                            Emplacement : <code>{m.errorLocation}</code>
                          </div>
                        ) : null}
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    {m.status === 'failed' ? (
                      <ReplayButton slug={slug} id={m.id} />
                    ) : m.patientId ? (
                      <Link href={patientPath(slug, m.patientId)}>Voir le patient</Link>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {routes ? (
        <section className="card section-gap" aria-labelledby="routes-title">
          <h2 id="routes-title" className="card__title">
            Routes de réception
          </h2>
          <p className="muted">
            Comment les messages des émetteurs parviennent à l'établissement : sur le port partagé de la
            plateforme en reconnaissant l'application (MSH-5) et l'établissement (MSH-6) destinataires, ou sur
            un port dédié attribué par l'administrateur de la plateforme. Seuls les émetteurs enregistrés sur
            une route (adresses autorisées et, si renseignées, empreintes de certificat client pour le MLLP
            sur TLS) sont acceptés ; les autres reçoivent un refus (AR).
          </p>
          {routes.length === 0 ? (
            <p className="empty">Aucune route.</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="hl7-routes">
                <thead>
                  <tr>
                    <th scope="col">Réception</th>
                    <th scope="col">MSH-5 / MSH-6</th>
                    <th scope="col">Adresses autorisées</th>
                    <th scope="col">Empreintes de certificat</th>
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
                        {r.receivingApplication ?? <span className="muted">toutes</span>}
                        <div className="muted small">{r.receivingFacility ?? 'tous'}</div>
                      </td>
                      <td>
                        {r.allowedSources.length === 0 ? (
                          <span className="hl7-warning">Aucune : tout message est refusé</span>
                        ) : (
                          <ul className="plain-list">
                            {r.allowedSources.map((a) => (
                              <li key={a}>
                                <code>{a}</code>
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                      <td>
                        {r.clientCertFingerprints.length === 0 ? (
                          <span className="muted">Aucune (TLS facultatif)</span>
                        ) : (
                          <ul className="plain-list">
                            {r.clientCertFingerprints.map((f) => (
                              <li key={f}>
                                <code className="fingerprint" title={f}>
                                  {f.slice(0, 14)}…
                                </code>
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                      <td className="nowrap">{formatBytes(r.maxMessageBytes)}</td>
                      <td>
                        <div className="row-actions">
                          <Link
                            href={`${base}/routes/${r.id}`}
                            className="button button--secondary button--small"
                          >
                            Modifier
                          </Link>
                          {r.port === null ? (
                            <form action={deleteRoute}>
                              <input type="hidden" name="id" value={r.id} />
                              <ConfirmButton
                                className="button button--danger button--small"
                                question="Supprimer cette route ? Les messages qui l'empruntent seront refusés."
                              >
                                Supprimer
                              </ConfirmButton>
                            </form>
                          ) : null}
                        </div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3>Nouvelle route sur le port partagé</h3>
          <p className="muted small">
            Un port dédié est attribué par l'administrateur de la plateforme, sur demande.
          </p>
          <RouteForm slug={slug} />
        </section>
      ) : null}
    </>
  );
}
