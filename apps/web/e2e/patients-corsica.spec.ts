import { expect, test } from '@playwright/test';
import { insertIdentity } from '@rayon/identity';
import { identityFromSource, INS_OIDS } from '@rayon/domain';
import { inPractice, PRACTICE } from './stack.ts';
import { demoTotpSecretFor, signIn } from './support/sign-in.ts';

/**
 * The patient search by INS accepts a Corsican NIR (2A/2B at positions 6-7), typed as it is
 * printed on a Carte Vitale; a wrong key is refused in French next to the field.
 */
const ADMIN = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };
const MATRICULE = '186022A21532523';

test.beforeAll(async () => {
  // A qualified patient with a Corsican INS, as the identity feed would have brought it.
  await inPractice(async (tx) => {
    const now = new Date();
    const { identity, changes } = identityFromSource(
      null,
      {
        traits: {
          birthFamilyName: 'SANTONI',
          firstBirthForename: 'Ange',
          birthDate: '1986-02-11',
          sex: 'M',
          birthPlaceCode: '2A004',
        },
        complementary: {},
        ins: { matricule: MATRICULE, oid: INS_OIDS.test },
        reliabilityCodes: ['QUAL'],
      },
      now,
    );
    await insertIdentity(tx, identity, changes, [{ authority: 'E2E-CORSE', value: 'C-1' }], {
      actor: { type: 'system', id: 'e2e' },
      source: 'hl7',
      now,
    });
  });
});

test('the desk finds a patient by a Corsican INS; a wrong key is refused in French', async ({ page }) => {
  await signIn(page, { ...ADMIN, totpSecret: demoTotpSecretFor(ADMIN.email) });
  await page.goto(`/t/${PRACTICE}/patients`);
  await page.getByLabel('INS', { exact: true }).fill('1 86 02 2A 215 325 23');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  const results = page.getByTestId('patient-results');
  await expect(results.locator('tbody tr')).toHaveCount(1);
  await expect(results.locator('tbody tr')).toContainText('SANTONI');
  await expect(results.locator('tbody tr')).toContainText('Identité qualifiée');
  await expect(page.getByTestId('error-ins')).toHaveCount(0);
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: `test-results/corsica-found-${width}.png`, fullPage: true });
  }

  await page.getByLabel('INS', { exact: true }).fill('186022A21532524');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await expect(page.getByTestId('error-ins')).toHaveText(
    'La clé du matricule INS ne correspond pas : vérifiez la saisie.',
  );
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: `test-results/corsica-wrong-key-${width}.png`, fullPage: true });
  }
});
