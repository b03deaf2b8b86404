import Link from 'next/link';
import type { ReactNode } from 'react';
import { signOutAction } from '../server/actions/sign-out.ts';

export function SiteHeader({ userName, context }: { userName: string; context?: ReactNode }) {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link href="/" className="brand">
          Rayon
        </Link>
        <div className="site-header__context" data-testid="current-tenant">
          {context}
        </div>
        <div className="site-header__user">
          <span data-testid="current-user">{userName}</span>
          <Link href="/compte" className="site-header__account" prefetch={false}>
            Mon compte
          </Link>
          <form action={signOutAction}>
            <button type="submit" className="button button--secondary">
              Se déconnecter
            </button>
          </form>
        </div>
      </div>
    </header>
  );
}
