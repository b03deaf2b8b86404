import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { searchKey } from '@rayon/domain';
import type { ReactNode } from 'react';
import {
  AttributeBadges,
  IdentityStatusBadge,
} from '../../../../../../../components/patients/identity-badges.tsx';
import {
  ATTRIBUTE_LABELS,
  formatBirthDate,
  formatDateTime,
  formatMatricule,
  sexLabel,
} from '../../../../../../../lib/labels.ts';
import { patientName, patientPath, type Patient } from '../../../../../../../lib/patients.ts';
import { IDENTITY_DESK_ROLES, practiceContext } from '../../../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../../../server/session.ts';
import { criteriaFrom, criteriaQuery, hasCriteria, searchPatients } from '../../search.ts';
import { PatientSearchForm } from '../../search-form.tsx';
import { MergeForm } from './merge-form.tsx';

export const metadata: Metadata = { title: 'Fusionner un doublon' };

type Params = Promise<{ slug: string; id: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function MergePage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug, id } = await params;
  const query = await searchParams;
  const { has } = await practiceContext(slug);
  if (!has(...IDENTITY_DESK_ROLES) || !UUID_RE.test(id)) notFound();
  const api = await apiForSession({ tenantSlug: slug });
  const patient = await load(() => api.identity.get.query({ id }));
  const path = `${patientPath(slug, id)}/fusion`;
  const otherId = typeof query.avec === 'string' && UUID_RE.test(query.avec) ? query.avec : null;

  const header = (
    <>
      <nav className="breadcrumb">
        <Link href={`/t/${encodeURIComponent(slug)}/patients`}>Patients</Link> ›{' '}
        <Link href={patientPath(slug, id)}>{patientName(patient)}</Link> › Fusionner un doublon
      </nav>
      <h1>Fusionner un doublon</h1>
    </>
  );

  if (patient.mergedInto) {
    return (
      <>
        {header}
        <div className="alert alert--warning">Ce dossier a déjà été fusionné dans un autre dossier.</div>
      </>
    );
  }

  if (otherId && otherId !== id) {
    const other = await load(() => api.identity.get.query({ id: otherId }));
    const criteria = criteriaFrom(query);
    const back = `${path}${hasCriteria(criteria) ? `?${criteriaQuery(criteria)}` : ''}`;
    return (
      <>
        {header}
        <p className="muted">
          Comparez les deux dossiers trait par trait. Les lignes en couleur diffèrent : une fusion ne se fait
          que si ces différences sont des erreurs de saisie d'une même personne.
        </p>
        <Comparison left={patient} right={other} />
        {other.mergedInto ? (
          <div className="alert alert--warning">Ce dossier a déjà été fusionné : choisissez-en un autre.</div>
        ) : (
          <section className="card" aria-labelledby="confirm-title">
            <h2 id="confirm-title" className="card__title">
              Confirmation
            </h2>
            <MergeForm
              slug={slug}
              current={{ id: patient.id, label: `${patientName(patient)} (dossier actuel)` }}
              other={{ id: other.id, label: `${patientName(other)} (dossier trouvé)` }}
            />
          </section>
        )}
        <p>
          <Link href={back}>← Choisir un autre dossier</Link>
        </p>
      </>
    );
  }

  // Step 1: find the duplicate. Without criteria, patients with the same birth name are proposed.
  const given = criteriaFrom(query);
  const criteria = hasCriteria(given) ? given : { ...given, nom: patient.traits.birthFamilyName };
  const result = await searchPatients(api, criteria);
  const candidates = (result.patients ?? []).filter((p) => p.id !== id);
  return (
    <>
      {header}
      <section className="card">
        <h2 className="card__title">Dossier actuel</h2>
        <PatientSummary patient={patient} />
      </section>
      <section className="card">
        <h2 className="card__title">Rechercher le doublon</h2>
        <PatientSearchForm action={path} criteria={criteria} errors={result.errors} />
      </section>
      {result.formError ? (
        <div className="alert alert--error" role="alert">
          {result.formError}
        </div>
      ) : null}
      {result.patients === null ? null : candidates.length === 0 ? (
        <div className="card empty">Aucun autre patient ne correspond à cette recherche.</div>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="merge-candidates">
            <thead>
              <tr>
                <th scope="col">Patient</th>
                <th scope="col">Date de naissance</th>
                <th scope="col">Sexe</th>
                <th scope="col">Statut</th>
                <th scope="col">IPP</th>
                <th scope="col">
                  <span className="muted">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {candidates.map((p) => (
                <tr key={p.id}>
                  <td>
                    {patientName(p)}
                    {p.traits.birthForenames && p.traits.birthForenames !== p.traits.firstBirthForename ? (
                      <span className="muted"> ({p.traits.birthForenames})</span>
                    ) : null}
                  </td>
                  <td className="nowrap">{formatBirthDate(p.traits.birthDate)}</td>
                  <td>{sexLabel(p.traits.sex)}</td>
                  <td>
                    <IdentityStatusBadge status={p.status} />
                  </td>
                  <td>{p.identifiers.map((i) => i.value).join(', ') || '—'}</td>
                  <td>
                    <Link
                      className="button button--secondary button--small"
                      href={`${path}?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(criteriaQuery(criteria))), avec: p.id }).toString()}`}
                    >
                      Comparer
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function PatientSummary({ patient }: { patient: Patient }) {
  return (
    <p>
      <strong>{patientName(patient)}</strong> · {formatBirthDate(patient.traits.birthDate)} ·{' '}
      {sexLabel(patient.traits.sex)} · <IdentityStatusBadge status={patient.status} />
    </p>
  );
}

function Comparison({ left, right }: { left: Patient; right: Patient }) {
  const rows: { label: string; value: (p: Patient) => ReactNode; key: (p: Patient) => string }[] = [
    { label: 'Statut', value: (p) => <IdentityStatusBadge status={p.status} />, key: (p) => p.status },
    {
      label: 'Nom de naissance',
      value: (p) => p.traits.birthFamilyName,
      key: (p) => searchKey(p.traits.birthFamilyName),
    },
    {
      label: 'Premier prénom de naissance',
      value: (p) => p.traits.firstBirthForename,
      key: (p) => searchKey(p.traits.firstBirthForename),
    },
    {
      label: 'Liste des prénoms de naissance',
      value: (p) => p.traits.birthForenames || '—',
      key: (p) => searchKey(p.traits.birthForenames),
    },
    {
      label: 'Date de naissance',
      value: (p) => formatBirthDate(p.traits.birthDate),
      key: (p) => p.traits.birthDate,
    },
    { label: 'Sexe', value: (p) => sexLabel(p.traits.sex), key: (p) => p.traits.sex },
    {
      label: 'Lieu de naissance (code INSEE)',
      value: (p) => p.traits.birthPlaceCode ?? '—',
      key: (p) => p.traits.birthPlaceCode ?? '',
    },
    {
      label: 'Nom utilisé',
      value: (p) => p.complementary.usedFamilyName ?? '—',
      key: (p) => searchKey(p.complementary.usedFamilyName ?? ''),
    },
    {
      label: 'Prénom utilisé',
      value: (p) => p.complementary.usedForename ?? '—',
      key: (p) => searchKey(p.complementary.usedForename ?? ''),
    },
    {
      label: 'INS',
      value: (p) => (p.ins ? <code>{formatMatricule(p.ins.matricule)}</code> : '—'),
      key: (p) => p.ins?.matricule ?? '',
    },
    {
      label: 'Attributs',
      value: (p) => <AttributeBadges attributes={p.attributes} />,
      key: (p) =>
        (Object.keys(ATTRIBUTE_LABELS) as (keyof typeof ATTRIBUTE_LABELS)[])
          .filter((k) => p.attributes[k])
          .join(),
    },
    {
      label: 'IPP',
      value: (p) => p.identifiers.map((i) => `${i.value} (${i.authority})`).join(', ') || '—',
      key: () => '',
    },
    { label: 'Créé le', value: (p) => formatDateTime(p.createdAt), key: () => '' },
  ];
  return (
    <div className="table-wrap">
      <table className="table comparison" data-testid="merge-comparison">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Trait</span>
            </th>
            <th scope="col">Dossier actuel</th>
            <th scope="col">Dossier trouvé</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const differs = r.key(left) !== r.key(right);
            return (
              <tr key={r.label} className={differs ? 'comparison__differs' : undefined}>
                <th scope="row">{r.label}</th>
                <td>{r.value(left)}</td>
                <td>{r.value(right)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
