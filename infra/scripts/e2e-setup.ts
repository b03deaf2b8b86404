/** Playwright global setup: the whole stack on its own ports and data (.rayon/e2e-<port base>). */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './services.ts';
import { DEMO, startStack } from './stack.ts';

export default async function globalSetup() {
  const base = Number(process.env.RAYON_E2E_PORT_BASE ?? 4500);
  rmSync(join(repoRoot, `.rayon/e2e-${base}`), { recursive: true, force: true });
  // Sends give up after 2 minutes here (72 h by default), retried every 10 s at most: a spec sees
  // a send through its outage to « Échec : action requise ». The worker inherits this environment.
  process.env.RAYON_DELIVERY_GIVE_UP_AFTER_S ??= '120';
  process.env.RAYON_DELIVERY_RETRY_CAP_S ??= '10';
  const stack = await startStack({
    name: `e2e-${base}`,
    portBase: base,
    apps: ['api', 'worker', 'web'],
    logLevel: 'warn',
    durability: 'fast',
  });
  process.env.RAYON_E2E_BASE_URL = stack.urls.portal;
  process.env.RAYON_E2E_ADMIN_EMAIL = DEMO.platformAdmin.email;
  process.env.RAYON_E2E_ADMIN_PASSWORD = DEMO.platformAdmin.password;
  // The day of the seeded appointments: a run crossing midnight (Paris) still finds them.
  process.env.RAYON_E2E_SCHEDULE_DAY = stack.scheduleDay;
  // The mail catcher the api sends the platform's mails to (GET <url>/messages: what was sent).
  process.env.RAYON_E2E_MAIL_URL = stack.urls.mail.replace(/\/$/, '');
  return () => stack.stop();
}
