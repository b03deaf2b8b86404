import type { Metadata } from 'next';
import Link from 'next/link';
import { AttributeBadges, IdentityStatusBadge } from '../../../../../components/patients/identity-badges.tsx';
import { formatBirthDate, sexLabel } from '../../../../../lib/labels.ts';
import { patientPath, type Patient } from '../../../../../lib/patients.ts';
import { IDENTITY_DESK_ROLES, practiceContext } from '../../../../../server/practice.ts';
import { apiForSession } from '../../../../../server/session.ts';
import { criteriaFrom, hasCriteria, searchPatients } from './search.ts';
import { PatientSearchForm } from './search-form.tsx';

export const metadata: Metadata = { title: 'Patients' };

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function PatientsPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug } = await params;
  const criteria = criteriaFrom(await searchParams);
  const { has } = await practiceContext(slug);
  const base = `/t/${encodeURIComponent(slug)}/patients`;
  const api = await apiForSession({ tenantSlug: slug });
  const result = hasCriteria(criteria) ? await searchPatients(api, criteria) : null;

  return (
    <>
      <div className="page-title">
        <h1>Patients</h1>
        {has(...IDENTITY_DESK_ROLES) ? (
          <Link href={`${base}/nouveau`} className="button">
            Nouveau patient
          </Link>
        ) : null}
      </div>

      <section className="card">
        <PatientSearchForm
          action={base}
          criteria={criteria}
          errors={result?.errors ?? {}}
          resetHref={hasCriteria(criteria) ? base : undefined}
        />
      </section>

      {result?.formError ? (
        <div className="alert alert--error" role="alert">
          {result.formError}
        </div>
      ) : null}

      {result === null ? (
        <div className="card empty">
          Recherchez un patient par son nom, sa date de naissance, son INS ou son IPP.
        </div>
      ) : result.patients === null ? null : result.patients.length === 0 ? (
        <div className="card empty" data-testid="no-results">
          Aucun patient ne correspond à cette recherche.
        </div>
      ) : (
        <PatientTable slug={slug} patients={result.patients} />
      )}
    </>
  );
}

function PatientTable({ slug, patients }: { slug: string; patients: Patient[] }) {
  return (
    <>
      <p className="muted" aria-live="polite">
        {patients.length === 1 ? '1 patient trouvé' : `${patients.length} patients trouvés`}
      </p>
      <div className="table-wrap">
        <table className="table" data-testid="patient-results">
          <thead>
            <tr>
              <th scope="col">Nom de naissance</th>
              <th scope="col">Nom utilisé</th>
              <th scope="col">Prénoms</th>
              <th scope="col">Date de naissance</th>
              <th scope="col">Sexe</th>
              <th scope="col">Statut</th>
              <th scope="col">Attributs</th>
              <th scope="col">IPP</th>
            </tr>
          </thead>
          <tbody>
            {patients.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link href={patientPath(slug, p.id)} className="strong-link">
                    {p.traits.birthFamilyName.toLocaleUpperCase('fr-FR')}
                  </Link>
                </td>
                <td>{p.complementary.usedFamilyName ?? '—'}</td>
                <td>
                  {p.traits.birthForenames || p.traits.firstBirthForename}
                  {p.complementary.usedForename ? (
                    <span className="muted"> (utilisé : {p.complementary.usedForename})</span>
                  ) : null}
                </td>
                <td className="nowrap">{formatBirthDate(p.traits.birthDate)}</td>
                <td>{sexLabel(p.traits.sex)}</td>
                <td>
                  <IdentityStatusBadge status={p.status} />
                </td>
                <td>
                  <AttributeBadges attributes={p.attributes} />
                </td>
                <td>
                  {p.identifiers.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    p.identifiers.map((i) => (
                      <div key={`${i.authority}|${i.value}`} title={i.authority}>
                        <code>{i.value}</code>
                      </div>
                    ))
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
