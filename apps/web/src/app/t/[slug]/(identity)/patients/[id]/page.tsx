import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '../../../../../../components/auto-refresh.tsx';
import { DmpWebPsSection } from '../../../../../../components/patients/dmp-web-ps.tsx';
import {
  AttributeBadges,
  IdentityStatusBadge,
} from '../../../../../../components/patients/identity-badges.tsx';
import { PatientDemandes } from '../../../../../../components/scheduling/patient-demandes.tsx';
import { getEnv } from '../../../../../../env.ts';
import {
  ATTRIBUTE_HINTS,
  ATTRIBUTE_LABELS,
  documentTypeLabel,
  formatBirthDate,
  formatDateTime,
  formatMatricule,
  IDENTITY_STATUS_HINTS,
  insOidLabel,
  isIdentityStatus,
  sexLabel,
} from '../../../../../../lib/labels.ts';
import { patientName, patientPath, type Patient } from '../../../../../../lib/patients.ts';
import {
  IDENTITY_DESK_ROLES,
  practiceContext,
  SCHEDULING_DESK_ROLES,
  SCHEDULING_READER_ROLES,
} from '../../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../../server/session.ts';
import { AttributeToggle } from './attribute-toggle.tsx';
import { DocumentCopyForm, KeepCopiesToggle } from './document-copies.tsx';
import { DocumentCheckForm } from './document-form.tsx';
import { IdentityHistory } from './history.tsx';
import { InsiButton } from './insi-button.tsx';
import { ComplementaryTraitsForm, StrictTraitsForm } from './traits-form.tsx';

export const metadata: Metadata = { title: 'Identité du patient' };

type Params = Promise<{ slug: string; id: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** How long after a creation the page waits for the unattended INSi call. */
const INSI_AUTO_WINDOW_MS = 30_000;

const COPY_FORMAT_LABELS: Record<string, string> = {
  'image/jpeg': 'Image JPEG',
  'image/png': 'Image PNG',
  'application/pdf': 'PDF',
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function PatientPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug, id } = await params;
  const query = await searchParams;
  const { me, has } = await practiceContext(slug);
  const api = await apiForSession({ tenantSlug: slug });
  if (!UUID_RE.test(id)) notFound();
  const desk = has(...IDENTITY_DESK_ROLES);
  const [patient, history, copySettings, copies] = await Promise.all([
    load(() => api.identity.get.query({ id })),
    load(() => api.identity.history.query({ id })),
    load(() => api.identity.documentCopies.settings.query()),
    // The copies themselves are for the identity desk only (the API's IDENTITY_DESK).
    desk ? load(() => api.identity.documentCopies.list.query({ patientId: id })) : Promise.resolve([]),
  ]);
  const survivor = patient.mergedInto
    ? await api.identity.get.query({ id: patient.mergedInto }).catch(() => null)
    : null;
  const canEdit = desk && !patient.mergedInto;
  // Who added a copy: the names the history knows, and the person signed in.
  const authorNames = new Map<string, string>([[me.user.id, me.user.displayName]]);
  for (const e of history) if (e.actorId && e.actorName) authorNames.set(e.actorId, e.actorName);
  const base = `/t/${encodeURIComponent(slug)}/patients`;
  const target = { slug, id: patient.id, version: patient.version };
  const downgradable = patient.status !== 'provisoire';
  // Right after a creation the worker calls INSi on its own (INSI-AUTO): the page follows it.
  const insiAutoPending =
    !patient.mergedInto &&
    patient.ins === null &&
    !patient.attributes.douteuse &&
    !patient.attributes.fictive &&
    Date.now() - Date.parse(patient.createdAt) < INSI_AUTO_WINDOW_MS &&
    !history.some((e) => e.source === 'insi');

  return (
    <>
      <nav className="breadcrumb">
        <Link href={base}>Patients</Link> › {patientName(patient)}
      </nav>

      {patient.mergedInto ? (
        <div className="alert alert--warning merged-banner" role="status" data-testid="merged-banner">
          <strong>Ce dossier a été fusionné dans </strong>
          <Link href={patientPath(slug, patient.mergedInto)}>
            {survivor ? `le dossier de ${patientName(survivor)}` : 'un autre dossier'}
          </Link>
          . Il est conservé pour l'historique et ne peut plus être modifié.
        </div>
      ) : null}
      {query.cree && patient.version === 1 ? (
        <div className="alert alert--success" role="status">
          Patient créé. Vérifiez une pièce d'identité ou appelez INSi pour renforcer le statut de l'identité.
        </div>
      ) : null}
      {query.fusion ? (
        <div className="alert alert--success" role="status" data-testid="merge-done">
          Fusion effectuée : le doublon a été rattaché à ce dossier.
        </div>
      ) : null}

      <section className={`card identity-header identity-header--${patient.status}`} aria-label="Identité">
        <div className="identity-header__main">
          <h1 data-testid="patient-name">{patientName(patient)}</h1>
          <p className="identity-header__sub">
            {patient.traits.sex === 'F' ? 'Née' : patient.traits.sex === 'M' ? 'Né' : 'Né(e)'} le{' '}
            {formatBirthDate(patient.traits.birthDate)} · {sexLabel(patient.traits.sex)}
            {patient.complementary.usedFamilyName || patient.complementary.usedForename ? (
              <>
                {' '}
                · Nom et prénom utilisés :{' '}
                {[patient.complementary.usedFamilyName, patient.complementary.usedForename]
                  .filter(Boolean)
                  .join(' ')}
              </>
            ) : null}
          </p>
          <AttributeBadges attributes={patient.attributes} empty={null} />
        </div>
        <div className="identity-header__status">
          <IdentityStatusBadge status={patient.status} large />
          <p className="identity-header__hint">
            {isIdentityStatus(patient.status) ? IDENTITY_STATUS_HINTS[patient.status] : null}
          </p>
          {canEdit ? (
            <Link href={`${patientPath(slug, patient.id)}/fusion`} className="button button--secondary">
              Fusionner un doublon
            </Link>
          ) : null}
        </div>
      </section>

      {!patient.mergedInto && has(...SCHEDULING_READER_ROLES) ? (
        <PatientDemandes slug={slug} patientId={patient.id} desk={has(...SCHEDULING_DESK_ROLES)} />
      ) : null}

      <div className="grid-2">
        <section className="card" aria-labelledby="ins-title">
          <h2 id="ins-title" className="card__title">
            INS
          </h2>
          <Ins patient={patient} />
          {insiAutoPending ? (
            <p className="muted small" data-testid="insi-auto-pending">
              <AutoRefresh intervalMs={2000} />
              Appel INSi automatique possible après la création : cette page se met à jour d'elle-même.
            </p>
          ) : null}
          {canEdit ? <InsiButton slug={slug} id={patient.id} /> : null}
        </section>

        <section className="card" aria-labelledby="document-title">
          <h2 id="document-title" className="card__title">
            Pièce d'identité
          </h2>
          {patient.identityDocument ? (
            <p data-testid="identity-document">
              <strong>{documentTypeLabel(patient.identityDocument.type)}</strong> vérifié(e) le{' '}
              {formatDateTime(patient.identityDocument.checkedAt)}.
            </p>
          ) : (
            <p className="muted">Aucune pièce d'identité à haut niveau de confiance vérifiée.</p>
          )}
          {canEdit ? (
            <DocumentCheckForm {...target} status={patient.status} open={!patient.identityDocument} />
          ) : null}
        </section>
      </div>

      {!patient.mergedInto ? (
        <DmpWebPsSection
          webPsUrl={getEnv().RAYON_DMP_WEBPS_URL}
          status={patient.status}
          ins={patient.insForExchange}
        />
      ) : null}

      <section className="card" aria-labelledby="copies-title">
        <h2 id="copies-title" className="card__title">
          Copie de la pièce d'identité
        </h2>
        {has('practice_admin') ? (
          <KeepCopiesToggle slug={slug} id={patient.id} checked={copySettings.keepCopies} />
        ) : null}
        {!copySettings.keepCopies ? (
          <p className="muted" data-testid="copies-disabled">
            L'établissement ne conserve pas de copie des pièces d'identité.
          </p>
        ) : null}
        {desk && (copySettings.keepCopies || copies.length > 0) ? (
          copies.length === 0 ? (
            <p className="muted">Aucune copie enregistrée.</p>
          ) : (
            <table className="table table--compact" data-testid="document-copies">
              <thead>
                <tr>
                  <th scope="col">Pièce</th>
                  <th scope="col">Format</th>
                  <th scope="col">Ajoutée le</th>
                  <th scope="col">Par</th>
                  <th scope="col">
                    <span className="visually-hidden">Consulter</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {copies.map((c) => (
                  <tr key={c.id}>
                    <td>{documentTypeLabel(c.type)}</td>
                    <td>{COPY_FORMAT_LABELS[c.contentType] ?? c.contentType}</td>
                    <td className="nowrap">{formatDateTime(c.createdAt)}</td>
                    <td>{(c.createdBy && authorNames.get(c.createdBy)) ?? 'Utilisateur'}</td>
                    <td>
                      <a
                        href={`${patientPath(slug, patient.id)}/pieces/${c.id}`}
                        target="_blank"
                        rel="noopener noreferrer"
                      >
                        Consulter
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        ) : null}
        {canEdit && copySettings.keepCopies ? (
          <>
            <h3>Ajouter une copie</h3>
            <DocumentCopyForm slug={slug} id={patient.id} />
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby="attributes-title">
        <h2 id="attributes-title" className="card__title">
          Attributs de l'identité
        </h2>
        <div className="toggles">
          {(['douteuse', 'fictive', 'homonyme'] as const).map((a) => (
            <AttributeToggle
              key={a}
              {...target}
              attribute={a}
              label={ATTRIBUTE_LABELS[a]}
              hint={ATTRIBUTE_HINTS[a]}
              checked={patient.attributes[a]}
              downgrades={a !== 'homonyme' && downgradable}
              disabled={!canEdit}
            />
          ))}
        </div>
      </section>

      <section className="card" aria-labelledby="traits-title">
        <h2 id="traits-title" className="card__title">
          Traits stricts
        </h2>
        <dl className="details details--columns" data-testid="strict-traits">
          <dt>Nom de naissance</dt>
          <dd>{patient.traits.birthFamilyName}</dd>
          <dt>Premier prénom de naissance</dt>
          <dd>{patient.traits.firstBirthForename}</dd>
          <dt>Liste des prénoms de naissance</dt>
          <dd>{patient.traits.birthForenames || '—'}</dd>
          <dt>Date de naissance</dt>
          <dd>{formatBirthDate(patient.traits.birthDate)}</dd>
          <dt>Sexe</dt>
          <dd>{sexLabel(patient.traits.sex)}</dd>
          <dt>Lieu de naissance (code INSEE)</dt>
          <dd>{patient.traits.birthPlaceCode ?? '—'}</dd>
        </dl>
        {canEdit ? (
          <details className="disclosure">
            <summary>Modifier les traits stricts</summary>
            <StrictTraitsForm
              {...target}
              status={patient.status}
              hasIns={patient.ins !== null}
              current={{
                'traits.birthFamilyName': patient.traits.birthFamilyName,
                'traits.firstBirthForename': patient.traits.firstBirthForename,
                'traits.birthForenames': patient.traits.birthForenames,
                'traits.birthDate': patient.traits.birthDate,
                'traits.sex': patient.traits.sex,
                'traits.birthPlaceCode': patient.traits.birthPlaceCode ?? '',
              }}
            />
          </details>
        ) : null}
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby="complementary-title">
          <h2 id="complementary-title" className="card__title">
            Traits complémentaires
          </h2>
          <dl className="details" data-testid="complementary-traits">
            <dt>Nom utilisé</dt>
            <dd>{patient.complementary.usedFamilyName ?? '—'}</dd>
            <dt>Prénom utilisé</dt>
            <dd>{patient.complementary.usedForename ?? '—'}</dd>
          </dl>
          {canEdit ? (
            <details className="disclosure">
              <summary>Modifier les traits complémentaires</summary>
              <ComplementaryTraitsForm
                {...target}
                current={{
                  'complementary.usedFamilyName': patient.complementary.usedFamilyName ?? '',
                  'complementary.usedForename': patient.complementary.usedForename ?? '',
                }}
              />
            </details>
          ) : null}
        </section>

        <section className="card" aria-labelledby="ipp-title">
          <h2 id="ipp-title" className="card__title">
            Identifiants locaux (IPP)
          </h2>
          {patient.identifiers.length === 0 ? (
            <p className="muted">Aucun IPP.</p>
          ) : (
            <table className="table table--compact" data-testid="identifiers">
              <thead>
                <tr>
                  <th scope="col">IPP</th>
                  <th scope="col">Autorité d'affectation</th>
                </tr>
              </thead>
              <tbody>
                {patient.identifiers.map((i) => (
                  <tr key={`${i.authority}|${i.value}`}>
                    <td>
                      <code>{i.value}</code>
                    </td>
                    <td>{i.authority}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title" className="card__title">
          Historique
        </h2>
        <IdentityHistory slug={slug} events={history} me={me.user} />
      </section>
    </>
  );
}

function Ins({ patient }: { patient: Patient }) {
  if (!patient.ins) {
    return (
      <p className="muted" data-testid="ins">
        Pas d'INS : elle s'obtient en appelant INSi avec les traits stricts.
      </p>
    );
  }
  return (
    <>
      <dl className="details" data-testid="ins">
        <dt>Matricule INS</dt>
        <dd>
          <code className="ins-matricule">{formatMatricule(patient.ins.matricule)}</code>
        </dd>
        <dt>OID</dt>
        <dd>
          <code>{patient.ins.oid}</code> · {insOidLabel(patient.ins.oid)}
        </dd>
        <dt>Récupérée le</dt>
        <dd>{formatDateTime(patient.insRetrievedAt)}</dd>
      </dl>
      {patient.insForExchange ? (
        <p className="ins-note ins-note--sent" data-testid="ins-exchange">
          ✓ INS transmis dans les documents et les messages.
        </p>
      ) : (
        <p className="ins-note" data-testid="ins-exchange">
          L'INS n'est pas encore utilisable dans les échanges : seule une identité qualifiée, ni douteuse ni
          fictive, la porte dans les documents et les messages.
        </p>
      )}
    </>
  );
}
