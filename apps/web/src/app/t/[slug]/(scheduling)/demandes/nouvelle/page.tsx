import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatBirthDate } from '../../../../../../lib/labels.ts';
import { patientName, patientPath } from '../../../../../../lib/patients.ts';
import { demandesPath, newDemandePath, oneParam } from '../../../../../../lib/scheduling.ts';
import { practiceContext, SCHEDULING_DESK_ROLES } from '../../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../../server/session.ts';
import { CreateOrderForm } from './create-order-form.tsx';

export const metadata: Metadata = { title: "Nouvelle demande d'examen" };

type Params = Promise<{ slug: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A demande d'examen for one patient: first the patient (search), then the exams. */
export default async function NewDemandePage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: SearchParams;
}) {
  const { slug } = await params;
  const query = await searchParams;
  const { has } = await practiceContext(slug);
  if (!has(...SCHEDULING_DESK_ROLES)) notFound();
  const api = await apiForSession({ tenantSlug: slug });
  const patientId = oneParam(query.patient);

  if (!UUID_RE.test(patientId)) {
    const name = oneParam(query.nom);
    const found = name ? await load(() => api.identity.search.query({ name })) : null;
    return (
      <>
        <nav className="breadcrumb">
          <Link href={demandesPath(slug)}>Demandes à programmer</Link> › Nouvelle demande
        </nav>
        <h1>Nouvelle demande d'examen</h1>
        <section className="card">
          <h2 className="card__title">Patient</h2>
          <form method="get" action={newDemandePath(slug)} className="search-form__fields">
            <div className="field">
              <label htmlFor="f-nom">Nom (et prénom)</label>
              <input id="f-nom" name="nom" defaultValue={name} required />
            </div>
            <div className="actions">
              <button type="submit" className="button">
                Rechercher
              </button>
              <Link href={`/t/${encodeURIComponent(slug)}/patients/nouveau`}>Nouveau patient</Link>
            </div>
          </form>
        </section>
        {found === null ? null : found.length === 0 ? (
          <div className="card empty">Aucun patient ne correspond à cette recherche.</div>
        ) : (
          <ul className="card list-plain" data-testid="patient-choices">
            {found
              .filter((p) => !p.mergedInto)
              .map((p) => (
                <li key={p.id}>
                  <Link href={newDemandePath(slug, p.id)} className="strong-link">
                    {patientName(p)}
                  </Link>{' '}
                  <span className="muted">né(e) le {formatBirthDate(p.traits.birthDate)}</span>
                </li>
              ))}
          </ul>
        )}
      </>
    );
  }

  const [patient, examTypes, referrers] = await Promise.all([
    load(() => api.identity.get.query({ id: patientId })),
    load(() => api.scheduling.examTypes.list.query()),
    load(() => api.scheduling.referrers.list.query()),
  ]);
  return (
    <>
      <nav className="breadcrumb">
        <Link href={demandesPath(slug)}>Demandes à programmer</Link> › Nouvelle demande
      </nav>
      <h1>Nouvelle demande d'examen</h1>
      <section className="card">
        <p style={{ margin: 0 }}>
          Patient :{' '}
          <Link href={patientPath(slug, patient.id)} className="strong-link" data-testid="order-patient">
            {patientName(patient)}
          </Link>{' '}
          <span className="muted">né(e) le {formatBirthDate(patient.traits.birthDate)}</span>
        </p>
      </section>
      {patient.mergedInto ? (
        <div className="alert alert--warning" role="status">
          Ce dossier a été fusionné dans un autre dossier : faites la demande sur le dossier conservé.
        </div>
      ) : examTypes.length === 0 ? (
        <div className="card empty">
          Le catalogue des examens est vide : un administrateur doit d'abord le renseigner (Configuration).
        </div>
      ) : (
        <section className="card card--form">
          <CreateOrderForm
            slug={slug}
            patientId={patient.id}
            examTypes={examTypes.map((t) => ({
              id: t.id,
              label: t.label,
              modalityType: t.modalityType,
              durationMinutes: t.durationMinutes,
              ccamCode: t.ccamCode,
            }))}
            referrers={referrers.map((r) => ({
              id: r.id,
              label:
                [r.familyName, r.givenName].filter(Boolean).join(' ') +
                (r.specialty ? ` — ${r.specialty}` : ''),
            }))}
            cancelHref={patientPath(slug, patient.id)}
          />
        </section>
      )}
    </>
  );
}
