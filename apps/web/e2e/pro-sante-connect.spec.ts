import { expect, test, type Cookie, type Page } from '@playwright/test';
import { person, shoot } from './support/screens.ts';
import { demoTotpSecretFor, signIn as signInWithPassword } from './support/sign-in.ts';
import { PRACTICE } from './stack.ts';

/**
 * Pro Santé Connect (issue 14), in Chromium against the e2e stack and its PSC simulator (a real
 * OpenID provider, infra/simulators/psc): the demo radiologist, linked to the simulator's
 * Dr Julien MOREAU (SubjectNameID 810001234565), signs in through PSC and reaches the demo
 * practice, then signs out of Rayon and of PSC (the next PSC sign-in asks the simulator again);
 * an id_token of too weak a level (acr), with a replayed nonce, or tampered is refused in French
 * without a session; a callback address used twice is refused; an e-CPS linked to no account
 * (Dr Claire LEROY) is told how to get one; a resident invited by the practice administrator
 * accepts « avec ma e-CPS » and lands signed in; the radiologist unlinks and links again her
 * e-CPS from « Mon compte »; the administrator turns on « Pro Santé Connect obligatoire… »: the
 * radiologist's right password is refused in French, the secretary (no RPPS) still signs in with
 * hers, a radiologist invited with her RPPS who chose a password (Dr LEROY) is offered « Lier ma
 * e-CPS » instead and comes in through PSC, and the journal shows the refusal and the PSC
 * sign-ins with their acr (the setting is turned off again).
 * Screenshots at 1366 and 390 px (/connexion with the PSC button, the « non liée » page, the PSC
 * section of « Mon compte », the security switch) are attached to the tests' results and copied to
 * /tmp/shots-psc (or RAYON_SCREENSHOTS).
 */
test.describe.configure({ mode: 'serial' });

const RADIOLOGIST = { email: 'radiologue@rayon.local', password: 'rayon-radio-demo' };
const SECRETARY = { email: 'accueil@rayon.local', password: 'rayon-accueil-demo' };
const ADMIN = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };
const suffix = Date.now().toString(36);
const RESIDENT = { name: 'Camille Petit', email: `camille.petit.${suffix}@example.fr` };
/** The simulator's Dr LEROY, invited with her RPPS, who chooses a password (no e-CPS linked). */
const LEROY_ACCOUNT = {
  name: 'Dr Claire Leroy',
  email: `claire.leroy.${suffix}@example.fr`,
  password: 'Glycine-Besancon-Foehn-2077',
  rpps: '10000000025',
};

/** The simulator's test professionals (buttons of its login page) and scenarios. */
const MOREAU = /Dr Julien MOREAU/;
const LEROY = /Dr Claire LEROY/;
const PETIT = /Camille PETIT/;
const SCENARIO = {
  acr: 'Niveau d’authentification insuffisant (acr)',
  nonce: 'Nonce rejoué',
  tampered: 'Jeton d’identité altéré',
};

const NOT_VERIFIED =
  'La réponse de Pro Santé Connect n’a pas pu être vérifiée ; la connexion a été refusée. Réessayez.';
const PSC_REQUIRED =
  'Votre établissement exige la connexion par Pro Santé Connect pour les professionnels de santé : utilisez votre e-CPS ou votre carte CPS.';

const SHOTS = '/tmp/shots-psc';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (globalSetup)`);
  return value;
}

/** /connexion → « Se connecter avec Pro Santé Connect » → the simulator's login page. */
async function toSimulator(page: Page) {
  await page.goto('/connexion');
  await page.getByRole('link', { name: 'Se connecter avec Pro Santé Connect' }).click();
  await expect(page.getByLabel('Scénario de test')).toBeVisible();
}

/** At the simulator: a scenario (Normal unless told), then the professional. */
async function chooseAtSimulator(page: Page, who: RegExp, scenario?: string) {
  if (scenario) await page.getByLabel('Scénario de test').selectOption({ label: scenario });
  await page.getByRole('button', { name: who }).click();
}

/** Refused back on /connexion with `message`, and no session (the portal sends /compte to sign in). */
async function expectRefused(page: Page, reason: string, message: string) {
  await expect(page).toHaveURL(new RegExp(`/connexion\\?psc=${reason}$`));
  await expect(page.getByTestId('psc-error')).toHaveText(message);
  await expect(page.getByText(/Error|at .*\.js/)).toHaveCount(0);
  await page.goto('/compte');
  await expect(page).toHaveURL(/\/connexion$/);
}

test('the radiologist signs in through Pro Santé Connect, then out of Rayon and of PSC', async ({
  page,
}, testInfo) => {
  await page.goto('/connexion');
  await expect(page.getByRole('link', { name: 'Se connecter avec Pro Santé Connect' })).toBeVisible();
  await shoot(page, 'connexion-psc', { folder: SHOTS, testInfo });

  const callbacks: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/connexion/psc/retour') callbacks.push(r.url());
  });
  await toSimulator(page);
  // The flow token waits in an httpOnly cookie limited to the PSC paths, SameSite=Lax.
  const flow = (await page.context().cookies()).find((c) => c.name === 'rayon-psc-flow');
  expect(flow).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/connexion/psc' });
  await chooseAtSimulator(page, MOREAU);
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
  expect(callbacks).toHaveLength(1);
  // Read once: the flow cookie is gone.
  expect((await page.context().cookies()).find((c) => c.name === 'rayon-psc-flow')).toBeUndefined();

  // « Mon compte » says how the session was opened and which e-CPS is linked.
  await page.goto('/compte');
  const section = page.getByTestId('psc-section');
  await expect(section.getByTestId('psc-session')).toHaveText(
    'Cette session a été ouverte avec Pro Santé Connect.',
  );
  await expect(section.getByTestId('psc-national-id')).toHaveText('810001234565');
  await shoot(page, 'compte-psc-liee', { folder: SHOTS, testInfo, testId: 'psc-section' });

  // Signing out ends the PSC session too, and PSC sends the browser back here.
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  // (PSC adds the state the API sent with the end_session request.)
  await expect(page).toHaveURL(/\/connexion\?deconnexion=psc(&state=[^&]+)?$/);
  await expect(page.getByTestId('psc-signed-out')).toHaveText(
    'Vous êtes déconnecté de Rayon et de Pro Santé Connect.',
  );
  await page.goto('/compte');
  await expect(page).toHaveURL(/\/connexion$/);
  // A new PSC sign-in asks the simulator again (no PSC session left to reuse).
  await toSimulator(page);
  await expect(page.getByRole('button', { name: MOREAU })).toBeVisible();
});

test('an authentication level other than eidas1 is refused', async ({ page }) => {
  await toSimulator(page);
  await chooseAtSimulator(page, MOREAU, SCENARIO.acr);
  await expectRefused(
    page,
    'acr_refused',
    'Votre authentification Pro Santé Connect n’a pas le niveau requis (eIDAS substantiel). Reconnectez-vous avec votre e-CPS ou votre carte CPS.',
  );
});

test('an id_token carrying a replayed nonce is refused', async ({ page }) => {
  await toSimulator(page);
  await chooseAtSimulator(page, MOREAU, SCENARIO.nonce);
  await expectRefused(page, 'nonce_mismatch', NOT_VERIFIED);
});

test('a tampered id_token is refused', async ({ page }) => {
  await toSimulator(page);
  await chooseAtSimulator(page, MOREAU, SCENARIO.tampered);
  await expectRefused(page, 'id_token_invalid', NOT_VERIFIED);
});

test('a callback address used once is refused the second time', async ({ page, browser }) => {
  const callbacks: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/connexion/psc/retour') callbacks.push(r.url());
  });
  await toSimulator(page);
  const flow = (await page.context().cookies()).find((c) => c.name === 'rayon-psc-flow') as Cookie;
  await chooseAtSimulator(page, MOREAU);
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
  const [callback] = callbacks;
  expect(callback).toMatch(/[?&]code=/);

  // The same browser: its flow cookie was read once and deleted.
  await page.goto(callback!);
  await expect(page).toHaveURL(/\/connexion\?psc=flow_expired$/);
  await expect(page.getByTestId('psc-error')).toContainText('a expiré ou a déjà été utilisée');

  // Another browser holding a copy of the flow cookie: the API finds the flow already used.
  const other = await person(browser);
  await other.context().addCookies([flow]);
  await other.goto(callback!);
  await expect(other).toHaveURL(/\/connexion\?psc=flow_expired$/);
  await expect(other.getByTestId('psc-error')).toContainText('a expiré ou a déjà été utilisée');
  await other.goto('/compte');
  await expect(other).toHaveURL(/\/connexion$/);
  await other.context().close();
});

test('an e-CPS linked to no account is told how to get one; nothing is created', async ({
  page,
}, testInfo) => {
  await toSimulator(page);
  await chooseAtSimulator(page, LEROY);
  await expect(page).toHaveURL(/\/connexion\/psc\/non-liee$/);
  await expect(page.getByTestId('psc-unlinked-name')).toContainText('LEROY');
  await expect(page.getByTestId('psc-unlinked')).toContainText(
    'Votre e-CPS n’est liée à aucun compte Rayon. Demandez à l’administrateur de votre établissement de vous inviter, puis acceptez l’invitation avec « Accepter avec ma e-CPS ». Rien n’a été créé.',
  );
  // The national id stays out of the address.
  expect(page.url()).not.toContain('810000000025');
  await shoot(page, 'psc-non-liee', { folder: SHOTS, testInfo });
  await page.goto('/compte');
  await expect(page).toHaveURL(/\/connexion$/);
});

interface CaughtMail {
  at: string;
  to: string[];
  text: string;
}

/** The invitation link of the newest mail sent to `email` after `since` (the portal's path). */
async function invitationFromMail(email: string, since: number): Promise<string> {
  let path: string | undefined;
  await expect
    .poll(
      async () => {
        const res = await fetch(`${env('RAYON_E2E_MAIL_URL')}/messages`);
        const mails = (await res.json()) as CaughtMail[];
        const mail = mails.find(
          (m) =>
            m.to.some((t) => t.toLowerCase() === email.toLowerCase()) && Date.parse(m.at) >= since - 1000,
        );
        const link = mail?.text.match(/https?:\/\/\S+?\/invitation\/[A-Za-z0-9_-]+/)?.[0];
        path = link ? new URL(link).pathname : undefined;
        return path;
      },
      { message: `an invitation mail to ${email}`, timeout: 20_000 },
    )
    .toMatch(/^\/invitation\//);
  return path!;
}

test('a resident invited by the administrator accepts « avec ma e-CPS » and lands signed in', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(120_000);
  await signInWithPassword(page, { ...ADMIN, totpSecret: demoTotpSecretFor(ADMIN.email) });
  await page.goto(`/t/${PRACTICE}/equipe`);
  const form = page.getByTestId('invite-form');
  const since = Date.now();
  await form.getByLabel('Adresse e-mail').fill(RESIDENT.email);
  await form.getByLabel('Nom affiché').fill(RESIDENT.name);
  await form.getByLabel('Interne', { exact: true }).check();
  await form.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(form.getByRole('status')).toHaveText(`Invitation envoyée à ${RESIDENT.email}.`);
  const path = await invitationFromMail(RESIDENT.email, since);

  const resident = await person(browser);
  await resident.goto(path);
  await expect(resident.getByTestId('psc-accept-form')).toBeVisible();
  await shoot(resident, 'invitation-psc', { folder: SHOTS, testInfo });
  await resident.getByLabel('J’accepte les conditions générales d’utilisation de Pro Santé Connect').check();
  await resident.getByRole('button', { name: /Accepter avec ma e-CPS/ }).click();
  await expect(resident.getByLabel('Scénario de test')).toBeVisible();
  await chooseAtSimulator(resident, PETIT);
  await resident.waitForURL(
    (url) => !url.pathname.startsWith('/connexion') && !url.pathname.startsWith('/invitation'),
  );
  await expect(resident.getByTestId('current-user')).toHaveText(/Camille Petit/i);
  await resident.goto('/compte');
  await expect(resident.getByTestId('psc-national-id')).toHaveText('810000000017');
  await resident.context().close();
});

test('the radiologist unlinks her e-CPS, then links it again from « Mon compte »', async ({
  page,
}, testInfo) => {
  await signInWithPassword(page, RADIOLOGIST);
  await page.goto('/compte');
  const section = page.getByTestId('psc-section');
  page.on('dialog', (dialog) => void dialog.accept());
  await section.getByRole('button', { name: 'Délier' }).click();
  await expect(page).toHaveURL(/\/compte\?psc=deliee$/);
  await expect(page.getByTestId('psc-unlinked')).toBeVisible();
  await shoot(page, 'compte-psc-lier', { folder: SHOTS, testInfo, testId: 'psc-section' });

  await section.getByLabel('J’accepte les conditions générales d’utilisation de Pro Santé Connect').check();
  await section.getByRole('button', { name: /Lier ma e-CPS/ }).click();
  await expect(page.getByLabel('Scénario de test')).toBeVisible();
  await chooseAtSimulator(page, MOREAU);
  await expect(page).toHaveURL(/\/compte\?psc=liee$/);
  await expect(page.getByTestId('psc-linked')).toBeVisible();
  await expect(page.getByTestId('psc-national-id')).toHaveText('810001234565');
});

test('a radiologist invited with her RPPS accepts with a password (no e-CPS linked yet)', async ({
  page,
  browser,
}) => {
  await signInWithPassword(page, { ...ADMIN, totpSecret: demoTotpSecretFor(ADMIN.email) });
  await page.goto(`/t/${PRACTICE}/equipe`);
  const form = page.getByTestId('invite-form');
  const since = Date.now();
  await form.getByLabel('Adresse e-mail').fill(LEROY_ACCOUNT.email);
  await form.getByLabel('Nom affiché').fill(LEROY_ACCOUNT.name);
  await form.getByLabel('Radiologue', { exact: true }).check();
  await form.getByLabel('Numéro RPPS (facultatif)').fill(LEROY_ACCOUNT.rpps);
  await form.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(form.getByRole('status')).toHaveText(`Invitation envoyée à ${LEROY_ACCOUNT.email}.`);
  const path = await invitationFromMail(LEROY_ACCOUNT.email, since);

  const leroy = await person(browser);
  await leroy.goto(path);
  await leroy.getByLabel('Mot de passe', { exact: true }).fill(LEROY_ACCOUNT.password);
  await leroy.getByLabel('Confirmation').fill(LEROY_ACCOUNT.password);
  await leroy.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(leroy.getByTestId('invitation-accepted')).toBeVisible();
  await leroy.context().close();
});

test('a PSC-only practice refuses the radiologist’s password, not the secretary’s', async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(120_000);
  await signInWithPassword(page, { ...ADMIN, totpSecret: demoTotpSecretFor(ADMIN.email) });
  const security = `/t/${PRACTICE}/equipe/connexions`;
  await page.goto(security);
  const toggle = page.getByTestId('toggle-psc-required');
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  try {
    await shoot(page, 'securite-psc-obligatoire', { folder: SHOTS, testInfo });

    const radiologist = await person(browser);
    await radiologist.goto('/connexion');
    await radiologist.getByLabel('Adresse e-mail').fill(RADIOLOGIST.email);
    await radiologist.getByLabel('Mot de passe').fill(RADIOLOGIST.password);
    await radiologist.getByRole('button', { name: 'Se connecter' }).click();
    const block = radiologist.getByTestId('psc-block');
    await expect(block.getByTestId('login-error')).toHaveText(PSC_REQUIRED);
    await expect(block.getByRole('link', { name: 'Se connecter avec Pro Santé Connect' })).toBeVisible();
    await expect(radiologist).toHaveURL(/\/connexion$/);
    await shoot(radiologist, 'connexion-psc-obligatoire', { folder: SHOTS, testInfo });
    // Through PSC she still comes in.
    await radiologist.getByRole('link', { name: 'Se connecter avec Pro Santé Connect' }).click();
    await chooseAtSimulator(radiologist, MOREAU);
    await expect(radiologist).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
    await radiologist.context().close();

    const secretary = await person(browser);
    await signInWithPassword(secretary, SECRETARY);
    await expect(secretary.getByTestId('current-user')).toBeVisible();
    await secretary.context().close();

    // A radiologist without e-CPS yet: her right password only lets her link one, then PSC signs her in.
    const leroy = await person(browser);
    await leroy.goto('/connexion');
    await leroy.getByLabel('Adresse e-mail').fill(LEROY_ACCOUNT.email);
    await leroy.getByLabel('Mot de passe').fill(LEROY_ACCOUNT.password);
    await leroy.getByRole('button', { name: 'Se connecter' }).click();
    const linkForm = leroy.getByTestId('psc-link-pending');
    await expect(leroy.getByTestId('login-error')).toHaveText(PSC_REQUIRED);
    await expect(linkForm).toContainText('Votre compte n’est pas encore lié à une e-CPS');
    await shoot(leroy, 'connexion-psc-a-lier', { folder: SHOTS, testInfo });
    await linkForm
      .getByLabel('J’accepte les conditions générales d’utilisation de Pro Santé Connect')
      .check();
    await linkForm.getByRole('button', { name: /Lier ma e-CPS/ }).click();
    await chooseAtSimulator(leroy, LEROY);
    await expect(leroy).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
    await leroy.goto('/compte');
    await expect(leroy.getByTestId('psc-national-id')).toHaveText('810000000025');
    await leroy.context().close();

    // The journal names both, and the level of the PSC sign-in.
    await page.reload();
    const journal = page.getByTestId('sign-in-journal');
    await expect(
      journal.getByText('Mot de passe refusé : Pro Santé Connect obligatoire').first(),
    ).toBeVisible();
    const pscRow = journal
      .getByRole('row')
      .filter({ hasText: 'Connexion réussie (Pro Santé Connect)' })
      .first();
    await expect(pscRow.getByTestId('sign-in-acr')).toHaveText('niveau eIDAS substantiel (eidas1)');
  } finally {
    // Back as it was, for the other specs.
    await page.goto(security);
    const again = page.getByTestId('toggle-psc-required');
    if ((await again.getAttribute('aria-checked')) === 'true') {
      await again.click();
      await expect(again).toHaveAttribute('aria-checked', 'false');
    }
  }
});
