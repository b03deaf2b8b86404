import Link from 'next/link';
import { newDemandePath } from '../../lib/scheduling.ts';
import { apiForSession, load } from '../../server/session.ts';
import { DemandesTable } from './demandes-table.tsx';

/** On the patient's page: the patient's demandes d'examen still to schedule, and a new one. */
export async function PatientDemandes({
  slug,
  patientId,
  desk,
}: {
  slug: string;
  patientId: string;
  desk: boolean;
}) {
  const api = await apiForSession({ tenantSlug: slug });
  const orders = await load(() => api.scheduling.orders.toSchedule.query({ patientId }));
  return (
    <section className="card" aria-labelledby="demandes-title">
      <div className="card__header">
        <h2 id="demandes-title" className="card__title">
          Demandes d'examen à programmer
        </h2>
        {desk ? (
          <Link href={newDemandePath(slug, patientId)} className="button button--small">
            Nouvelle demande d'examen
          </Link>
        ) : null}
      </div>
      {orders.length === 0 ? (
        <p className="muted">Aucune demande en attente de rendez-vous.</p>
      ) : (
        <DemandesTable slug={slug} orders={orders} desk={desk} showPatient={false} />
      )}
    </section>
  );
}
