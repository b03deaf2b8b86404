import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { templatesPath } from '../../../../../lib/reports.ts';
import {
  formatIntervals,
  modalityTypeLabel,
  referrerIdText,
  referrerPath,
  type OpeningHoursValue,
} from '../../../../../lib/scheduling.ts';
import { practiceContext } from '../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../server/session.ts';
import {
  CallersForm,
  ExamTypeForm,
  ModalityActions,
  ModalityForm,
  OpeningHoursForm,
  ReferrerForm,
  RoomForm,
} from './forms.tsx';
import { formatParisDate, ISO_WEEKDAY_LABELS, ISO_WEEKDAYS } from '@rayon/domain';

export const metadata: Metadata = { title: 'Configuration' };

type Params = Promise<{ slug: string }>;

/** The practice's scheduling configuration: rooms, modalities, exam catalogue, referrers. */
export default async function ConfigurationPage({ params }: { params: Params }) {
  const { slug } = await params;
  const { has } = await practiceContext(slug);
  if (!has('practice_admin')) notFound();
  const api = await apiForSession({ tenantSlug: slug });
  const [sites, rooms, modalities, examTypes, referrers] = await Promise.all([
    load(() => api.onboarding.sites.list.query()),
    load(() => api.scheduling.rooms.list.query()),
    load(() => api.scheduling.modalities.list.query()),
    load(() => api.scheduling.examTypes.list.query()),
    load(() => api.scheduling.referrers.list.query()),
  ]);
  const roomName = (id: string) => rooms.find((r) => r.id === id)?.name ?? '—';
  const siteName = (id: string) => sites.find((s) => s.id === id)?.name ?? '—';
  return (
    <>
      <h1>Configuration</h1>
      <p className="muted">Salles, modalités et leurs horaires, catalogue des examens et prescripteurs.</p>

      <section className="card" aria-labelledby="rooms-title">
        <h2 id="rooms-title" className="card__title">
          Salles
        </h2>
        {rooms.length === 0 ? (
          <p className="muted">Aucune salle.</p>
        ) : (
          <table className="table table--compact" data-testid="rooms">
            <thead>
              <tr>
                <th scope="col">Salle</th>
                <th scope="col">Site</th>
              </tr>
            </thead>
            <tbody>
              {rooms.map((r) => (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td>{siteName(r.siteId)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <details className="disclosure">
          <summary>Ajouter une salle</summary>
          <RoomForm slug={slug} sites={sites.map((s) => ({ value: s.id, label: s.name }))} />
        </details>
      </section>

      <section className="card" aria-labelledby="modalities-title">
        <h2 id="modalities-title" className="card__title">
          Modalités
        </h2>
        {modalities.length === 0 ? (
          <p className="muted">Aucune modalité.</p>
        ) : (
          <div className="table-wrap">
            <table className="table table--compact table--stacked" data-testid="modalities">
              <thead>
                <tr>
                  <th scope="col">Modalité</th>
                  <th scope="col">Type</th>
                  <th scope="col">Titre AE et appelants DICOM</th>
                  <th scope="col">Salle</th>
                  <th scope="col">Horaires d'ouverture</th>
                </tr>
              </thead>
              <tbody>
                {modalities.map((m) => {
                  const hours = m.openingHours as OpeningHoursValue;
                  const retiredAt = m.retiredAt ? new Date(m.retiredAt) : null;
                  return (
                    <tr key={m.id} className={retiredAt ? 'muted' : undefined}>
                      <td>
                        <strong>{m.name}</strong>
                        {retiredAt ? (
                          <p className="small">
                            <span className="badge">Retirée le {formatParisDate(retiredAt)}</span>
                          </p>
                        ) : null}
                        <ModalityActions slug={slug} id={m.id} name={m.name} retired={retiredAt !== null} />
                      </td>
                      <td data-label="Type">{modalityTypeLabel(m.type)}</td>
                      <td data-label="Titre AE et appelants DICOM">
                        <code>{m.aeTitle}</code>
                        <ul className="list-plain small" data-testid={`callers-${m.aeTitle}`}>
                          <li>
                            AE appelants :{' '}
                            {m.callingAeTitles.length > 0 ? (
                              <code>{m.callingAeTitles.join(', ')}</code>
                            ) : (
                              'aucun, connexion refusée'
                            )}
                          </li>
                          <li>
                            Adresses autorisées :{' '}
                            {m.allowedSources.length > 0 ? (
                              <code>{m.allowedSources.join(', ')}</code>
                            ) : (
                              'aucune, connexion refusée'
                            )}
                          </li>
                          <li>
                            Empreintes de certificat :{' '}
                            {m.clientCertFingerprints.length > 0
                              ? `${m.clientCertFingerprints.length} (DICOM TLS exigé)`
                              : 'aucune'}
                          </li>
                        </ul>
                        <details className="disclosure">
                          <summary>Modifier les appelants</summary>
                          <CallersForm
                            slug={slug}
                            id={m.id}
                            callers={{
                              callingAeTitles: m.callingAeTitles,
                              allowedSources: m.allowedSources,
                              clientCertFingerprints: m.clientCertFingerprints,
                            }}
                          />
                        </details>
                      </td>
                      <td data-label="Salle">{roomName(m.roomId)}</td>
                      <td data-label="Horaires d'ouverture">
                        <ul className="list-plain small">
                          {ISO_WEEKDAYS.map((d) => (
                            <li key={d}>
                              {ISO_WEEKDAY_LABELS[d]} : {formatIntervals(hours[d])}
                            </li>
                          ))}
                        </ul>
                        <details className="disclosure">
                          <summary>Modifier les horaires</summary>
                          <OpeningHoursForm slug={slug} id={m.id} hours={hours} />
                        </details>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {rooms.length > 0 ? (
          <details className="disclosure">
            <summary>Ajouter une modalité</summary>
            <ModalityForm slug={slug} rooms={rooms.map((r) => ({ value: r.id, label: r.name }))} />
          </details>
        ) : (
          <p className="muted">Ajoutez d'abord une salle.</p>
        )}
      </section>

      <section className="card" aria-labelledby="catalogue-title">
        <h2 id="catalogue-title" className="card__title">
          Catalogue des examens
        </h2>
        {examTypes.length === 0 ? (
          <p className="muted">Le catalogue est vide.</p>
        ) : (
          <table className="table table--compact" data-testid="exam-types">
            <thead>
              <tr>
                <th scope="col">Examen</th>
                <th scope="col">Code CCAM</th>
                <th scope="col">Code LOINC</th>
                <th scope="col">Type de modalité</th>
                <th scope="col">Durée</th>
                <th scope="col">Préparation</th>
              </tr>
            </thead>
            <tbody>
              {examTypes.map((t) => (
                <tr key={t.id}>
                  <td>{t.label}</td>
                  <td>{t.ccamCode ? <code>{t.ccamCode}</code> : '—'}</td>
                  <td>{t.loincCode ? <code title={t.loincLabel ?? undefined}>{t.loincCode}</code> : '—'}</td>
                  <td>{modalityTypeLabel(t.modalityType)}</td>
                  <td className="nowrap">{t.durationMinutes} min</td>
                  <td>{t.preparation ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <details className="disclosure">
          <summary>Ajouter un examen au catalogue</summary>
          <ExamTypeForm slug={slug} />
        </details>
      </section>

      <section className="card" aria-labelledby="referrers-title">
        <h2 id="referrers-title" className="card__title">
          Prescripteurs
        </h2>
        {referrers.length === 0 ? (
          <p className="muted">Aucun prescripteur.</p>
        ) : (
          <table className="table table--compact table--stacked" data-testid="referrers">
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">RPPS / ADELI</th>
                <th scope="col">Spécialité</th>
                <th scope="col">Adresse MSSanté</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {referrers.map((r) => (
                <tr key={r.id}>
                  <td data-label="Nom">{[r.familyName, r.givenName].filter(Boolean).join(' ')}</td>
                  <td data-label="RPPS / ADELI">{referrerIdText(r)}</td>
                  <td data-label="Spécialité">{r.specialty ?? '—'}</td>
                  <td data-label="Adresse MSSanté" className="break-anywhere">
                    {r.mssanteAddress ?? '—'}
                  </td>
                  <td>
                    <Link href={referrerPath(slug, r.id)}>Modifier</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <details className="disclosure">
          <summary>Ajouter un prescripteur</summary>
          <ReferrerForm slug={slug} />
        </details>
      </section>

      <section className="card" aria-labelledby="report-templates-title">
        <h2 id="report-templates-title" className="card__title">
          Modèles de compte rendu
        </h2>
        <p className="muted">
          Textes types par examen du catalogue, proposés aux radiologues quand ils rédigent un compte rendu.
        </p>
        <Link href={templatesPath(slug)} className="strong-link">
          Gérer les modèles de compte rendu
        </Link>
      </section>
    </>
  );
}
