import { expect, test, type Page } from '@playwright/test';
import { demoTotpSecretFor, signIn as signInWithCode } from './support/sign-in.ts';

/**
 * Appointments in the portal, as the demo practice's secretary and technologist (seeded): a
 * demande d'examen for a new patient, a proposed slot booked, the desk's day, the arrival, the
 * modality's worklist, then the technologist's start and end of the exam; an HL7 demande waiting
 * for its catalogue entry; the week view and the configuration screens (administrator).
 * The tests run in order and share the appointment booked first.
 */
test.describe.configure({ mode: 'serial' });

const PRACTICE = 'imagerie-demo';
const SECRETARY = { email: 'accueil@rayon.local', password: 'rayon-accueil-demo' };
const TECHNOLOGIST = { email: 'manipulateur@rayon.local', password: 'rayon-manip-demo' };
const ADMIN = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };

async function signIn(page: Page, who: { email: string; password: string }) {
  await signInWithCode(page, { ...who, totpSecret: demoTotpSecretFor(who.email) });
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
}

/** The worklist page of the modality where the first appointment was booked (its day). */
let worklistUrl = '';

test.beforeEach(async ({ page }) => {
  // Confirmation dialogs (absence, cancellation) are accepted.
  page.on('dialog', (dialog) => void dialog.accept());
});

test('the secretary makes a demande, books a proposed slot, marks the arrival; the worklist shows it', async ({
  page,
}) => {
  await signIn(page, SECRETARY);
  const nav = page.getByRole('navigation', { name: "Navigation de l'établissement" });
  for (const item of ['Accueil', 'Patients', 'Demandes', 'Planning', 'Liste de travail']) {
    await expect(nav.getByRole('link', { name: item, exact: true })).toBeVisible();
  }
  await expect(nav.getByRole('link', { name: 'Configuration' })).toHaveCount(0);

  // The desk's day holds the seeded appointments (of today, unless the run crossed midnight).
  await nav.getByRole('link', { name: 'Accueil', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Accueil', level: 1 })).toBeVisible();
  await page.goto(`/t/${PRACTICE}/accueil?date=${process.env.RAYON_E2E_SCHEDULE_DAY}`);
  await expect(page.getByTestId('desk-appointments').first()).toBeVisible();
  await expect(page.locator('main')).toContainText('LE GOFF Gwénaëlle');

  // A new patient at the desk.
  await nav.getByRole('link', { name: 'Patients', exact: true }).click();
  await page.getByRole('link', { name: 'Nouveau patient' }).click();
  await page.getByLabel('Nom de naissance', { exact: true }).fill('Rendezvous');
  await page.getByLabel('Premier prénom de naissance').fill('Élodie');
  await page.getByLabel('Date de naissance', { exact: true }).fill('1979-05-14');
  await page.getByLabel('Féminin', { exact: true }).check();
  await page.getByRole('button', { name: 'Créer le patient' }).click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}\?cree=1$/);

  // The demande d'examen, from the patient's page.
  await page.getByRole('link', { name: "Nouvelle demande d'examen" }).click();
  await expect(page.getByTestId('order-patient')).toHaveText('RENDEZVOUS Élodie');
  // Nothing chosen: the form says so and keeps what was typed.
  await page.getByLabel('Renseignements cliniques').fill('Toux persistante depuis trois semaines.');
  await page.getByRole('button', { name: 'Créer la demande' }).click();
  await expect(page.getByTestId('error-examTypeIds')).toHaveText('Choisissez au moins un examen.');
  await expect(page.getByLabel('Renseignements cliniques')).toHaveValue(
    'Toux persistante depuis trois semaines.',
  );
  await page.getByLabel('Scanner du thorax sans injection').check();
  await page.getByLabel('Prescripteur').selectOption({ label: 'AGNES Isabelle — Médecine générale' });
  await page.getByLabel('Urgent', { exact: true }).check();
  await page.getByRole('button', { name: 'Créer la demande' }).click();

  // The demande: its exam waits for a slot; the first proposed slot is chosen.
  await expect(page.getByRole('status').filter({ hasText: "Demande d'examen créée" })).toBeVisible();
  await expect(page.getByTestId('order-exams')).toContainText('Scanner du thorax sans injection');
  await expect(page.getByTestId('order-exams').getByTestId('exam-status')).toHaveText('Demandé');
  const slots = page.getByTestId('slots');
  const first = slots.getByRole('radio').first();
  await expect(first).toBeChecked();
  const firstLabel = slots.locator('label.slot').first();
  const time = (await firstLabel.locator('.slot__time').textContent())!.trim();
  expect(time).toMatch(/^\d{2}:\d{2}$/);
  await expect(firstLabel).toContainText('Scanner');
  await page.getByRole('button', { name: 'Réserver ce créneau' }).click();

  // The desk's day of that slot: the appointment, urgent, expected.
  await expect(page).toHaveURL(/\/accueil\?date=\d{4}-\d{2}-\d{2}&rdv=/);
  await expect(page.getByTestId('booked-notice')).toContainText(
    `RENDEZVOUS Élodie, Scanner du thorax sans injection, à ${time}`,
  );
  const row = page.getByTestId('desk-appointments').getByRole('row', { name: /RENDEZVOUS Élodie/ });
  await expect(row).toContainText(time);
  await expect(row).toContainText('Urgent');
  await expect(row.getByTestId('exam-status')).toHaveText('Programmé');

  // Arrival.
  await row.getByRole('button', { name: 'Arrivé' }).click();
  await expect(row.getByTestId('exam-status')).toHaveText('Arrivé');
  await expect(row.getByRole('button', { name: 'Arrivé' })).toHaveCount(0);
  await expect(row.getByTestId('late')).toHaveCount(0);

  // The scanner's worklist of that day shows the patient, arrived.
  const card = page.getByTestId('desk-modality').filter({ has: row });
  await card.getByRole('link', { name: 'Liste de travail' }).click();
  await expect(page.getByRole('heading', { name: /Liste de travail/, level: 1 })).toContainText('Scanner');
  const step = page.getByTestId('worklist').getByRole('row', { name: /RENDEZVOUS Élodie/ });
  await expect(step.getByTestId('exam-status')).toHaveText('Arrivé');
  await expect(step).toContainText('Scanner du thorax sans injection');
  // The secretary does not start exams.
  await expect(step.getByRole('button', { name: "Débuter l'examen" })).toHaveCount(0);
  worklistUrl = page.url();

  // The demande left the list of demandes to schedule.
  await nav.getByRole('link', { name: 'Demandes', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Demandes à programmer' })).toBeVisible();
  await expect(page.getByTestId('demandes')).not.toContainText('RENDEZVOUS');
});

test('the technologist starts and ends the exam from the worklist', async ({ page }) => {
  expect(worklistUrl).not.toBe('');
  await signIn(page, TECHNOLOGIST);
  await page.goto(worklistUrl);
  const step = page.getByTestId('worklist').getByRole('row', { name: /RENDEZVOUS Élodie/ });
  await expect(step.getByTestId('exam-status')).toHaveText('Arrivé');
  await step.getByRole('button', { name: "Débuter l'examen" }).click();
  await expect(step.getByTestId('exam-status')).toHaveText('En cours');
  await step.getByRole('button', { name: "Terminer l'examen" }).click();
  await expect(step.getByTestId('exam-status')).toHaveText('Terminé');
  await expect(step.getByRole('button')).toHaveCount(0);
});

test('an HL7 demande gets its catalogue entry when booked; then it is moved, and the patient is absent', async ({
  page,
}) => {
  await signIn(page, SECRETARY);
  await page.goto(`/t/${PRACTICE}/demandes`);
  // The seeded order received by HL7: an ultrasound named in the placer's words.
  const demande = page.getByTestId('demandes').getByRole('row', { name: /FONTAINE Hervé/ });
  await expect(demande).toContainText('Échographie abdomino-pelvienne');
  await expect(demande).toContainText('à choisir dans le catalogue');
  await expect(demande).toContainText('HL7');
  await demande.getByRole('link', { name: 'Programmer' }).click();

  // Only the catalogue entries of the same modality type are offered.
  const type = page.getByLabel('Examen du catalogue');
  await expect(type.locator('option')).toHaveText(['Choisir…', 'Échographie abdominale (20 min)']);
  await type.selectOption({ label: 'Échographie abdominale (20 min)' });
  await page.getByRole('button', { name: 'Voir les créneaux' }).click();
  await expect(page.getByText('Préparation : À jeun depuis 6 heures.')).toBeVisible();
  await expect(page.getByTestId('slots').locator('label.slot').first()).toContainText('Échographe');
  await page.getByRole('button', { name: 'Réserver ce créneau' }).click();

  const row = page.getByTestId('desk-appointments').getByRole('row', { name: /FONTAINE Hervé/ });
  await expect(row).toContainText('Échographie abdominale');
  const before = (await row.locator('td').first().textContent())!;

  // Moved to the second proposed slot (its own slot counts as free).
  await row.getByRole('link', { name: 'Déplacer' }).click();
  await expect(page.getByRole('heading', { name: /Déplacer le rendez-vous/ })).toBeVisible();
  await page.getByTestId('slots').getByRole('radio').nth(1).check();
  await page.getByRole('button', { name: 'Déplacer sur ce créneau' }).click();
  const moved = page.getByTestId('desk-appointments').getByRole('row', { name: /FONTAINE Hervé/ });
  await expect(moved).toHaveCount(1);
  await expect(moved.locator('td').first()).not.toHaveText(before);

  // Absent: the slot is freed, the row stays on the day, without actions.
  await moved.getByRole('button', { name: 'Absent' }).click();
  await expect(moved.getByTestId('exam-status')).toHaveText('Absent');
  await expect(moved.getByRole('button')).toHaveCount(0);
});

test('the week of a modality, and the configuration screens of the administrator', async ({ page }) => {
  await signIn(page, ADMIN);
  const nav = page.getByRole('navigation', { name: "Navigation de l'établissement" });
  await nav.getByRole('link', { name: 'Planning' }).click();
  await page
    .getByRole('navigation', { name: 'Modalité du planning' })
    .getByRole('link', { name: 'Scanner' })
    .click();
  const week = page.getByTestId('week');
  await expect(week.locator('section')).toHaveCount(7);
  await page.goto(worklistUrl.replace('/liste-de-travail', '/planning'));
  await expect(page.getByTestId('week')).toContainText('RENDEZVOUS Élodie');

  await nav.getByRole('link', { name: 'Configuration' }).click();
  await expect(page.getByTestId('modalities')).toContainText('RAYON_CT1');
  await expect(page.getByTestId('exam-types')).toContainText('ZBQK002');

  // A new exam type: a wrong CCAM code is shown next to its field.
  await page.getByText('Ajouter un examen au catalogue').click();
  await page.getByLabel('Libellé', { exact: true }).fill('IRM du genou');
  await page.getByLabel('Type de modalité').selectOption('MR');
  await page.getByLabel('Durée (minutes)').fill('30');
  await page.getByLabel('Code CCAM (facultatif)').fill('NZQ01');
  await page.getByRole('button', { name: 'Ajouter au catalogue' }).click();
  await expect(page.getByTestId('error-ccamCode')).toHaveText('Un code CCAM compte 4 lettres et 3 chiffres.');
  await page.getByLabel('Code CCAM (facultatif)').fill('NZQJ001');
  // Its LOINC code (JDV_CodesDocumentImagerie), for the CDA of its reports.
  await page.getByLabel("Code LOINC de l'examen (facultatif)").fill('24802');
  await page.getByRole('button', { name: 'Ajouter au catalogue' }).click();
  await expect(page.getByTestId('error-loincCode')).toContainText('Un code LOINC');
  await page.getByLabel("Code LOINC de l'examen (facultatif)").fill('24802-1');
  await page.getByLabel('Libellé LOINC (facultatif)').fill('RM genou');
  await page.getByRole('button', { name: 'Ajouter au catalogue' }).click();
  await expect(page.getByTestId('exam-types')).toContainText('IRM du genou');
  await expect(page.getByTestId('exam-types')).toContainText('24802-1');

  // Opening hours of the scanner: Saturday closed from now on.
  const scanner = page.getByTestId('modalities').getByRole('row', { name: /RAYON_CT1/ });
  await scanner.getByText('Modifier les horaires').click();
  await scanner.getByLabel('Samedi (facultatif)').fill('');
  await scanner.getByLabel('Dimanche (facultatif)').fill('9h00-12h');
  await scanner.getByRole('button', { name: 'Enregistrer les horaires' }).click();
  await expect(scanner.getByTestId('error-hours.7')).toContainText('Écrivez les plages ainsi');
  await scanner.getByLabel('Dimanche (facultatif)').fill('');
  await scanner.getByRole('button', { name: 'Enregistrer les horaires' }).click();
  await expect(page.getByTestId('modalities').getByRole('row', { name: /RAYON_CT1/ })).toContainText(
    'Samedi : Fermé',
  );
});
