import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { demoTotpSecretFor, signIn as signInWithCode } from './support/sign-in.ts';
import {
  insertAppointment,
  insertOrderWithExams,
  listExamTypes,
  listModalities,
  listReferrers,
  putSetting,
  setExamStatus,
} from '@rayon/db';
import { createPatient } from '@rayon/identity';
import { DEFAULT_DISTRIBUTION, DISTRIBUTION_SETTING } from '@rayon/domain';
import { inPractice, PRACTICE } from './stack.ts';

/**
 * The validation dialog of a report for a minor patient, the practice feeding the DMP: the three
 * visibility choices are offered (« Connexion secrète » makes the document « Non visible par les
 * représentants légaux » too); a combination the CI-SIS refuses (masqué aux professionnels de
 * santé en connexion secrète) is refused in French and nothing is validated; a valid choice is
 * validated and shown in the versions' history. Screenshots of the dialog at 1366 and 390 px go to
 * test-results/ (RAYON_SCREENSHOTS overrides the folder).
 */
test.describe.configure({ mode: 'serial' });

const RADIOLOGIST = { email: 'radiologue@rayon.local', password: 'rayon-radio-demo' };
const PATIENT = { family: 'PETIT', given: 'Lina', birth: '2012-05-20' };
const shots = process.env.RAYON_SCREENSHOTS ?? join(process.cwd(), 'test-results', 'screenshots');

async function signIn(page: Page) {
  await signInWithCode(page, { ...RADIOLOGIST, totpSecret: demoTotpSecretFor(RADIOLOGIST.email) });
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
}

test.beforeAll(async () => {
  await inPractice(async (tx) => {
    const ctx = { actor: { type: 'system' as const, id: 'e2e' }, source: 'desk' as const, now: new Date() };
    const chest = (await listExamTypes(tx)).find((t) => t.modalityType === 'CT')!;
    const modality = (await listModalities(tx)).find((m) => m.type === 'CT')!;
    const [referrer] = await listReferrers(tx);
    const patient = await createPatient(
      tx,
      {
        traits: {
          birthFamilyName: PATIENT.family,
          firstBirthForename: PATIENT.given,
          birthDate: PATIENT.birth,
          sex: 'F',
        },
        identifiers: [{ authority: 'RAYON-E2E', value: `VIS-${Date.now()}` }],
      },
      ctx,
    );
    const order = await insertOrderWithExams(tx, {
      patientId: patient.id,
      referrerId: referrer?.id ?? null,
      exams: [{ examTypeId: chest.id, modalityType: chest.modalityType }],
      urgency: 'routine',
      clinicalInfo: 'Toux persistante.',
      placerOrderNumber: null,
      status: 'scheduled',
      source: 'desk',
    });
    const exam = order.exams[0]!;
    // A past slot of its own (the other specs book around now; a stack kept between runs keeps
    // this spec's earlier bookings): somewhere in the last week, to the minute.
    const startsAt = new Date(Math.floor(Date.now() / 60_000 - 1440 - Math.random() * 8000) * 60_000);
    await insertAppointment(tx, {
      examId: exam.id,
      modalityId: modality.id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + chest.durationMinutes * 60_000),
    });
    await setExamStatus(tx, exam.id, 'completed');
    // The practice feeds the DMP (« Connexion secrète » is a DMP transaction).
    await putSetting(tx, DISTRIBUTION_SETTING, { ...DEFAULT_DISTRIBUTION, dmp: true });
  });
});

test.afterAll(async () => {
  await inPractice((tx) => putSetting(tx, DISTRIBUTION_SETTING, DEFAULT_DISTRIBUTION));
});

test('a minor patient: the radiologist chooses who may see the report at validation', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page);
  await page.goto(`/t/${PRACTICE}/comptes-rendus`);
  const row = page.getByTestId('to-write').getByRole('row', { name: /PETIT Lina/ });
  await row.getByRole('button', { name: 'Rédiger' }).click();
  await expect(page).toHaveURL(/\/comptes-rendus\/[0-9a-f-]{36}$/);
  await page.getByLabel(/Texte du compte rendu/).fill('Conclusion : radiographie thoracique normale.');

  await page.getByRole('button', { name: 'Valider (signer)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Valider et signer le compte rendu' });
  const masked = dialog.getByLabel('Masqué aux professionnels de santé');
  const legal = dialog.getByLabel('Non visible par les représentants légaux');
  const secret = dialog.getByLabel('Connexion secrète');
  for (const box of [masked, legal, secret]) {
    await expect(box).toBeEnabled();
    await expect(box).not.toBeChecked();
  }
  // Connexion secrète: the document is then hidden from the legal representatives too.
  await secret.check();
  await expect(legal).toBeChecked();
  await masked.check();
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'validation-dialog-1366.png') });
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(dialog).toBeVisible();
  expect(await dialog.evaluate((d) => d.scrollWidth <= d.clientWidth)).toBe(true);
  await page.screenshot({ path: join(shots, 'validation-dialog-390.png') });
  await page.setViewportSize({ width: 1366, height: 900 });

  // Masked from professionals in a secret connection: refused in French, nothing validated.
  await dialog.getByRole('button', { name: 'Valider et signer' }).click();
  await expect(page.locator('main').getByRole('alert')).toHaveText(
    'Le compte rendu ne peut pas être validé : Un document masqué aux professionnels de santé ne peut pas être envoyé en connexion secrète.',
  );
  await expect(page.getByTestId('report-header-status')).toContainText('Brouillon');

  await page.getByRole('button', { name: 'Valider (signer)' }).click();
  await masked.uncheck();
  await dialog.getByRole('button', { name: 'Valider et signer' }).click();
  await expect(page.getByTestId('report-header-status')).toContainText('Validé');
  await expect(page.getByTestId('visibility-v1')).toHaveText(
    'Visibilité : Non visible par les représentants légaux · Connexion secrète',
  );
});
