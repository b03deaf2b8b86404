import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { ActivityTracker } from '../components/activity.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Rayon', template: '%s · Rayon' },
  description: "Système d'information de radiologie",
  robots: { index: false, follow: false },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, so its scripts carry that request's CSP nonce (src/proxy.ts).
  await connection();
  return (
    <html lang="fr">
      <body>
        <ActivityTracker />
        {children}
      </body>
    </html>
  );
}
