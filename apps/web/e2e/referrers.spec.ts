import { expect, test, type Page } from '@playwright/test';
import { demoTotpSecretFor, signIn as signInWithCode } from './support/sign-in.ts';
import { PRACTICE } from './stack.ts';

/**
 * Referrers by RPPS, by ADELI or by name only, in the configuration screens (administrator): a
 * new referrer with an ADELI number, a wrong ADELI refused in French, then edited on its own page.
 * Screenshots at 1366 and 390 px (/tmp/rayon-referrer-*.png).
 */
test.describe.configure({ mode: 'serial' });

const ADMIN = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };
const ADELI = `69${String(Date.now()).slice(-7)}`;
const ADELI_MESSAGE =
  'Le numéro ADELI compte 9 caractères : le département (2 chiffres, 2A ou 2B) puis 7 chiffres.';

async function signIn(page: Page) {
  await signInWithCode(page, { ...ADMIN, totpSecret: demoTotpSecretFor(ADMIN.email) });
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
}

test('the administrator adds a referrer by ADELI and edits it; a wrong ADELI is refused in French', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page);
  await page.goto(`/t/${PRACTICE}/configuration`);
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Prescripteurs' }) });
  await card.getByText('Ajouter un prescripteur').click();
  await card.getByLabel('Nom', { exact: true }).fill('SAGE-FEMME');
  await card.getByLabel('Prénom').fill('Inès');
  await card.getByLabel('Numéro ADELI').fill('69 12');
  await card.getByRole('button', { name: 'Ajouter le prescripteur' }).click();
  await expect(card.getByTestId('error-adeli')).toHaveText(ADELI_MESSAGE);
  await expect(card.getByLabel('Nom', { exact: true })).toHaveValue('SAGE-FEMME');
  await card.getByLabel('Numéro ADELI').fill(`${ADELI.slice(0, 2)} ${ADELI.slice(2)}`);
  await card.getByLabel('Spécialité').fill('Sage-femme');
  await card.getByRole('button', { name: 'Ajouter le prescripteur' }).click();
  await expect(
    card.getByRole('status').filter({ hasText: 'Prescripteur « SAGE-FEMME » ajouté.' }),
  ).toBeVisible();
  const row = page.getByTestId('referrers').getByRole('row', { name: /SAGE-FEMME Inès/ });
  await expect(row).toContainText(`ADELI ${ADELI}`);
  await row.scrollIntoViewIfNeeded();
  await page.screenshot({ path: '/tmp/rayon-referrer-list-1366.png', fullPage: true });

  // Its own page: the same form, filled in; a duplicate ADELI refused, then an RPPS added.
  await row.getByRole('link', { name: 'Modifier' }).click();
  await expect(page.getByRole('heading', { name: 'SAGE-FEMME Inès', level: 1 })).toBeVisible();
  const form = page.getByTestId('referrer');
  await expect(form.getByLabel('Numéro ADELI')).toHaveValue(ADELI);
  await form.getByLabel('Numéro ADELI').fill('2C1234567');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(form.getByTestId('error-adeli')).toHaveText(ADELI_MESSAGE);
  await form.getByLabel('Numéro ADELI').fill(ADELI);
  await form.getByLabel('Adresse MSSanté').fill('ines.sagefemme@test.mssante.fr');
  await form.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(
    form.getByRole('status').filter({ hasText: 'Prescripteur « SAGE-FEMME » enregistré.' }),
  ).toBeVisible();
  await expect(form.getByLabel('Adresse MSSanté')).toHaveValue('ines.sagefemme@test.mssante.fr');
  await page.screenshot({ path: '/tmp/rayon-referrer-edit-1366.png', fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(form.getByLabel('Numéro ADELI')).toHaveValue(ADELI);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: '/tmp/rayon-referrer-edit-390.png', fullPage: true });
  await page.goto(`/t/${PRACTICE}/configuration`);
  const table = page.getByTestId('referrers');
  await table.getByRole('row', { name: /SAGE-FEMME Inès/ }).scrollIntoViewIfNeeded();
  // on a phone the referrers' rows stack: the table stays within the screen
  const right = await table.evaluate((t) => t.getBoundingClientRect().right);
  expect(right).toBeLessThanOrEqual(390);
  await page.screenshot({ path: '/tmp/rayon-referrer-list-390.png', fullPage: true });
});
