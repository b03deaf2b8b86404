import { expect, test, type Page } from '@playwright/test';
import { demoTotpSecretFor, signIn as signInWithCode } from './support/sign-in.ts';

/**
 * A modality's DICOM callers in the portal (Configuration, practice administrator of the demo
 * practice): the calling AE titles and addresses of a new modality, normalised; a wrong address
 * shown next to its field, in French; retiring, putting back in service and deleting it.
 * Screenshots at 1366 and 390 px go to RAYON_SCREENSHOTS when set.
 */
const PRACTICE = 'imagerie-demo';
const ADMIN = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };
const shots = process.env.RAYON_SCREENSHOTS;

async function signIn(page: Page) {
  await signInWithCode(page, { ...ADMIN, totpSecret: demoTotpSecretFor(ADMIN.email) });
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
}

test('a modality registers its calling AE titles and addresses, is retired, put back, deleted', async ({
  page,
}) => {
  page.on('dialog', (dialog) => void dialog.accept());
  const ae = `E2E_MR${Date.now().toString(36).slice(-5).toUpperCase()}`;
  await signIn(page);
  await page.goto(`/t/${PRACTICE}/configuration`);
  const table = page.getByTestId('modalities');
  // The seeded scanner shows who may call it.
  await expect(page.getByTestId('callers-RAYON_CT1')).toContainText('RAYON_CT1_SCU');
  await expect(page.getByTestId('callers-RAYON_CT1')).toContainText('127.0.0.1/32');

  // A new modality: AE titles typed in lower case, a wrong address refused in French.
  const add = page.locator('details', { has: page.getByText('Ajouter une modalité') });
  await add.getByText('Ajouter une modalité').click();
  await add.getByLabel('Salle').selectOption({ index: 1 });
  // (The room form above has a field of the same name and id: the label points to it.)
  await add.locator('input[name="name"]').fill('IRM de test');
  await add.getByLabel('Type', { exact: true }).selectOption('MR');
  await add.getByLabel('Titre AE (DICOM)').fill(` ${ae.toLowerCase()}`);
  await add.getByLabel('AE appelants (un par ligne)').fill('mr1_scu\nMR\\2');
  await add.getByLabel('Adresses autorisées (une par ligne)').fill('10.20.1.0/24\n10.20.1.7/16');
  await add.getByRole('button', { name: 'Ajouter la modalité' }).click();
  await expect(add.getByTestId('error-callingAeTitles')).toHaveText(
    'Titre AE invalide (ligne 2) : 1 à 16 caractères (lettres, chiffres, _ -), sans accent ni « \\ ».',
  );
  await expect(add.getByTestId('error-allowedSources')).toContainText('Adresse ou plage invalide (ligne 2)');
  await add.getByLabel('AE appelants (un par ligne)').fill('mr1_scu');
  await add.getByLabel('Adresses autorisées (une par ligne)').fill('10.20.1.0/24\n10.20.2.7');
  await add.getByRole('button', { name: 'Ajouter la modalité' }).click();
  const row = table.getByRole('row', { name: new RegExp(ae) });
  await expect(page.getByTestId(`callers-${ae}`)).toContainText('MR1_SCU');
  await expect(page.getByTestId(`callers-${ae}`)).toContainText('10.20.1.0/24, 10.20.2.7/32');

  // Its callers changed: a certificate fingerprint (DICOM TLS required), a bad one refused first.
  await row.getByText('Modifier les appelants').click();
  await row.getByLabel('Empreintes de certificat (une par ligne)').fill('AB:CD');
  await row.getByRole('button', { name: 'Enregistrer les appelants' }).click();
  await expect(row.getByTestId('error-clientCertFingerprints')).toContainText('Empreinte invalide (ligne 1)');
  await row.getByLabel('Empreintes de certificat (une par ligne)').fill('ab'.repeat(32));
  await row.getByRole('button', { name: 'Enregistrer les appelants' }).click();
  await expect(page.getByTestId(`callers-${ae}`)).toContainText('1 (DICOM TLS exigé)');
  if (shots) {
    await row.scrollIntoViewIfNeeded();
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.screenshot({ path: `${shots}/modalities-1366.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${shots}/modalities-390.png`, fullPage: true });
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/modalities-390-viewport.png` });
    await page.setViewportSize({ width: 1366, height: 900 });
  }

  // Retired, then back in service.
  await row.getByRole('button', { name: 'Retirer' }).click();
  await expect(row).toContainText('Retirée le');
  await expect(row.getByRole('button', { name: 'Remettre en service' })).toBeVisible();
  if (shots) await row.screenshot({ path: `${shots}/modality-retired-1366.png` });
  await row.getByRole('button', { name: 'Remettre en service' }).click();
  await expect(row).not.toContainText('Retirée le');

  // The seeded scanner has appointments: it cannot be deleted (said in French).
  const scanner = table.getByRole('row', { name: /RAYON_CT1/ });
  await scanner.getByRole('button', { name: 'Supprimer' }).click();
  await expect(scanner).toContainText('ne peut pas être supprimée, retirez-la');

  // The new modality has no history: deleted.
  await row.getByRole('button', { name: 'Supprimer' }).click();
  await expect(table).not.toContainText(ae);
});
