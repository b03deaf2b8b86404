import type { ReactNode } from 'react';
import { SiteHeader } from '../../components/site-header.tsx';
import { requirePlatformAdmin } from '../../server/session.ts';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const session = await requirePlatformAdmin();
  return (
    <>
      <SiteHeader userName={session.portalUser.displayName} context="Administration de la plateforme" />
      <main className="page">{children}</main>
    </>
  );
}
