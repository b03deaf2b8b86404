/**
 * Signing in from the e2e specs: the password, then, for an account with a second factor (the
 * demo administrators: the seed's DEMO_TOTP_SECRET), a TOTP code computed here as an
 * authenticator app would. A code is accepted once per account: the steps used are kept in a
 * file of this e2e stack, so the next sign-in (another spec, the same minute) takes the next step.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { generate } from 'otplib';
import { DEMO_TOTP_SECRET } from '@rayon/seed/demo';
import { E2E_PORT_BASE } from '../stack.ts';

export { DEMO_TOTP_SECRET };

/** The demo accounts the seed enrolled a second factor for: the two administrators. */
const DEMO_ADMINS = new Set(['admin@rayon.local', 'cabinet@rayon.local']);

/** DEMO_TOTP_SECRET for a demo administrator, undefined for anyone else. */
export const demoTotpSecretFor = (email: string) =>
  DEMO_ADMINS.has(email.toLowerCase()) ? DEMO_TOTP_SECRET : undefined;

const PERIOD = 30;
const usedFile = () => join(tmpdir(), `rayon-e2e-${E2E_PORT_BASE}-totp-steps.json`);

function usedSteps(): Record<string, number> {
  try {
    return existsSync(usedFile())
      ? (JSON.parse(readFileSync(usedFile(), 'utf8')) as Record<string, number>)
      : {};
  } catch {
    return {};
  }
}

/** A code for `email` of a step it has not used yet (this one or the next; else waits for one). */
export async function freshTotpCode(email: string, secret = DEMO_TOTP_SECRET): Promise<string> {
  const key = email.toLowerCase();
  for (;;) {
    const now = Math.floor(Date.now() / 1000 / PERIOD);
    const last = usedSteps()[key] ?? -1;
    const step = Math.max(now, last + 1);
    if (step <= now + 1) {
      writeFileSync(usedFile(), JSON.stringify({ ...usedSteps(), [key]: step }));
      return generate({ secret, epoch: step * PERIOD, period: PERIOD, digits: 6, algorithm: 'sha1' });
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * `await signIn(page, { email, password, totpSecret? })`: the sign-in page, then the code page
 * when `totpSecret` is given. Ends once the portal left /connexion.
 */
export async function signIn(
  page: Page,
  who: { email: string; password: string; totpSecret?: string | undefined },
  o: { baseUrl?: string } = {},
): Promise<void> {
  await page.goto(`${o.baseUrl ?? ''}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(who.email);
  await page.getByLabel('Mot de passe').fill(who.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  if (who.totpSecret) {
    await expect(page).toHaveURL(/\/connexion\/verification/);
    await page.getByLabel('Code de vérification').fill(await freshTotpCode(who.email, who.totpSecret));
    await page.getByRole('button', { name: 'Valider' }).click();
  }
  await page.waitForURL((url) => !url.pathname.startsWith('/connexion'));
}
