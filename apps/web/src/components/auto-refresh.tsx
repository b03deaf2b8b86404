'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { lastActivityAt, markUnattended, UNATTENDED_AFTER_MS } from './activity.tsx';

/**
 * Re-renders the current page's server components every `intervalMs` while mounted. When nobody
 * has used the portal for a minute, the refreshes are marked unattended (see activity.tsx): a
 * screen left open shows fresh data but does not keep the session alive.
 */
export function AutoRefresh({ intervalMs = 1000 }: { intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    const markSeconds = Math.ceil(intervalMs / 1000) + 5;
    const timer = setInterval(() => {
      if (Date.now() - lastActivityAt() > UNATTENDED_AFTER_MS) markUnattended(true, markSeconds);
      router.refresh();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [router, intervalMs]);
  return null;
}
