import type { Metadata } from 'next';
import Link from 'next/link';
import { DemandesTable } from '../../../../../components/scheduling/demandes-table.tsx';
import { newDemandePath } from '../../../../../lib/scheduling.ts';
import { practiceContext, SCHEDULING_DESK_ROLES } from '../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../server/session.ts';

export const metadata: Metadata = { title: 'Demandes à programmer' };

type Params = Promise<{ slug: string }>;

/** Demandes d'examen with exams still to schedule: urgent first, then the oldest. */
export default async function DemandesPage({ params }: { params: Params }) {
  const { slug } = await params;
  const { has } = await practiceContext(slug);
  const api = await apiForSession({ tenantSlug: slug });
  const orders = await load(() => api.scheduling.orders.toSchedule.query({}));
  const desk = has(...SCHEDULING_DESK_ROLES);
  return (
    <>
      <div className="page-title">
        <h1>Demandes à programmer</h1>
        {desk ? (
          <Link href={newDemandePath(slug)} className="button">
            Nouvelle demande d'examen
          </Link>
        ) : null}
      </div>
      <p className="muted">
        Demandes d'examen reçues à l'accueil, par l'API ou par HL7 dont au moins un examen attend un
        rendez-vous. Les demandes urgentes sont en tête.
      </p>
      {orders.length === 0 ? (
        <div className="card empty" data-testid="no-demandes">
          Aucune demande à programmer.
        </div>
      ) : (
        <DemandesTable slug={slug} orders={orders} desk={desk} />
      )}
    </>
  );
}
