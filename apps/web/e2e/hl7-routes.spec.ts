import { expect, test, type Page } from '@playwright/test';
import { shoot } from './support/screens.ts';
import { demoTotpSecretFor, signIn as signInWithCode } from './support/sign-in.ts';
import { E2E_PORT_BASE, PRACTICE } from './stack.ts';

/**
 * HL7 senders in the portal: the practice administrator registers a route's senders (addresses,
 * certificate fingerprints, size limit) under « Flux HL7 »; the platform administrator assigns
 * and withdraws a dedicated port on the practice's page. Set RAYON_E2E_SCREENSHOTS to a folder to
 * keep screenshots of both pages at 1366 and 390 px.
 */
test.describe.configure({ mode: 'serial' });

const CABINET = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };
const FINGERPRINT = 'AB:'.repeat(31) + 'AB';
const suffix = Date.now().toString(36).toUpperCase();
const SHOTS = '/tmp/shots-hl7-routes';

async function signIn(page: Page, who: { email: string; password: string }) {
  await signInWithCode(page, { ...who, totpSecret: demoTotpSecretFor(who.email) });
  await page.waitForURL((url) => !url.pathname.startsWith('/connexion'));
}

async function screenshots(page: Page, name: string) {
  const dir = process.env.RAYON_E2E_SCREENSHOTS;
  if (!dir) return;
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${dir}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

test.beforeEach(({ page }) => {
  page.on('dialog', (dialog) => void dialog.accept());
});

test('the practice administrator registers a route’s senders; a bad address is refused next to its field', async ({
  page,
}, testInfo) => {
  await signIn(page, CABINET);
  await page.goto(`/t/${PRACTICE}/flux-hl7`);
  const routes = page.getByTestId('hl7-routes');
  // The demo practice's dedicated port, its sender this machine.
  await expect(routes).toContainText(`Port dédié ${E2E_PORT_BASE + 11}`);
  await expect(routes).toContainText('127.0.0.1/32');
  await expect(routes).toContainText('1 Mio');
  // No port can be chosen here.
  await expect(page.getByLabel('Port dédié')).toHaveCount(0);

  // MSH-6 forgotten and a bad address: both refused at once, in French, next to their fields.
  await page.getByLabel('Application réceptrice (MSH-5)').fill('RIS');
  await page.getByLabel(/Adresses autorisées/).fill('192.0.2.10\npartout');
  await page.getByRole('button', { name: 'Ajouter la route' }).click();
  await expect(page.getByTestId('error-receivingFacility')).toHaveText(
    "Indiquez l'établissement récepteur (MSH-6) : obligatoire sur le port partagé.",
  );
  await expect(page.getByTestId('error-allowedSources')).toContainText('Adresse ou plage invalide (ligne 2)');
  await shoot(page, 'flux-hl7-route-refusee', { folder: SHOTS, testInfo });

  await page.getByLabel('Établissement récepteur (MSH-6)').fill(`CHU-${suffix}`);

  await page.getByLabel(/Adresses autorisées/).fill('192.0.2.10\n10.20.0.0/16');
  await page.getByLabel(/Empreintes de certificat client/).fill(FINGERPRINT.toLowerCase());
  await page.getByLabel(/Taille maximale/).fill('2048');
  await page.getByRole('button', { name: 'Ajouter la route' }).click();
  await expect(page.getByText('Route ajoutée.')).toBeVisible();
  const row = routes.getByRole('row').filter({ hasText: `CHU-${suffix}` });
  await expect(row).toContainText('Port partagé');
  await expect(row).toContainText('192.0.2.10/32');
  await expect(row).toContainText('10.20.0.0/16');
  await expect(row).toContainText('AB:AB:AB:AB:AB…');
  await expect(row).toContainText('2 Mio');
  await screenshots(page, 'flux-hl7');

  await row.getByRole('link', { name: 'Modifier' }).click();
  await expect(page.getByRole('heading', { name: 'Route sur le port partagé' })).toBeVisible();
  // The navigation settles (the router's background requests end) before typing; on a loaded
  // machine a late render of the form can still put its stored values back, so both fields are
  // typed again until both hold what was typed.
  await page.waitForLoadState('networkidle');
  const size = page.getByLabel(/Taille maximale/);
  const sources = page.getByLabel(/Adresses autorisées/);
  await expect(async () => {
    await size.fill('512');
    await sources.fill('192.0.2.10');
    await expect(size).toHaveValue('512', { timeout: 500 });
    await expect(sources).toHaveValue('192.0.2.10', { timeout: 500 });
  }).toPass({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Route enregistrée.')).toBeVisible();
  await screenshots(page, 'flux-hl7-route');
  await page.getByRole('link', { name: 'Flux HL7' }).first().click();
  const edited = page
    .getByTestId('hl7-routes')
    .getByRole('row')
    .filter({ hasText: `CHU-${suffix}` });
  await expect(edited).toContainText('512 Kio');
  await expect(edited).not.toContainText('10.20.0.0/16');
});

test('the platform administrator assigns a dedicated port from the range, and withdraws it', async ({
  page,
}) => {
  await signIn(page, {
    email: process.env.RAYON_E2E_ADMIN_EMAIL!,
    password: process.env.RAYON_E2E_ADMIN_PASSWORD!,
  });
  await page.goto(`/admin/etablissements/${PRACTICE}`);
  const section = page.getByRole('region', { name: 'Ports HL7' });
  await expect(section.getByTestId('hl7-ports')).toContainText(`Port dédié ${E2E_PORT_BASE + 11}`);

  const port = section.getByLabel('Port dédié');
  await port.fill(String(E2E_PORT_BASE + 10));
  await section.getByRole('button', { name: 'Attribuer le port' }).click();
  await expect(page.getByTestId('error-port')).toHaveText('Ce port est le port partagé de la plateforme.');
  await section.getByLabel('Port dédié').fill(String(E2E_PORT_BASE + 40));
  await section.getByRole('button', { name: 'Attribuer le port' }).click();
  await expect(page.getByTestId('error-port')).toHaveText(
    `Le port ${E2E_PORT_BASE + 40} est hors de la plage des ports dédiés (${E2E_PORT_BASE + 20} à ${E2E_PORT_BASE + 39}).`,
  );

  const assigned = E2E_PORT_BASE + 20;
  await section.getByLabel('Port dédié').fill(String(assigned));
  await section.getByRole('button', { name: 'Attribuer le port' }).click();
  await expect(page.getByText(`Port ${assigned} attribué.`)).toBeVisible();
  const row = section
    .getByTestId('hl7-ports')
    .getByRole('row')
    .filter({ hasText: `Port dédié ${assigned}` });
  await expect(row).toContainText('Aucun');
  await screenshots(page, 'admin-ports-hl7');

  await row.getByRole('button', { name: 'Retirer le port' }).click();
  await expect(section.getByTestId('hl7-ports')).not.toContainText(`Port dédié ${assigned}`);
});
