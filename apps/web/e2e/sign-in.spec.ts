/**
 * Sign-in as people meet it: a wrong password then the right one, the code of the second factor
 * (the demo administrator, code computed from the seed's key), a first enrolment with its QR
 * code and recovery codes, the throttling message, and the practice's sign-in journal.
 */
import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { findTenantBySlug, toTenantRef, upsertMembership, upsertUser, upsertUserProfile } from '@rayon/db';
import { hashPassword } from '@rayon/access/secrets';
import { PRACTICE, stackDatabase } from './stack.ts';
import { DEMO_TOTP_SECRET, freshTotpCode } from './support/sign-in.ts';

const ADMIN = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };
const SHOTS = process.env.RAYON_E2E_SCREENSHOTS ?? '/tmp/shots-signin';

async function shots(page: Page, name: string) {
  mkdirSync(SHOTS, { recursive: true });
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

async function passwordStep(page: Page, email: string, password: string) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

/** A new administrator of the demo practice, with a password and no second factor yet. */
async function newPracticeAdmin() {
  const email = `admin.${Date.now().toString(36)}@example.fr`;
  const password = 'Glycine-Morlaix-Noroit-58';
  const db = stackDatabase();
  try {
    const tenant = (await db.platform((tx) => findTenantBySlug(tx, PRACTICE)))!;
    await db.withTenant(toTenantRef(tenant), async (tx) => {
      const user = await upsertUser(tx, {
        email,
        displayName: 'Dr Inès Garnier',
        passwordHash: await hashPassword(password),
      });
      await upsertMembership(tx, user.id, tenant.id, ['practice_admin']);
      await upsertUserProfile(tx, { userId: user.id, displayName: 'Dr Inès Garnier' });
    });
  } finally {
    await db.close();
  }
  return { email, password };
}

test('a wrong password, then the right one and the code of the authenticator app', async ({ page }) => {
  // A client naming its own address (X-Forwarded-For) is not believed: the portal's server
  // appends the peer it sees, and that is the address the journal shows.
  await page.setExtraHTTPHeaders({ 'x-forwarded-for': '203.0.113.9' });
  await passwordStep(page, ADMIN.email, 'pas le bon mot de passe');
  await page.setExtraHTTPHeaders({});
  await expect(page.getByTestId('login-error')).toHaveText('Adresse e-mail ou mot de passe incorrect.');

  await passwordStep(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(/\/connexion\/verification$/);
  await expect(page.getByRole('heading', { name: 'Vérification en deux étapes' })).toBeVisible();
  await expect(page.getByText(ADMIN.email)).toBeVisible();
  await shots(page, 'code');

  // A wrong code: said so, still on the code page.
  await page.getByLabel('Code de vérification').fill('000000');
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page.getByTestId('code-error')).toContainText('Code incorrect ou déjà utilisé');
  await expect(page).toHaveURL(/\/connexion\/verification$/);

  // « Utiliser un code de secours » switches the field, and back.
  await page.getByRole('button', { name: 'Utiliser un code de secours' }).click();
  await expect(page.getByLabel('Code de secours')).toBeVisible();
  await page.getByRole('button', { name: 'Utiliser le code de l’application' }).click();

  await page.getByLabel('Code de vérification').fill(await freshTotpCode(ADMIN.email, DEMO_TOTP_SECRET));
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));

  // The practice's journal shows it, in French, with the Paris time and the address.
  await page.goto(`/t/${PRACTICE}/equipe/connexions`);
  await expect(page.getByRole('heading', { name: 'Journal des connexions' })).toBeVisible();
  const journal = page.getByTestId('sign-in-journal');
  const latest = journal.getByRole('row').nth(1);
  await expect(latest).toContainText('Connexion réussie (double authentification)');
  await expect(latest).toContainText(ADMIN.email);
  await expect(journal).toContainText('Code de vérification incorrect');
  const failure = journal.getByRole('row').filter({ hasText: 'Mot de passe incorrect' }).first();
  await expect(failure).toContainText(/127\.0\.0\.1|::1/);
  await expect(journal).not.toContainText('203.0.113.9');
  await expect(latest.getByRole('cell').first()).toHaveText(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
  await shots(page, 'journal');

  // The practice's rules: an idle timeout out of bounds is refused next to its field.
  const policy = page.getByTestId('sign-in-policy');
  await policy.getByLabel("Déconnexion après N minutes d'inactivité").fill('4');
  await policy.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(policy.getByTestId('error-idleTimeoutMinutes')).toHaveText(
    'Indiquez un nombre entier de minutes, de 5 à 480.',
  );
  await policy.getByLabel("Déconnexion après N minutes d'inactivité").fill('45');
  await policy.getByRole('button', { name: 'Enregistrer' }).click();
  await expect(policy.getByText('Règles de connexion enregistrées.')).toBeVisible();
  await page.reload();
  await expect(
    page.getByTestId('sign-in-policy').getByLabel("Déconnexion après N minutes d'inactivité"),
  ).toHaveValue('45');
  await expect(
    page
      .getByTestId('sign-in-policy')
      .getByLabel('Double authentification obligatoire pour tous les membres'),
  ).not.toBeChecked();
  await page.getByTestId('sign-in-policy').getByLabel("Déconnexion après N minutes d'inactivité").fill('30');
  await page.getByTestId('sign-in-policy').getByRole('button', { name: 'Enregistrer' }).click();
  await expect(page.getByText('Règles de connexion enregistrées.')).toBeVisible();
});

test('a new administrator enrols an authenticator app, keeps the recovery codes, uses one', async ({
  page,
}) => {
  const who = await newPracticeAdmin();
  await passwordStep(page, who.email, who.password);
  await expect(page).toHaveURL(/\/connexion\/double-authentification$/);
  await expect(page.getByRole('heading', { name: 'Activer la double authentification' })).toBeVisible();
  await expect(page.getByTestId('totp-qr')).toBeVisible();
  const groups = page.getByTestId('totp-secret').locator('span');
  await expect(groups).toHaveCount(8);
  const key = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  expect(key).toMatch(/^[A-Z2-7]{32}$/);
  await shots(page, 'enrolment');

  await page.getByLabel('Code de vérification').fill(await freshTotpCode(who.email, key));
  await page.getByRole('button', { name: 'Activer' }).click();
  await expect(page).toHaveURL(/\/connexion\/codes-de-secours$/);
  const codes = page.getByTestId('recovery-codes').getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const recovery = ((await codes.first().textContent()) ?? '').trim();
  expect(recovery).toMatch(/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/);
  await shots(page, 'recovery-codes');
  await page.getByRole('button', { name: "J'ai noté mes codes" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
  // Shown once: the page is gone.
  await page.goto('/connexion/codes-de-secours');
  await expect(page).not.toHaveURL(/codes-de-secours/);

  // Signed out, back in with a recovery code instead of the app.
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await expect(page).toHaveURL(/\/connexion/);
  await passwordStep(page, who.email, who.password);
  await expect(page).toHaveURL(/\/connexion\/verification$/);
  await page.getByRole('button', { name: 'Utiliser un code de secours' }).click();
  await page.getByLabel('Code de secours').fill(recovery);
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
});

test('attempts too close together are refused with the seconds to wait', async ({ browser }) => {
  const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.78' } });
  try {
    const page = await context.newPage();
    const email = `personne.${Date.now().toString(36)}@example.fr`;
    let message = '';
    for (let attempt = 1; attempt <= 8 && !message.startsWith('Trop'); attempt++) {
      await passwordStep(page, email, `mauvais-${attempt}`);
      message = (await page.getByTestId('login-error').textContent()) ?? '';
    }
    expect(message).toMatch(/^Trop de tentatives : réessayez dans \d+ secondes?\.$/);
    await shots(page, 'throttled');
  } finally {
    await context.close();
  }
});
