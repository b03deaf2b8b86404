import {
  formatCoded,
  formatHl7Time,
  formatInstanceId,
  professionalIdText,
  type CdaHeader,
  type CdaPerson,
} from '../../lib/cda-display.ts';
import { formatMatricule, insOidLabel } from '../../lib/labels.ts';

const dash = (v: string | null | undefined) => (v ? v : '—');

function PersonDetails({ person, timeLabel }: { person: CdaPerson; timeLabel: string }) {
  return (
    <dl className="details">
      <dt>Nom</dt>
      <dd>{dash(person.name)}</dd>
      <dt>Identifiant</dt>
      <dd>{professionalIdText(person)}</dd>
      {person.profession ? (
        <>
          <dt>Profession, spécialité</dt>
          <dd>{person.profession}</dd>
        </>
      ) : null}
      {person.organisation ? (
        <>
          <dt>Structure</dt>
          <dd>{person.organisation}</dd>
        </>
      ) : null}
      {person.time ? (
        <>
          <dt>{timeLabel}</dt>
          <dd>{formatHl7Time(person.time)}</dd>
        </>
      ) : null}
    </dl>
  );
}

/**
 * A CDA R2 document as a person reads it: its header data (document, patient and INS, author,
 * signataire, établissement responsable, destinataires, demande, examens, document remplacé)
 * and its PDF. Used for the practice's stored documents and for documents received from elsewhere.
 */
export function CdaView({ header: h, pdfSrc }: { header: CdaHeader; pdfSrc: string | null }) {
  const p = h.patient;
  const replaced = h.relatedDocuments.filter((r) => r.typeCode === 'RPLC');
  return (
    <div className="cda-view">
      <section className="card cda-header" aria-labelledby="cda-document-title">
        <h2 id="cda-document-title" data-testid="cda-title">
          {dash(h.title)}
        </h2>
        <dl className="details details--columns" data-testid="cda-document">
          <dt>Type de document</dt>
          <dd>{formatCoded(h.code)}</dd>
          <dt>Date du document</dt>
          <dd>{formatHl7Time(h.effectiveTime)}</dd>
          <dt>Identifiant</dt>
          <dd>
            <code>{formatInstanceId(h.id)}</code>
          </dd>
          <dt>Lot de versions (setId)</dt>
          <dd>
            <code>{formatInstanceId(h.setId)}</code>
          </dd>
          <dt>Version</dt>
          <dd data-testid="cda-version">{dash(h.version)}</dd>
          <dt>Confidentialité</dt>
          <dd>{h.confidentiality?.displayName ?? h.confidentiality?.code ?? '—'}</dd>
          {replaced.length > 0 ? (
            <>
              <dt>Remplace le document</dt>
              <dd data-testid="cda-replaces">
                {replaced.map((r, i) => (
                  <code key={i}>{formatInstanceId(r.id)} </code>
                ))}
                <span className="muted small"> (RPLC)</span>
              </dd>
            </>
          ) : null}
        </dl>

        <h2>Patient</h2>
        {p ? (
          <dl className="details details--columns" data-testid="cda-patient">
            <dt>Nom de naissance</dt>
            <dd>
              <strong>{dash(p.birthFamilyName)}</strong>
            </dd>
            <dt>Premier prénom de naissance</dt>
            <dd>
              <strong>{dash(p.firstBirthForename)}</strong>
            </dd>
            <dt>Prénoms de naissance</dt>
            <dd>{dash(p.birthForenames)}</dd>
            <dt>Date de naissance</dt>
            <dd>{formatHl7Time(p.birthTime)}</dd>
            <dt>Sexe</dt>
            <dd>{dash(p.sex.label ?? p.sex.code)}</dd>
            <dt>Lieu de naissance</dt>
            <dd>
              {p.birthPlace
                ? [p.birthPlace.city, p.birthPlace.code ? `(code INSEE ${p.birthPlace.code})` : null]
                    .filter(Boolean)
                    .join(' ')
                : '—'}
            </dd>
            {p.usedFamilyName || p.usedForename ? (
              <>
                <dt>Nom utilisé</dt>
                <dd>{dash(p.usedFamilyName)}</dd>
                <dt>Prénom utilisé</dt>
                <dd>{dash(p.usedForename)}</dd>
              </>
            ) : null}
            <dt>INS</dt>
            <dd data-testid="cda-ins">
              {p.ins ? (
                <>
                  <span className="ins-matricule">{formatMatricule(p.ins.matricule)}</span>{' '}
                  <span className="muted small">
                    OID {p.ins.oid} — {insOidLabel(p.ins.oid)}
                  </span>
                </>
              ) : (
                <span className="muted">Aucune INS dans le document (identité non qualifiée)</span>
              )}
            </dd>
            {p.otherIds.length > 0 ? (
              <>
                <dt>Autres identifiants</dt>
                <dd>
                  {p.otherIds.map((id, i) => (
                    <div key={i}>
                      <code>{formatInstanceId(id)}</code>
                    </div>
                  ))}
                </dd>
              </>
            ) : null}
          </dl>
        ) : (
          <p className="muted">Aucun patient dans l&apos;en-tête.</p>
        )}

        <div className="grid-2">
          <div data-testid="cda-author">
            <h2>Auteur</h2>
            {h.author ? (
              <PersonDetails person={h.author} timeLabel="Date" />
            ) : (
              <p className="muted">Non renseigné.</p>
            )}
          </div>
          <div data-testid="cda-legal-authenticator">
            <h2>Signataire (responsable du document)</h2>
            {h.legalAuthenticator ? (
              <PersonDetails person={h.legalAuthenticator} timeLabel="Signé le" />
            ) : (
              <p className="muted">Non renseigné.</p>
            )}
          </div>
        </div>

        <div className="grid-2">
          <div data-testid="cda-custodian">
            <h2>Établissement responsable de la conservation</h2>
            {h.custodian ? (
              <dl className="details">
                <dt>Nom</dt>
                <dd>{dash(h.custodian.name)}</dd>
                <dt>Identifiant</dt>
                <dd>
                  <code>{formatInstanceId(h.custodian.id)}</code>
                </dd>
              </dl>
            ) : (
              <p className="muted">Non renseigné.</p>
            )}
          </div>
          <div data-testid="cda-recipients">
            <h2>Destinataires</h2>
            {h.recipients.length > 0 ? (
              <ul className="list-plain">
                {h.recipients.map((r, i) => (
                  <li key={i}>
                    {dash(r.name)}
                    <span className="muted small">
                      {' '}
                      · {professionalIdText(r)}
                      {r.organisation ? ` · ${r.organisation}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">Aucun destinataire désigné.</p>
            )}
          </div>
        </div>

        <h2>Demande et examens</h2>
        {h.orders.length > 0 ? (
          <dl className="details" data-testid="cda-orders">
            {h.orders.map((o, i) => (
              <div key={i} style={{ display: 'contents' }}>
                <dt>Demande</dt>
                <dd>
                  <code>{formatInstanceId(o.id)}</code>
                  {o.accessionNumber ? (
                    <span className="muted small">
                      {' '}
                      · numéro d&apos;examen (accession number){' '}
                      <code>{formatInstanceId(o.accessionNumber)}</code>
                    </span>
                  ) : null}
                </dd>
              </div>
            ))}
          </dl>
        ) : null}
        {h.serviceEvents.length > 0 ? (
          <div className="table-wrap">
            <table className="table table--compact" data-testid="cda-exams">
              <thead>
                <tr>
                  <th scope="col">Acte</th>
                  <th scope="col">Codes</th>
                  <th scope="col">Début</th>
                  <th scope="col">Fin</th>
                  <th scope="col">Réalisé par</th>
                </tr>
              </thead>
              <tbody>
                {h.serviceEvents.map((e, i) => (
                  <tr key={i}>
                    <td>
                      {formatCoded(e.code)}
                      {e.id ? (
                        <div className="muted small">
                          Étude <code>{formatInstanceId(e.id)}</code>
                        </div>
                      ) : null}
                    </td>
                    <td>
                      {e.translations.length > 0
                        ? e.translations.map((t, j) => <div key={j}>{formatCoded(t)}</div>)
                        : '—'}
                    </td>
                    <td className="nowrap">{formatHl7Time(e.low)}</td>
                    <td className="nowrap">{formatHl7Time(e.high)}</td>
                    <td>{dash(e.performer)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">Aucun examen décrit.</p>
        )}
        {h.encounter ? (
          <>
            <h2>Prise en charge</h2>
            <dl className="details">
              <dt>Lieu</dt>
              <dd>
                {dash(h.encounter.facility.name)}
                {h.encounter.facility.code?.displayName ? (
                  <span className="muted small"> · {h.encounter.facility.code.displayName}</span>
                ) : null}
              </dd>
              <dt>Période</dt>
              <dd>
                {formatHl7Time(h.encounter.low)} – {formatHl7Time(h.encounter.high)}
              </dd>
            </dl>
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby="cda-pdf-title">
        <div className="card__header">
          <h2 id="cda-pdf-title" className="card__title">
            Document PDF
          </h2>
          {pdfSrc ? (
            <a href={pdfSrc} target="_blank" rel="noopener">
              Ouvrir le PDF dans un nouvel onglet
            </a>
          ) : null}
        </div>
        {pdfSrc ? (
          <iframe className="cda-pdf" src={pdfSrc} title="PDF du compte rendu" data-testid="cda-pdf" />
        ) : (
          <p className="muted">Préparation du PDF…</p>
        )}
      </section>
    </div>
  );
}
