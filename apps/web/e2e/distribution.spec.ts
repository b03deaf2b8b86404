import { expect, test, type Locator, type Page, type TestInfo } from '@playwright/test';
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
import { freePort, inPractice, PRACTICE } from './stack.ts';

/**
 * The distribution of validated reports in the portal, on the e2e stack (api, worker, portal):
 * the practice administrator sets the distribution (DMP on, a PFI at an address where nothing
 * listens; a wrong port is refused in French); the radiologist validates the report of a patient
 * whose identity is not qualified: the « Diffusion » section shows the DMP « Non envoyé » with its
 * reason, the PFI send « En attente — PFI indisponible depuis 10:42 » with its next attempt and its
 * attempts growing (the worker's real retries: one circuit per destination, backoff from 2 s capped
 * at 10 s here), then « Échec : action requise » once the horizon passed (2 minutes here, 72 h by
 * default); the « Envois en échec » page lists it with its reason, « Réessayer » puts it back in the
 * queue, and « Annuler l'envoi » (confirmed) cancels it: « Annulé », with who and why.
 * Screenshots of the « Diffusion » section at 1366 and 390 px, waiting and cancelled, are attached
 * to the tests' results. The tests run in order and share the report.
 */
test.describe.configure({ mode: 'serial' });

const ADMIN = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };
const RADIOLOGIST = { email: 'radiologue@rayon.local', password: 'rayon-radio-demo' };
const PATIENT = { family: 'DELACROIX', given: 'Anaïs', birth: '1979-03-14' };
const PATIENT_NAME = `${PATIENT.family} ${PATIENT.given}`;
const DMP_NOT_SENT = 'Identité non qualifiée : document non envoyé au DMP';

async function signIn(page: Page, who: { email: string; password: string }) {
  await signInWithCode(page, { ...who, totpSecret: demoTotpSecretFor(who.email) });
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
}

/** The « Diffusion » section at 1366 and 390 px wide, attached to the test's results. */
async function shootDistribution(page: Page, section: Locator, testInfo: TestInfo, name: string) {
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const path = testInfo.outputPath(`${name}-${width}.png`);
    await section.screenshot({ path });
    await testInfo.attach(`${name}-${width}`, { path, contentType: 'image/png' });
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

let reportUrl = '';
let accessionNumber = '';

test.beforeAll(async () => {
  // A chest CT done today for a patient of provisional identity, waiting for its report (as the
  // demo seed makes one; this one is the spec's own, so that other specs keep theirs).
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
        identifiers: [{ authority: 'RAYON-E2E', value: `DIST-${Date.now()}` }],
      },
      ctx,
    );
    const order = await insertOrderWithExams(tx, {
      patientId: patient.id,
      referrerId: referrer?.id ?? null,
      exams: [{ examTypeId: chest.id, modalityType: chest.modalityType }],
      urgency: 'routine',
      clinicalInfo: 'Bilan de toux.',
      placerOrderNumber: null,
      status: 'scheduled',
      source: 'desk',
    });
    accessionNumber = order.accessionNumber;
    const exam = order.exams[0]!;
    const startsAt = new Date(Date.now() - 3600_000);
    await insertAppointment(tx, {
      examId: exam.id,
      modalityId: modality.id,
      startsAt,
      endsAt: new Date(startsAt.getTime() + chest.durationMinutes * 60_000),
    });
    await setExamStatus(tx, exam.id, 'completed');
  });
});

test.afterAll(async () => {
  // The other specs' reports go nowhere, as in a new practice.
  await inPractice((tx) => putSetting(tx, DISTRIBUTION_SETTING, DEFAULT_DISTRIBUTION));
});

test.beforeEach(async ({ page }) => {
  page.on('dialog', (dialog) => void dialog.accept());
});

test('the practice administrator sets the distribution: DMP on, a PFI address', async ({ page }) => {
  const port = await freePort();
  await signIn(page, ADMIN);
  await page.goto(`/t/${PRACTICE}/comptes-rendus/modeles`);
  const form = page.getByTestId('distribution-form');
  await expect(page.getByRole('heading', { name: 'Diffusion des comptes rendus' })).toBeVisible();
  // A new practice sends nowhere.
  await expect(form.getByLabel(/Alimenter le DMP/)).not.toBeChecked();
  await expect(form.getByLabel(/plateforme d'intermédiation/)).not.toBeChecked();
  await expect(form.getByLabel(/messagerie du patient/)).toBeDisabled();

  await form.getByLabel(/Alimenter le DMP/).check();
  await form.getByLabel(/plateforme d'intermédiation/).check();
  await form.getByLabel('Hôte').fill('127.0.0.1');
  await form.getByLabel('Port').fill('70000');
  await form.getByLabel('Application réceptrice').fill('PFI_E2E');
  await form.getByLabel('Établissement récepteur').fill('CHU_E2E');
  await form.getByRole('button', { name: 'Enregistrer la diffusion' }).click();
  await expect(form.getByTestId('error-pfiPort')).toHaveText('Le port est un nombre entier de 1 à 65535.');
  // What was typed is kept; nothing was saved.
  await expect(form.getByLabel('Hôte')).toHaveValue('127.0.0.1');
  await expect(form.getByLabel(/Alimenter le DMP/)).toBeChecked();

  await form.getByLabel('Port').fill(String(port));
  await form.getByRole('button', { name: 'Enregistrer la diffusion' }).click();
  await expect(form.getByRole('status')).toContainText('Paramètres de diffusion enregistrés.');

  await page.reload();
  const saved = page.getByTestId('distribution-form');
  await expect(saved.getByLabel(/Alimenter le DMP/)).toBeChecked();
  await expect(saved.getByLabel(/Envoyer par MSSanté/)).not.toBeChecked();
  await expect(saved.getByLabel(/plateforme d'intermédiation/)).toBeChecked();
  await expect(saved.getByLabel('Hôte')).toHaveValue('127.0.0.1');
  await expect(saved.getByLabel('Port')).toHaveValue(String(port));
  await expect(saved.getByLabel('Application réceptrice')).toHaveValue('PFI_E2E');
  await expect(saved.getByLabel('Établissement récepteur')).toHaveValue('CHU_E2E');
});

test('validated, the report is not sent to the DMP (identity not qualified) and the PFI send waits for the PFI, retried', async ({
  page,
}, testInfo) => {
  await signIn(page, RADIOLOGIST);
  await page.goto(`/t/${PRACTICE}/comptes-rendus`);
  const row = page.getByTestId('to-write').getByRole('row', { name: new RegExp(PATIENT_NAME) });
  await row.getByRole('button', { name: 'Rédiger' }).click();
  await expect(page).toHaveURL(/\/comptes-rendus\/[0-9a-f-]{36}$/);
  reportUrl = page.url();
  await page.getByLabel(/Texte du compte rendu/).fill('Conclusion : scanner thoracique normal.');
  await page.getByRole('button', { name: 'Valider (signer)' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Valider et signer' }).click();
  await expect(page.getByTestId('report-header-status')).toContainText('Validé');

  // After the documents, the worker plans the sends; the page refreshes itself meanwhile.
  const distribution = page.getByTestId('distribution');
  const dmp = distribution.getByTestId('distribution-v1').getByTestId('delivery-dmp');
  await expect(dmp.getByTestId('delivery-status')).toHaveText('Non envoyé', { timeout: 60_000 });
  await expect(dmp.getByTestId('delivery-reason')).toHaveText(DMP_NOT_SENT);
  await expect(dmp.getByTestId('delivery-attempts-count')).toHaveText('Aucun essai');
  await expect(dmp.getByRole('button', { name: /Réessayer/ })).toHaveCount(0);

  // The PFI send: nothing listens at its address, so it fails: the PFI is unavailable (its
  // circuit), and the send waits for the next attempt, later each time.
  const pfi = distribution.getByTestId('distribution-v1').getByTestId('delivery-pfi');
  await expect(pfi).toContainText("Plateforme d'intermédiation (PFI)");
  await expect(pfi.getByTestId('delivery-waiting')).toHaveText(
    /^En attente — PFI indisponible depuis \d\d:\d\d$/,
    { timeout: 60_000 },
  );
  await expect(pfi.getByTestId('delivery-status')).toHaveText('En attente');
  await expect(pfi.getByTestId('delivery-next-attempt')).toHaveText(/^Prochain essai à \d\d:\d\d$/);
  await expect(pfi.getByTestId('delivery-attempts-count')).toHaveText(/^([2-9]|\d\d) essais$/, {
    timeout: 60_000,
  });
  await pfi.getByText(/Voir les essais/).click();
  await expect(pfi.getByTestId('delivery-attempts').getByRole('listitem').first()).toContainText(
    'Échec, nouvel essai prévu',
  );
  await expect(pfi).toContainText(/dernier le \d\d\/\d\d\/\d{4}/);
  await expect(pfi.getByRole('button', { name: /Réessayer/ })).toHaveCount(0);
  await expect(pfi.getByText("Annuler l'envoi")).toBeVisible();
  await shootDistribution(page, distribution, testInfo, 'diffusion-en-attente');
});

test('past the horizon the PFI send needs action: listed in « Envois en échec », « Réessayer »', async ({
  page,
}) => {
  // Given up 2 minutes after the send was made (the e2e stack's RAYON_DELIVERY_GIVE_UP_AFTER_S).
  test.setTimeout(420_000);
  expect(reportUrl).not.toBe('');
  await signIn(page, RADIOLOGIST);
  await page.goto(reportUrl);
  const pfi = page.getByTestId('distribution-v1').getByTestId('delivery-pfi');
  await expect(async () => {
    await page.reload();
    await expect(pfi.getByTestId('delivery-status')).toHaveText('Échec : action requise', { timeout: 1000 });
  }).toPass({ timeout: 360_000, intervals: [5_000] });
  const count = (await pfi.getByTestId('delivery-attempts-count').textContent())!.trim();
  const attempts = Number(/^(\d+) essais$/.exec(count)?.[1]);
  expect(attempts).toBeGreaterThanOrEqual(3);
  await expect(pfi.getByTestId('delivery-reason')).toHaveText(
    / — envoi abandonné après 2 min de tentatives$/,
  );
  const reason = (await pfi.getByTestId('delivery-reason').textContent())!.trim();
  await pfi.getByText(/Voir les essais/).click();
  // Each attempt, and the give-up (a line of its own when it came while the PFI's circuit was open).
  await expect(
    pfi
      .getByTestId('delivery-attempts')
      .getByRole('listitem')
      .nth(attempts - 1),
  ).toBeVisible();
  expect(await pfi.getByTestId('delivery-attempts').getByRole('listitem').count()).toBeLessThanOrEqual(
    attempts + 1,
  );
  await expect(pfi.getByTestId('delivery-attempts').getByRole('listitem').last()).toContainText(
    'Échec définitif',
  );
  await expect(pfi.getByRole('button', { name: /Réessayer/ })).toBeVisible();

  // The reporting screen says there is a send in failure, and leads to the list.
  await page.goto(`/t/${PRACTICE}/comptes-rendus`);
  const link = page.getByTestId('failed-deliveries-link');
  await expect(link.getByTestId('failed-deliveries-count')).toHaveText('1');
  await link.click();
  await expect(page.getByRole('heading', { name: 'Envois en échec', level: 1 })).toBeVisible();
  const failed = page.getByTestId('failed-deliveries').getByRole('row', { name: new RegExp(PATIENT_NAME) });
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText(accessionNumber);
  await expect(failed).toContainText("Plateforme d'intermédiation (PFI)");
  await expect(failed.getByTestId('delivery-reason')).toHaveText(reason);
  await expect(failed).toContainText(count);
  await expect(failed.getByRole('link', { name: 'Ouvrir le compte rendu' })).toHaveAttribute(
    'href',
    new URL(reportUrl).pathname,
  );

  // « Réessayer »: back in the queue (a new horizon from now on), out of the list; the report
  // shows it pending again (the PFI still unavailable: « En attente »).
  await failed.getByRole('button', { name: /Réessayer/ }).click();
  await expect(page.getByTestId('failed-deliveries-empty')).toHaveText('Aucun envoi en échec.');
  await page.goto(reportUrl);
  await expect(pfi.getByTestId('delivery-status')).toHaveText(/^En (cours|attente)$/);
  await expect(pfi.getByTestId('delivery-reason')).toHaveCount(0);
  await expect(page.getByTestId('distribution-v1').getByTestId('delivery-dmp')).toContainText('Non envoyé');
});

test("« Annuler l'envoi », confirmed: the pending PFI send is cancelled and shows « Annulé » with who and why", async ({
  page,
}, testInfo) => {
  expect(reportUrl).not.toBe('');
  await signIn(page, RADIOLOGIST);
  await page.goto(reportUrl);
  const distribution = page.getByTestId('distribution');
  const pfi = distribution.getByTestId('distribution-v1').getByTestId('delivery-pfi');
  await expect(pfi.getByTestId('delivery-status')).toHaveText(/^En (cours|attente)$/);
  // Not on a send that is not pending.
  await expect(distribution.getByTestId('delivery-dmp').getByText("Annuler l'envoi")).toHaveCount(0);
  await pfi.getByText("Annuler l'envoi").click();
  await pfi.getByLabel('Motif (facultatif)').fill('Transmis à la PFI par un autre moyen');
  // The confirmation (window.confirm) is accepted by the dialog handler of beforeEach.
  await pfi.getByRole('button', { name: "Confirmer l'annulation" }).click();
  await expect(pfi.getByTestId('delivery-status')).toHaveText('Annulé');
  await expect(pfi.getByTestId('delivery-reason')).toHaveText(
    /^Annulé par .+ : Transmis à la PFI par un autre moyen$/,
  );
  await expect(pfi.getByText("Annuler l'envoi")).toHaveCount(0);
  await expect(pfi.getByRole('button', { name: /Réessayer/ })).toHaveCount(0);
  await page.reload();
  await expect(pfi.getByTestId('delivery-status')).toHaveText('Annulé');
  await shootDistribution(page, distribution, testInfo, 'diffusion-annule');
});
