import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { configurationPath } from '../../../../../../../lib/scheduling.ts';
import { practiceContext } from '../../../../../../../server/practice.ts';
import { apiForSession, load } from '../../../../../../../server/session.ts';
import { ReferrerForm } from '../../forms.tsx';

export const metadata: Metadata = { title: 'Prescripteur' };

type Params = Promise<{ slug: string; id: string }>;

/** One referrer: RPPS, ADELI, names, specialty, MSSanté address. */
export default async function ReferrerPage({ params }: { params: Params }) {
  const { slug, id } = await params;
  const { has } = await practiceContext(slug);
  if (!has('practice_admin')) notFound();
  const api = await apiForSession({ tenantSlug: slug });
  const referrer = await load(() => api.scheduling.referrers.get.query({ id }));
  return (
    <>
      <p className="small">
        <Link href={configurationPath(slug)}>← Configuration</Link>
      </p>
      <h1>{[referrer.familyName, referrer.givenName].filter(Boolean).join(' ')}</h1>
      <section className="card card--form" aria-labelledby="referrer-title" data-testid="referrer">
        <h2 id="referrer-title" className="card__title">
          Prescripteur
        </h2>
        <ReferrerForm slug={slug} referrer={referrer} />
      </section>
    </>
  );
}
