import Link from 'next/link';
import type { ReactNode } from 'react';
import { PracticeNav, type NavItem } from '../../../components/practice-nav.tsx';
import { SiteHeader } from '../../../components/site-header.tsx';
import { REPORT_READER_ROLES } from '../../../lib/reports.ts';
import { apiForSession, load } from '../../../server/session.ts';
import {
  HL7_FEED_ROLES,
  PATIENT_READER_ROLES,
  practiceContext,
  SCHEDULING_DESK_ROLES,
  SCHEDULING_READER_ROLES,
} from '../../../server/practice.ts';

type Params = Promise<{ slug: string }>;

export default async function PracticeLayout({ children, params }: { children: ReactNode; params: Params }) {
  const { slug } = await params;
  const { me, membership: current, has } = await practiceContext(slug);
  const others = me.memberships.filter((m) => m.slug !== slug && m.status === 'active');
  const api = await apiForSession({ tenantSlug: slug });
  const { sitesWithoutOrganisationId: blocked } = await load(() => api.onboarding.practice.home.query());
  const base = `/t/${encodeURIComponent(slug)}`;
  const nav: NavItem[] = [
    { href: base, label: 'Tableau de bord', exact: true },
    ...(has(...SCHEDULING_READER_ROLES) ? [{ href: `${base}/accueil`, label: 'Accueil' }] : []),
    ...(has(...PATIENT_READER_ROLES) ? [{ href: `${base}/patients`, label: 'Patients' }] : []),
    ...(has(...SCHEDULING_DESK_ROLES) ? [{ href: `${base}/demandes`, label: 'Demandes' }] : []),
    ...(has(...SCHEDULING_READER_ROLES)
      ? [
          { href: `${base}/planning`, label: 'Planning' },
          { href: `${base}/liste-de-travail`, label: 'Liste de travail' },
        ]
      : []),
    ...(has(...REPORT_READER_ROLES) ? [{ href: `${base}/comptes-rendus`, label: 'Comptes rendus' }] : []),
    ...(has(...HL7_FEED_ROLES) ? [{ href: `${base}/flux-hl7`, label: 'Flux HL7' }] : []),
    ...(has('practice_admin') ? [{ href: `${base}/equipe`, label: 'Équipe' }] : []),
    ...(has('practice_admin') ? [{ href: `${base}/configuration`, label: 'Configuration' }] : []),
    ...(has('practice_admin') ? [{ href: `${base}/certificats`, label: 'Certificats' }] : []),
  ];
  return (
    <>
      <SiteHeader
        userName={me.user.displayName}
        context={
          <>
            <strong>{current?.name ?? slug}</strong>
            {others.length > 0 ? (
              <span className="muted">
                {' '}
                · Autres établissements :{' '}
                {others.map((m, i) => (
                  <span key={m.slug}>
                    {i > 0 ? ', ' : null}
                    <Link href={`/t/${encodeURIComponent(m.slug)}`}>{m.name}</Link>
                  </span>
                ))}
              </span>
            ) : null}
            {me.user.isPlatformAdmin ? (
              <span className="muted">
                {' '}
                · <Link href="/admin">Administration</Link>
              </span>
            ) : null}
          </>
        }
      />
      <PracticeNav items={nav} />
      <main className="page">
        {blocked.length > 0 ? (
          <div className="alert alert--warning" role="alert" data-testid="missing-organisation-id">
            <strong>
              Renseignez le FINESS ou le SIRET de l&apos;établissement : sans eux, les comptes rendus ne
              peuvent pas être produits.
            </strong>{' '}
            {has('practice_admin')
              ? "Le FINESS juridique ou le SIRET se renseigne auprès de l'administrateur de la plateforme ; un site peut aussi porter son FINESS géographique."
              : "Prévenez l'administrateur de l'établissement."}{' '}
            <span className="muted">
              {blocked.length === 1 ? 'Site concerné' : 'Sites concernés'} : {blocked.join(', ')}.
            </span>
          </div>
        ) : null}
        {children}
      </main>
    </>
  );
}
