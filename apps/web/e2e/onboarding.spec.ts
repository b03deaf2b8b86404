import { expect, test, type Page } from '@playwright/test';
import { demoTotpSecretFor, freshTotpCode, signIn as signInWithCode } from './support/sign-in.ts';

function adminCredentials() {
  const email = process.env.RAYON_E2E_ADMIN_EMAIL;
  const password = process.env.RAYON_E2E_ADMIN_PASSWORD;
  if (!email || !password)
    throw new Error('RAYON_E2E_ADMIN_EMAIL / RAYON_E2E_ADMIN_PASSWORD are not set (globalSetup)');
  return { email, password };
}

/** The link of the last invitation mailed to `email`, as the stack's mail catcher received it. */
async function invitationLinkMailedTo(email: string): Promise<string> {
  const res = await fetch(`${process.env.RAYON_E2E_MAIL_URL}/messages`);
  const mails = (await res.json()) as { to: string[]; subject: string; text: string }[];
  const mail = mails.find((m) => m.to.includes(email.toLowerCase()) && m.subject.startsWith('Invitation'));
  const link = mail && /https?:\/\/\S+\/invitation\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  if (!link) throw new Error(`no invitation mailed to ${email}`);
  return link;
}

/** The password step only (the tests of refusals stay on the sign-in page). */
async function signIn(page: Page, email: string, password: string) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

test('a platform administrator onboards a practice whose administrator then signs in', async ({
  page,
  browser,
}) => {
  const admin = adminCredentials();
  const suffix = Date.now().toString(36);
  const practice = {
    name: `Cabinet de radiologie E2E ${suffix}`,
    slug: `e2e-${suffix}`,
    site: 'Site principal',
    city: 'Lyon',
    adminName: 'Dr Claire Martin',
    adminEmail: `claire.martin.${suffix}@example.fr`,
    adminPassword: 'correct horse battery staple',
  };

  // The platform administrator signs in and lands on the list of practices.
  await signInWithCode(page, { ...admin, totpSecret: demoTotpSecretFor(admin.email) });
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Établissements' })).toBeVisible();

  // Onboarding form; a wrong FINESS géographique is refused next to its field, values kept.
  await page.getByRole('link', { name: 'Nouvel établissement' }).click();
  await expect(page.getByRole('heading', { name: 'Nouvel établissement' })).toBeVisible();
  await page.getByLabel("Nom de l'établissement").fill(practice.name);
  await page.getByLabel('Identifiant').fill(practice.slug);
  await page.getByLabel('Nom du site').fill(practice.site);
  await page.getByLabel('FINESS géographique').fill('123456789');
  await page.getByLabel('Ville').fill(practice.city);
  await page.getByLabel('Nom', { exact: true }).fill(practice.adminName);
  await page.getByLabel('Adresse e-mail').fill(practice.adminEmail);
  await page.getByRole('button', { name: "Créer l'établissement" }).click();

  await expect(page.getByTestId('error-firstSite.finess')).toContainText('FINESS géographique invalide');
  await expect(page.getByLabel("Nom de l'établissement")).toHaveValue(practice.name);
  await expect(page.getByLabel('Identifiant')).toHaveValue(practice.slug);
  await expect(page.getByLabel('Adresse e-mail')).toHaveValue(practice.adminEmail);
  await expect(page.getByLabel('FINESS géographique')).toHaveValue('123456789');

  await page.getByLabel('FINESS géographique').fill('');
  await page.getByRole('button', { name: "Créer l'établissement" }).click();

  // The practice page follows its provisioning until it is active.
  await expect(page).toHaveURL(new RegExp(`/admin/etablissements/${practice.slug}\\?invitationSentTo=`));
  await expect(page.getByRole('heading', { name: practice.name })).toBeVisible();
  await expect(page.getByTestId('tenant-status')).toHaveText('Actif', { timeout: 60_000 });
  // The invitation went by e-mail (the stack's mail catcher): the page says so, no link shown.
  await expect(page.getByTestId('invitation-sent')).toContainText(
    `Invitation envoyée par e-mail à ${practice.adminEmail.toLowerCase()}`,
  );
  await expect(page.getByTestId('invitation-link')).toHaveCount(0);
  const invitationLink = await invitationLinkMailedTo(practice.adminEmail);
  expect(invitationLink).toMatch(/\/invitation\/[^/\s]+$/);

  // The list shows it too.
  await page.getByRole('link', { name: 'Établissements' }).click();
  const row = page.getByRole('row', { name: new RegExp(practice.slug) });
  await expect(row).toContainText(practice.name);
  await expect(row).toContainText('Actif');

  // The invited administrator opens the link in a browser of their own and sets a password.
  const invitee = await browser.newContext();
  try {
    const p = await invitee.newPage();
    await p.goto(invitationLink);
    await expect(p.getByRole('heading', { name: `Invitation à rejoindre ${practice.name}` })).toBeVisible();
    await expect(p.getByText(practice.adminEmail)).toBeVisible();
    await p.getByLabel('Mot de passe', { exact: true }).fill(practice.adminPassword);
    await p.getByLabel('Confirmation').fill(practice.adminPassword);
    await p.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();

    await expect(p).toHaveURL(/\/connexion\?email=/);
    await expect(p.getByTestId('invitation-accepted')).toBeVisible();
    await expect(p.getByLabel('Adresse e-mail')).toHaveValue(practice.adminEmail);
    await p.getByLabel('Mot de passe').fill(practice.adminPassword);
    await p.getByRole('button', { name: 'Se connecter' }).click();

    // An administrator enrols a second factor before the first session: the key shown (as a
    // QR code and in groups of 4) goes into an authenticator app, whose code is typed back.
    await expect(p).toHaveURL(/\/connexion\/double-authentification$/);
    const key = ((await p.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    await p.getByLabel('Code de vérification').fill(await freshTotpCode(practice.adminEmail, key));
    await p.getByRole('button', { name: 'Activer' }).click();
    await expect(p).toHaveURL(/\/connexion\/codes-de-secours$/);
    await expect(p.getByTestId('recovery-codes').getByRole('listitem')).toHaveCount(10);
    await p.getByRole('button', { name: "J'ai noté mes codes" }).click();

    // The practice's dashboard.
    await expect(p).toHaveURL(new RegExp(`/t/${practice.slug}$`));
    await expect(p.getByRole('heading', { name: 'Tableau de bord' })).toBeVisible();
    await expect(p.getByText(`Bienvenue, ${practice.adminName}`)).toBeVisible();
    await expect(p.getByTestId('tenant-name')).toHaveText(practice.name);
    await expect(p.getByTestId('user-roles')).toContainText('Administrateur du cabinet');
    await expect(p.getByTestId('sites')).toContainText(practice.site);
    await expect(p.getByTestId('sites')).toContainText(practice.city);
    await expect(p.getByTestId('current-tenant')).toContainText(practice.name);

    // The invitation cannot be used twice.
    await p.goto(invitationLink);
    await expect(p.getByTestId('invitation-invalid')).toBeVisible();

    // Signing out ends the session.
    await p.goto(`/t/${practice.slug}`);
    await p.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(p).toHaveURL(/\/connexion/);
    await p.goto(`/t/${practice.slug}`);
    await expect(p).toHaveURL(/\/connexion/);
  } finally {
    await invitee.close();
  }
});

test('a wrong password shows the French error', async ({ page }) => {
  const admin = adminCredentials();
  await signIn(page, admin.email, 'not the password');
  await expect(page.getByTestId('login-error')).toHaveText('Adresse e-mail ou mot de passe incorrect.');
  await expect(page).toHaveURL(/\/connexion/);
  await expect(page.getByLabel('Adresse e-mail')).toHaveValue(admin.email);
});

test('too many failed attempts show the French rate-limit message', async ({ browser }) => {
  // A client address of its own (as a reverse proxy would forward it), so the per-address count
  // does not touch the other tests' sign-ins from 127.0.0.1.
  const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.77' } });
  try {
    const page = await context.newPage();
    const email = `inconnu.${Date.now().toString(36)}@example.fr`;
    for (let attempt = 1; attempt <= 3; attempt++) {
      await signIn(page, email, `mauvais-${attempt}`);
      await expect(page.getByTestId('login-error')).toHaveText('Adresse e-mail ou mot de passe incorrect.');
    }
    // From the third failure on, the account waits 1 s, 2 s, 4 s… after each one: soon an attempt
    // comes too early and is refused, with the wait in seconds (never a lock-out of 15 minutes).
    let message = '';
    for (let attempt = 4; attempt <= 8 && !message.startsWith('Trop'); attempt++) {
      await signIn(page, email, `mauvais-${attempt}`);
      message = (await page.getByTestId('login-error').textContent()) ?? '';
    }
    expect(message).toMatch(/^Trop de tentatives : réessayez dans \d+ secondes?\.$/);
  } finally {
    await context.close();
  }
});
