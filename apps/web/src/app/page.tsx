import { redirect } from 'next/navigation';
import { SiteHeader } from '../components/site-header.tsx';
import { createApiClient } from '../server/api.ts';
import { load, requireSession } from '../server/session.ts';

/** Sends everyone to their home: platform administration, or their first practice. */
export default async function HomePage() {
  const session = await requireSession();
  const me = await load(() => createApiClient({ sessionToken: session.apiSessionToken }).auth.me.query());
  if (me.user.isPlatformAdmin) redirect('/admin');
  const home = me.memberships.find((m) => m.status === 'active') ?? me.memberships[0];
  if (home) redirect(`/t/${encodeURIComponent(home.slug)}`);
  return (
    <>
      <SiteHeader userName={me.user.displayName} />
      <main className="page">
        <h1>Aucun établissement</h1>
        <p className="muted">
          Votre compte n'est rattaché à aucun établissement. Contactez l'administrateur de votre cabinet.
        </p>
      </main>
    </>
  );
}
