'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface NavItem {
  href: string;
  label: string;
  /** The item is current for this path only (the dashboard), not for the paths below it. */
  exact?: boolean;
}

/** The practice's navigation; the current section is marked for screen readers and the eye. */
export function PracticeNav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav className="practice-nav" aria-label="Navigation de l'établissement">
      <ul className="practice-nav__inner">
        {items.map((item) => {
          const current = item.exact
            ? pathname === item.href
            : pathname === item.href || pathname.startsWith(`${item.href}/`);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                className="practice-nav__link"
                aria-current={current ? 'page' : undefined}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
