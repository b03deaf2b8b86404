import { expect, test, type Browser, type ConsoleMessage, type Page } from '@playwright/test';
import { hashPassword } from '@rayon/access/secrets';
import {
  findTenantBySlug,
  findUserByEmail,
  listLiveSessions,
  upsertMembership,
  upsertUser,
  upsertUserProfile,
} from '@rayon/db';
import { inPractice, PRACTICE, stackDatabase } from './stack.ts';
import { shoot } from './support/screens.ts';

/**
 * « Mot de passe oublié » and « Mon compte » (issue 12): a secretary of the demo practice, signed
 * in on a second browser, forgets her password; the mail caught by the stack's mail catcher links
 * to the reset page, which refuses a weak password in French, then takes a strong one once (the
 * link then says it was used); her other browser is sent back to the sign-in page. Signed in
 * again, « Mon compte » lists her sessions and ends the other one; she changes her password.
 * Every page runs under the portal's CSP (a nonce per request) without a single violation in the
 * console; the favicon is served. Screenshots (1366 and 390 px) of the reset page and « Mon
 * compte » go to /tmp/shots-account (or RAYON_SCREENSHOTS).
 */
test.describe.configure({ mode: 'serial' });

const SHOTS = '/tmp/shots-account';
const suffix = Date.now().toString(36);
const USER = {
  name: 'Léa Fontaine',
  email: `lea.fontaine.${suffix}@example.fr`,
  password: 'Glycine-Morlaix-Noroit-58',
};
const NEW_PASSWORD = 'Hortensia-Quimper-Suroit-73';
const NEWEST_PASSWORD = 'Bruyere-Concarneau-Galerne-29';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (globalSetup)`);
  return value;
}

interface CaughtMail {
  at: string;
  to: string[];
  subject: string;
  text: string;
}

/** The reset link (portal path) of the newest reset mail to `email` sent after `since`. */
async function resetLinkFromMail(email: string, since: number): Promise<{ path: string; mail: CaughtMail }> {
  let found: { path: string; mail: CaughtMail } | undefined;
  await expect
    .poll(
      async () => {
        const mails = (await (await fetch(`${env('RAYON_E2E_MAIL_URL')}/messages`)).json()) as CaughtMail[];
        const mail = mails.find(
          (m) => m.to.some((t) => t.toLowerCase() === email) && Date.parse(m.at) >= since - 1000,
        );
        const link = mail?.text.match(/https?:\/\/\S+?\/mot-de-passe\/[A-Za-z0-9_-]+/)?.[0];
        found = mail && link ? { path: new URL(link).pathname, mail } : undefined;
        return found?.path;
      },
      { message: `a reset mail to ${email}`, timeout: 20_000 },
    )
    .toMatch(/^\/mot-de-passe\//);
  return found!;
}

/**
 * What Chromium's console says against the security headers: CSP violations (« Refused to …
 * Content Security Policy ») and Permissions-Policy errors (an unknown feature).
 */
const headerComplaints: string[] = [];
function watchCsp(page: Page) {
  page.on('console', (m: ConsoleMessage) => {
    const text = m.text();
    if (
      /Content Security Policy|Refused to (load|execute|apply|frame|connect)|Permissions-Policy/i.test(text)
    ) {
      headerComplaints.push(`${page.url()}: ${text}`);
    }
  });
  page.on('pageerror', (e) => {
    if (/Content Security Policy/i.test(e.message)) headerComplaints.push(`${page.url()}: ${e.message}`);
  });
}

async function person(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  watchCsp(page);
  return page;
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}`));
}

let me: Page;
let elsewhere: Page;

test.beforeAll(async ({ browser }) => {
  // A secretary of the demo practice of her own (the demo accounts keep their passwords).
  const db = stackDatabase();
  try {
    const passwordHash = await hashPassword(USER.password);
    const user = await db.platform(async (tx) => {
      const u = await upsertUser(tx, { email: USER.email, displayName: USER.name, passwordHash });
      const tenant = (await findTenantBySlug(tx, PRACTICE))!;
      await upsertMembership(tx, u.id, tenant.id, ['secretary']);
      return u;
    });
    await inPractice((tx) => upsertUserProfile(tx, { userId: user.id, displayName: USER.name }));
  } finally {
    await db.close();
  }
  me = await person(browser);
  elsewhere = await person(browser);
});

test.afterAll(async () => {
  await me?.context().close();
  await elsewhere?.context().close();
});

test('the portal answers with a CSP carrying a fresh nonce, its security headers, and its icon', async ({
  request,
}) => {
  const a = await request.get('/connexion');
  const b = await request.get('/connexion');
  const csp = a.headers()['content-security-policy'] ?? '';
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(b.headers()['content-security-policy']).not.toContain(nonce);
  expect(csp).toContain("'strict-dynamic'");
  for (const directive of [
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ]) {
    expect(csp).toContain(directive);
  }
  const html = await a.text();
  // Next's scripts carry the nonce of that answer.
  expect(html).toMatch(new RegExp(`<script[^>]+nonce="${nonce!.replace(/[+/=]/g, '\\$&')}"`));
  expect(a.headers()['x-frame-options']).toBe('DENY');
  expect(a.headers()['x-content-type-options']).toBe('nosniff');
  expect(a.headers()['referrer-policy']).toBe('same-origin');
  expect(a.headers()['permissions-policy']).toContain('camera=()');
  // Plain HTTP here: no HSTS.
  expect(a.headers()['strict-transport-security']).toBeUndefined();

  const href = /<link rel="icon" href="([^"]+)"[^>]*type="image\/svg\+xml"/.exec(html)?.[1];
  expect(href).toMatch(/^\/icon\.svg/);
  const icon = await request.get(href!);
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
  expect(await icon.text()).toContain('<svg');
});

test('forgotten password: one answer for all, the mailed link works once, every session ends', async () => {
  // Signed in on another browser beforehand.
  await signIn(elsewhere, USER.email, USER.password);

  await me.goto('/connexion');
  await me.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
  await expect(me).toHaveURL(/\/mot-de-passe-oublie$/);
  // An unknown address gets the same answer.
  await me.getByLabel('Adresse e-mail').fill(`personne.${suffix}@example.fr`);
  await me.getByRole('button', { name: 'Recevoir un lien' }).click();
  await expect(me.getByTestId('reset-requested')).toContainText(
    "Si un compte existe pour cette adresse, un e-mail vient d'être envoyé",
  );
  const since = Date.now();
  await me.getByLabel('Adresse e-mail').fill(USER.email.toUpperCase());
  await me.getByRole('button', { name: 'Recevoir un lien' }).click();
  await expect(me.getByTestId('reset-requested')).toBeVisible();

  const { path, mail } = await resetLinkFromMail(USER.email, since);
  expect(mail.subject).toBe('Réinitialisation de votre mot de passe Rayon');
  expect(mail.text).toContain('30 minutes');

  await me.goto(path);
  await expect(me.getByRole('heading', { name: 'Nouveau mot de passe' })).toBeVisible();
  await shoot(me, 'mot-de-passe', { folder: SHOTS });
  // Weak, then different twice: refused in French, the link still usable.
  await me.getByLabel('Nouveau mot de passe', { exact: true }).fill('FontaineLea2026!');
  await me.getByLabel('Confirmation du nouveau mot de passe').fill('FontaineLea2026!');
  await me.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(me.getByTestId('error-password')).toContainText(
    'Ce mot de passe serait trop facile à deviner',
  );
  await expect(me.getByTestId('error-password')).toContainText(
    'Le mot de passe ne doit pas comporter de données personnelles',
  );
  await shoot(me, 'mot-de-passe-refus', { folder: SHOTS });
  await me.getByLabel('Nouveau mot de passe', { exact: true }).fill(NEW_PASSWORD);
  await me.getByLabel('Confirmation du nouveau mot de passe').fill(`${NEW_PASSWORD}x`);
  await me.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(me.getByTestId('error-confirmation')).toHaveText(
    'Les deux mots de passe ne sont pas identiques.',
  );
  await me.getByLabel('Nouveau mot de passe', { exact: true }).fill(NEW_PASSWORD);
  await me.getByLabel('Confirmation du nouveau mot de passe').fill(NEW_PASSWORD);
  await me.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(me.getByTestId('password-reset-done')).toHaveText(
    'Mot de passe modifié : connectez-vous avec votre nouveau mot de passe.',
  );

  // The link works once.
  await me.goto(path);
  await expect(me.getByTestId('reset-invalid')).toContainText('a déjà servi');
  await shoot(me, 'mot-de-passe-lien-utilise', { folder: SHOTS });

  // The session opened before on the other browser has ended.
  await elsewhere.goto(`/t/${PRACTICE}`);
  await expect(elsewhere).toHaveURL(/\/connexion\?session=expiree/);
  await expect(elsewhere.getByTestId('session-expired')).toHaveText(
    'Votre session a expiré. Veuillez vous reconnecter.',
  );

  // The old password no longer opens anything; the new one does.
  await elsewhere.getByLabel('Adresse e-mail').fill(USER.email);
  await elsewhere.getByLabel('Mot de passe', { exact: true }).fill(USER.password);
  await elsewhere.getByRole('button', { name: 'Se connecter' }).click();
  await expect(elsewhere.getByTestId('login-error')).toBeVisible();
  await signIn(elsewhere, USER.email, NEW_PASSWORD);
});

test('« Mon compte »: the sessions, one ended from the other; the password changed', async () => {
  await signIn(me, USER.email, NEW_PASSWORD);
  await me.getByRole('link', { name: 'Mon compte' }).click();
  await expect(me).toHaveURL(/\/compte$/);
  await expect(me.getByRole('heading', { name: 'Mon compte', level: 1 })).toBeVisible();
  await expect(me.getByTestId('session-current')).toHaveCount(1);
  await expect(me.getByTestId('session-current')).toContainText('Cette session');
  await expect(me.getByTestId('session-current')).toContainText('Chrom');
  await expect(me.getByTestId('session')).toHaveCount(1);
  await shoot(me, 'mon-compte', { folder: SHOTS });

  await me.getByTestId('session').getByRole('button', { name: 'Déconnecter' }).click();
  await expect(me.getByTestId('session-revoked')).toBeVisible();
  await expect(me.getByTestId('session')).toHaveCount(0);
  await elsewhere.reload();
  await expect(elsewhere).toHaveURL(/\/connexion\?session=expiree/);

  // Password change: the current one checked, the policy in French, then done.
  await signIn(elsewhere, USER.email, NEW_PASSWORD);
  await me.goto('/compte');
  await me.getByLabel('Mot de passe actuel').fill('pas le bon mot de passe');
  await me.getByLabel('Nouveau mot de passe', { exact: true }).fill(NEWEST_PASSWORD);
  await me.getByLabel('Confirmation du nouveau mot de passe').fill(NEWEST_PASSWORD);
  await me.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(me.getByTestId('error-currentPassword')).toHaveText('Mot de passe actuel incorrect.');
  await me.getByLabel('Mot de passe actuel').fill(NEW_PASSWORD);
  await me.getByLabel('Nouveau mot de passe', { exact: true }).fill(' '.repeat(12));
  await me.getByLabel('Confirmation du nouveau mot de passe').fill(' '.repeat(12));
  await me.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(me.getByTestId('error-newPassword')).toContainText('espaces');
  await me.getByLabel('Mot de passe actuel').fill(NEW_PASSWORD);
  await me.getByLabel('Nouveau mot de passe', { exact: true }).fill(NEWEST_PASSWORD);
  await me.getByLabel('Confirmation du nouveau mot de passe').fill(NEWEST_PASSWORD);
  await me.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(me.getByTestId('password-changed')).toContainText('Votre autre session a été fermée.');
  await me.reload();
  await expect(me.getByTestId('session-current')).toHaveCount(1);
  await elsewhere.reload();
  await expect(elsewhere).toHaveURL(/\/connexion\?session=expiree/);
});

test('no CSP violation nor header error on the pages used, nor on a few practice screens', async () => {
  // Nothing on the pages of the tests above (sign-in, reset, « Mon compte »)…
  await me.goto('/compte');
  expect(headerComplaints).toEqual([]);
  // …and the watch does see a violation: an image from elsewhere is refused and reported.

  await me.evaluate(() => {
    const img = document.createElement('img');
    img.src = 'https://example.invalid/pixel.png';
    document.body.append(img);
  });
  await expect.poll(() => headerComplaints.length).toBe(1);
  expect(headerComplaints[0]).toMatch(/img-src/);
  headerComplaints.length = 0;

  for (const path of ['', '/patients', '/planning', '/demandes', '/comptes-rendus']) {
    await me.goto(`/t/${PRACTICE}${path}`);
    await expect(me.locator('main')).toBeVisible();
    // Client-side navigation works (the page's scripts ran under the CSP).
    await me.waitForLoadState('networkidle');
  }
  await me.getByRole('link', { name: 'Mon compte' }).click();
  await expect(me).toHaveURL(/\/compte$/);
  expect(headerComplaints).toEqual([]);
});

test('a page refreshing itself on a screen left alone does not keep the session alive', async () => {
  const db = stackDatabase();
  const userId = (await db.platform((tx) => findUserByEmail(tx, USER.email)))!.id;
  /** Pretends the sessions were last used 5 minutes ago; after `fn`, whether each was used since. */
  const usedDuring = async (fn: () => Promise<void>) => {
    await db.platform((tx) =>
      tx.execute(
        `update platform.sessions set last_seen_at = now() - interval '5 minutes' where user_id = '${userId}'`,
      ),
    );
    const before = Date.now();
    await fn();
    const sessions = await db.platform((tx) => listLiveSessions(tx, userId));
    return sessions.map((s) => s.lastSeenAt.getTime() > before - 10_000);
  };
  const unattended = async (page: Page) =>
    (await page.context().cookies()).some((c) => c.name === 'rayon-unattended' && c.value === '1');
  try {
    const page = await me.context().newPage();
    await page.clock.install();
    await page.goto(`/t/${PRACTICE}/accueil`);
    await expect(page.locator('main')).toBeVisible();
    expect(await unattended(page)).toBe(false);
    // A minute and a half without a key, a touch or the mouse: the page marks its refresh.
    await page.clock.fastForward('01:30');
    await expect.poll(() => unattended(page)).toBe(true);
    // A request so marked is served but is no activity for the API…
    const load = async () => {
      expect((await page.request.get(`/t/${PRACTICE}/accueil`)).status()).toBe(200);
    };
    expect(await usedDuring(load)).toEqual([false]);
    // …and the person moving the mouse clears the mark at once: requests count again.
    await page.mouse.move(200, 200);
    await page.mouse.move(220, 240);
    expect(await unattended(page)).toBe(false);
    expect(await usedDuring(load)).toEqual([true]);
    await page.close();
  } finally {
    await db.close();
  }
});
