import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatBytes } from '../../../../../../../lib/hl7-routes.ts';
import { apiForSession, load } from '../../../../../../../server/session.ts';
import { RouteForm } from '../../route-form.tsx';

export const metadata: Metadata = { title: 'Route HL7' };

type Params = Promise<{ slug: string; id: string }>;

/** One route's senders (addresses, certificate fingerprints) and size limit, for the practice admin. */
export default async function Hl7RoutePage({ params }: { params: Params }) {
  const { slug, id } = await params;
  const api = await apiForSession({ tenantSlug: slug });
  const route = (await load(() => api.onboarding.hl7.routes.list.query())).find((r) => r.id === id);
  if (!route) notFound();
  const feed = `/t/${encodeURIComponent(slug)}/flux-hl7`;
  return (
    <>
      <nav className="breadcrumb">
        <Link href={feed}>Flux HL7</Link> › Route
      </nav>
      <h1>{route.port !== null ? `Port dédié ${route.port}` : 'Route sur le port partagé'}</h1>
      <p className="muted">
        {route.port !== null
          ? "Port attribué par l'administrateur de la plateforme : MLLP sans TLS, les messages de ce port sont pour l'établissement. "
          : `Messages adressés à ${route.receivingApplication} / ${route.receivingFacility} (MSH-5 / MSH-6), sur le port partagé ou le port TLS partagé. `}
        Taille maximale actuelle : {formatBytes(route.maxMessageBytes)}.
      </p>
      <section className="card" aria-labelledby="senders-title">
        <h2 id="senders-title" className="card__title">
          Émetteurs et limites
        </h2>
        <RouteForm slug={slug} route={route} />
      </section>
    </>
  );
}
