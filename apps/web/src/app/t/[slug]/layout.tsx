import Link from 'next/link';
import type { ReactNode } from 'react';
import { SiteHeader } from '../../../components/site-header.tsx';
import { apiForSession, load } from '../../../server/session.ts';

type Params = Promise<{ slug: string }>;

export default async function PracticeLayout({ children, params }: { children: ReactNode; params: Params }) {
  const { slug } = await params;
  const api = await apiForSession();
  const me = await load(() => api.auth.me.query());
  const current = me.memberships.find((m) => m.slug === slug);
  const others = me.memberships.filter((m) => m.slug !== slug && m.status === 'active');
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
      <main className="page">{children}</main>
    </>
  );
}
