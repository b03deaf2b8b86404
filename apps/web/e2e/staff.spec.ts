import { expect, test, type Page } from '@playwright/test';
import { person, shoot } from './support/screens.ts';
import { demoTotpSecretFor, freshTotpCode, signIn as signInWithCode } from './support/sign-in.ts';

/**
 * A practice's team, from its onboarding to a validated report (issue 12): the platform
 * administrator onboards a new practice, its administrator accepts the invitation from the mail
 * caught by the stack's mail catcher and opens « Équipe »; invites a radiologist with a complete
 * profile (a wrong RPPS refused next to its field first) and a secretary, who accept from their
 * mails; the radiologist is « Signataire »; the secretary is deactivated and her open session
 * ends; an address that already has a Rayon account (the demo secretary) sees no password field
 * and accepts signed in, her password unchanged. Then the practice gets a room, a modality, an
 * exam type, a patient, a demande, an appointment, the exam done, and the radiologist invited
 * that way validates its report — refused in French first while her profile may not sign.
 * Screenshots (1366 and 390 px) of Équipe and of both invitation pages go to /tmp/shots-staff
 * (or RAYON_SCREENSHOTS).
 */
test.describe.configure({ mode: 'serial' });

const SHOTS = '/tmp/shots-staff';
const suffix = Date.now().toString(36);
const PRACTICE = {
  // Named after « Centre d'imagerie de démonstration »: the demo secretary's first practice stays hers.
  name: `Radiologie du Parc ${suffix}`,
  slug: `parc-${suffix}`,
  finess: '750712184',
};
const ADMIN = {
  name: 'Claire Martin',
  email: `claire.martin.${suffix}@example.fr`,
  password: 'Lavande-Grenoble-Mistral-42',
};
const RADIOLOGIST = {
  name: 'Dr Marie Dupont',
  email: `marie.dupont.${suffix}@example.fr`,
  password: 'Coquelicot-Valence-Tramontane-17',
};
const SECRETARY = {
  name: 'Léa Garnier',
  email: `lea.garnier.${suffix}@example.fr`,
  password: 'Mimosa-Annecy-Sirocco-2031',
};
const DEMO_SECRETARY = {
  name: 'Nadia Accueil',
  email: 'accueil@rayon.local',
  password: 'rayon-accueil-demo',
};
const PATIENT = { family: 'Parcval', given: 'Hélène', full: 'PARCVAL Hélène' };

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (globalSetup)`);
  return value;
}

interface CaughtMail {
  id: string;
  at: string;
  to: string[];
  subject: string;
  text: string;
}

/** The invitation link of the newest mail sent to `email` after `since` (the portal's path). */
async function invitationFromMail(
  email: string,
  since: number,
  timeout = 20_000,
): Promise<{ path: string; mail: CaughtMail }> {
  let found: { path: string; mail: CaughtMail } | undefined;
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
        found = mail && link ? { path: new URL(link).pathname, mail } : undefined;
        return found?.path;
      },
      { message: `an invitation mail to ${email}`, timeout },
    )
    .toMatch(/^\/invitation\//);
  return found!;
}

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(who.email);
  await page.getByLabel('Mot de passe').fill(who.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

const equipe = `/t/${PRACTICE.slug}/equipe`;
let admin: Page;
let radiologist: Page;
let secretary: Page;

test.afterAll(async () => {
  for (const p of [admin, radiologist, secretary]) await p?.context().close();
});

test('the platform administrator onboards a practice; its administrator accepts from the mail', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const since = Date.now();
  const platformAdmin = { email: env('RAYON_E2E_ADMIN_EMAIL'), password: env('RAYON_E2E_ADMIN_PASSWORD') };
  await signInWithCode(page, { ...platformAdmin, totpSecret: demoTotpSecretFor(platformAdmin.email) });
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole('link', { name: 'Nouvel établissement' }).click();
  await page.getByLabel("Nom de l'établissement").fill(PRACTICE.name);
  await page.getByLabel('Identifiant').fill(PRACTICE.slug);
  await page.getByLabel('FINESS juridique').fill(PRACTICE.finess);
  await page.getByLabel('Nom du site').fill('Site du Parc');
  await page.getByLabel('Ville').fill('Lyon');
  await page.getByLabel('Nom', { exact: true }).fill(ADMIN.name);
  await page.getByLabel('Adresse e-mail').fill(ADMIN.email);
  await page.getByRole('button', { name: "Créer l'établissement" }).click();
  await expect(page.getByTestId('tenant-status')).toHaveText('Actif', { timeout: 60_000 });

  // The administrator's invitation went by mail; a new address chooses its password.
  await expect(page.getByTestId('invitation-sent')).toContainText(ADMIN.email);
  const { path } = await invitationFromMail(ADMIN.email, since);
  admin = await person(browser);
  await admin.goto(path);
  await expect(admin.getByRole('heading', { name: `Invitation à rejoindre ${PRACTICE.name}` })).toBeVisible();
  await admin.getByLabel('Mot de passe', { exact: true }).fill(ADMIN.password);
  await admin.getByLabel('Confirmation').fill(ADMIN.password);
  await admin.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(admin.getByTestId('invitation-accepted')).toBeVisible();
  await admin.getByLabel('Mot de passe').fill(ADMIN.password);
  await admin.getByRole('button', { name: 'Se connecter' }).click();
  // An administrator enrols a second factor before the first session.
  await expect(admin).toHaveURL(/\/connexion\/double-authentification$/);
  const key = ((await admin.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  await admin.getByLabel('Code de vérification').fill(await freshTotpCode(ADMIN.email, key));
  await admin.getByRole('button', { name: 'Activer' }).click();
  await admin.getByRole('button', { name: "J'ai noté mes codes" }).click();
  await expect(admin).toHaveURL(new RegExp(`/t/${PRACTICE.slug}$`));

  // « Équipe » is in the administrator's navigation; they are its only member.
  const nav = admin.getByRole('navigation', { name: "Navigation de l'établissement" });
  await nav.getByRole('link', { name: 'Équipe' }).click();
  await expect(admin.getByRole('heading', { name: 'Équipe', level: 1 })).toBeVisible();
  const me = admin.getByTestId(`member-${ADMIN.email}`);
  await expect(me).toContainText(ADMIN.name);
  await expect(me).toContainText('(vous)');
  await expect(me.getByTestId('member-roles')).toHaveText('Administrateur du cabinet');
  await expect(me.getByTestId('member-state')).toHaveText('Actif');
  await expect(me.getByTestId('member-last-sign-in')).toHaveText(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
  // Nobody deactivates themselves.
  await expect(me.getByRole('button', { name: 'Désactiver' })).toHaveCount(0);
});

test('the administrator invites a radiologist (a wrong RPPS refused first) and a secretary', async () => {
  const form = admin.getByTestId('invite-form');
  await form.getByLabel('Adresse e-mail').fill(RADIOLOGIST.email);
  await form.getByLabel('Nom affiché').fill(RADIOLOGIST.name);
  // The profile appears with the role Radiologue.
  await expect(form.getByLabel('Numéro RPPS (facultatif)')).toHaveCount(0);
  await form.getByLabel('Radiologue').check();
  await form.getByLabel('Civilité (facultatif)').selectOption('Dr');
  await form.getByLabel("Nom d'exercice (facultatif)", { exact: true }).fill('DUPONT');
  await form.getByLabel("Prénom d'exercice (facultatif)").fill('Marie');
  await form.getByLabel('Numéro RPPS (facultatif)').fill('10001234566');
  await form.getByLabel('Signe les comptes rendus').check();
  await form.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(form.getByTestId('error-rpps')).toHaveText(
    'Le numéro RPPS compte 11 chiffres et sa clé doit être valide.',
  );
  // What was typed stays.
  await expect(form.getByLabel('Adresse e-mail')).toHaveValue(RADIOLOGIST.email);
  await expect(form.getByLabel('Radiologue')).toBeChecked();
  await expect(form.getByLabel("Nom d'exercice (facultatif)", { exact: true })).toHaveValue('DUPONT');
  await expect(form.getByLabel('Signe les comptes rendus')).toBeChecked();
  // The refusal comes from the shared staff schema, in French, next to its field.
  await shoot(admin, 'equipe-invite-rpps-refused', { folder: SHOTS, testId: 'invite-form' });

  const since = Date.now();
  await form.getByLabel('Numéro RPPS (facultatif)').fill('10001234565');
  await form.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(form.getByRole('status')).toHaveText(`Invitation envoyée à ${RADIOLOGIST.email}.`);
  const invited = admin.getByTestId(`invitation-${RADIOLOGIST.email}`);
  await expect(invited).toContainText('Radiologue');
  await expect(invited.getByTestId('invitation-sending')).toContainText('Envoyée le');
  await expect(invited.getByTestId('invitation-expiry')).toContainText('Expire le');

  // The same address again: refused next to its field.
  await form.getByLabel('Adresse e-mail').fill(RADIOLOGIST.email);
  await form.getByLabel('Nom affiché').fill('Encore elle');
  await form.getByLabel('Secrétaire médicale').check();
  await form.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(form.getByTestId('error-email')).toHaveText('Cette adresse est déjà membre ou invitée.');

  await form.getByLabel('Adresse e-mail').fill(SECRETARY.email);
  await form.getByLabel('Nom affiché').fill(SECRETARY.name);
  await expect(form.getByLabel('Secrétaire médicale')).toBeChecked();
  await form.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(form.getByRole('status')).toHaveText(`Invitation envoyée à ${SECRETARY.email}.`);
  await expect(admin.getByTestId(`invitation-${SECRETARY.email}`)).toContainText('Secrétaire médicale');
  const first = await invitationFromMail(RADIOLOGIST.email, since);

  // « Renvoyer »: a new link by mail, the first one no longer works.
  const resent = Date.now();
  await invited.getByRole('button', { name: 'Renvoyer' }).click();
  await expect(invited.getByRole('status')).toHaveText(
    `Invitation renvoyée à ${RADIOLOGIST.email}. L'ancien lien ne fonctionne plus.`,
  );
  const second = await invitationFromMail(RADIOLOGIST.email, resent);
  expect(second.path).not.toBe(first.path);
  const stale = await admin.context().newPage();
  await stale.goto(first.path);
  await expect(stale.getByTestId('invitation-invalid')).toBeVisible();
  await stale.close();

  // « Annuler » (confirmed): the invitation leaves the list.
  const mistaken = `erreur.${suffix}@example.fr`;
  await form.getByLabel('Adresse e-mail').fill(mistaken);
  await form.getByLabel('Nom affiché').fill('Invitation par erreur');
  await form.getByLabel('Manipulateur en électroradiologie médicale').check();
  await form.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(form.getByRole('status')).toHaveText(`Invitation envoyée à ${mistaken}.`);
  await admin.getByTestId(`invitation-${mistaken}`).getByRole('button', { name: 'Annuler' }).click();
  await expect(admin.getByTestId(`invitation-${mistaken}`)).toHaveCount(0);
  await shoot(admin, 'equipe-invitations', { folder: SHOTS });
});

test('the radiologist and the secretary accept from their mails and sign in', async ({ browser }) => {
  const { path } = await invitationFromMail(RADIOLOGIST.email, 0);
  radiologist = await person(browser);
  await radiologist.goto(path);
  await expect(radiologist.getByText(RADIOLOGIST.email)).toBeVisible();
  await shoot(radiologist, 'invitation-new-account', { folder: SHOTS });
  await radiologist.getByLabel('Mot de passe', { exact: true }).fill(RADIOLOGIST.password);
  await radiologist.getByLabel('Confirmation').fill(RADIOLOGIST.password);
  await radiologist.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(radiologist.getByTestId('invitation-accepted')).toBeVisible();
  await radiologist.getByLabel('Mot de passe').fill(RADIOLOGIST.password);
  await radiologist.getByRole('button', { name: 'Se connecter' }).click();
  await expect(radiologist).toHaveURL(new RegExp(`/t/${PRACTICE.slug}$`));
  await expect(radiologist.getByTestId('user-roles')).toContainText('Radiologue');
  // Not an administrator: no « Équipe ».
  const nav = radiologist.getByRole('navigation', { name: "Navigation de l'établissement" });
  await expect(nav.getByRole('link', { name: 'Comptes rendus' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Équipe' })).toHaveCount(0);

  const invitation = await invitationFromMail(SECRETARY.email, 0);
  secretary = await person(browser);
  await secretary.goto(invitation.path);
  await secretary.getByLabel('Mot de passe', { exact: true }).fill(SECRETARY.password);
  await secretary.getByLabel('Confirmation').fill(SECRETARY.password);
  await secretary.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await expect(secretary.getByTestId('invitation-accepted')).toBeVisible();
  await secretary.getByLabel('Mot de passe').fill(SECRETARY.password);
  await secretary.getByRole('button', { name: 'Se connecter' }).click();
  await expect(secretary).toHaveURL(new RegExp(`/t/${PRACTICE.slug}$`));

  // The administrator sees them as members; the radiologist signs, with her profile as invited.
  await admin.goto(equipe);
  await expect(admin.getByTestId('no-invitations')).toBeVisible();
  const rad = admin.getByTestId(`member-${RADIOLOGIST.email}`);
  await expect(rad.getByTestId('member-roles')).toHaveText('Radiologue');
  await expect(rad.getByTestId('signer-ready')).toHaveText('Signataire');
  await expect(rad.getByTestId('member-last-sign-in')).not.toHaveText('jamais');
  const sec = admin.getByTestId(`member-${SECRETARY.email}`);
  await expect(sec.getByTestId('member-roles')).toHaveText('Secrétaire médicale');
  await expect(sec.getByTestId('member-state')).toHaveText('Actif');
  // Her page: the profile as invited; a wrong RPPS key is refused next to its field.
  await rad.getByRole('link', { name: `Modifier ${RADIOLOGIST.name}` }).click();
  await expect(admin.getByRole('heading', { name: RADIOLOGIST.name, level: 1 })).toBeVisible();
  await expect(admin.getByLabel('Numéro RPPS (facultatif)')).toHaveValue('10001234565');
  await expect(admin.getByLabel('Civilité (facultatif)')).toHaveValue('Dr');
  await expect(admin.getByLabel("Nom d'exercice (facultatif)", { exact: true })).toHaveValue('DUPONT');
  await expect(admin.getByLabel("Prénom d'exercice (facultatif)")).toHaveValue('Marie');
  await expect(admin.getByLabel('Signe les comptes rendus')).toBeChecked();
  await admin.getByLabel('Numéro RPPS (facultatif)').fill('10001234560');
  await admin.getByRole('button', { name: 'Enregistrer le profil' }).click();
  await expect(admin.getByTestId('error-rpps')).toHaveText(
    'Le numéro RPPS compte 11 chiffres et sa clé doit être valide.',
  );
  await shoot(admin, 'equipe-member', { folder: SHOTS });
  await admin.goto(equipe);
});

test('the secretary is deactivated: her open session ends at once', async () => {
  await secretary.goto(`/t/${PRACTICE.slug}/patients`);
  await expect(secretary.getByRole('heading', { name: 'Patients', level: 1 })).toBeVisible();

  const sec = admin.getByTestId(`member-${SECRETARY.email}`);
  await sec.getByRole('button', { name: 'Désactiver' }).click();
  await expect(sec.getByTestId('member-state')).toHaveText('Désactivé');
  await expect(sec.getByRole('status')).toContainText("ses sessions et ses clés d'API ont pris fin");
  await expect(sec.getByRole('button', { name: 'Réactiver' })).toBeVisible();

  await secretary.reload();
  await expect(secretary).toHaveURL(/\/connexion/);
});

test('an address with a Rayon account sees no password field and accepts signed in', async ({ browser }) => {
  const since = Date.now();
  const form = admin.getByTestId('invite-form');
  await form.getByLabel('Adresse e-mail').fill(DEMO_SECRETARY.email);
  await form.getByLabel('Nom affiché').fill(DEMO_SECRETARY.name);
  await form.getByLabel('Secrétaire médicale').check();
  await form.getByRole('button', { name: "Envoyer l'invitation" }).click();
  await expect(form.getByRole('status')).toHaveText(`Invitation envoyée à ${DEMO_SECRETARY.email}.`);
  await expect(admin.getByTestId(`invitation-${DEMO_SECRETARY.email}`)).toContainText(
    'A déjà un compte Rayon',
  );

  const { path } = await invitationFromMail(DEMO_SECRETARY.email, since);
  const page = await person(browser);
  try {
    await page.goto(path);
    await expect(
      page.getByRole('heading', { name: `Invitation à rejoindre ${PRACTICE.name}` }),
    ).toBeVisible();
    await expect(page.getByTestId('existing-account')).toHaveText(
      "Cette adresse a déjà un compte Rayon : connectez-vous pour accepter l'invitation.",
    );
    await expect(page.getByLabel(/Mot de passe/)).toHaveCount(0);
    await shoot(page, 'invitation-existing-account', { folder: SHOTS });

    // Signing in comes back to the invitation.
    await page.getByRole('link', { name: 'Se connecter pour accepter' }).click();
    await expect(page).toHaveURL(/\/connexion\?suite=%2Finvitation%2F/);
    await expect(page.getByTestId('sign-in-to-accept')).toBeVisible();
    await expect(page.getByLabel('Adresse e-mail')).toHaveValue(DEMO_SECRETARY.email);
    await page.getByLabel('Mot de passe').fill(DEMO_SECRETARY.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.getByLabel(/Mot de passe/)).toHaveCount(0);
    await shoot(page, 'invitation-existing-account-signed-in', { folder: SHOTS });
    await page.getByRole('button', { name: "Accepter l'invitation" }).click();
    await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE.slug}$`));
    await expect(page.getByTestId('user-roles')).toContainText('Secrétaire médicale');

    // Her password did not change: she signs in again with it.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page).toHaveURL(/\/connexion/);
    await signIn(page, DEMO_SECRETARY);
    await expect(page).toHaveURL(/\/t\/imagerie-demo$/);
    await page.goto(`/t/${PRACTICE.slug}`);
    await expect(page.getByTestId('current-tenant')).toContainText(PRACTICE.name);
  } finally {
    await page.context().close();
  }
  await admin.goto(equipe);
  await expect(admin.getByTestId(`member-${DEMO_SECRETARY.email}`).getByTestId('member-state')).toHaveText(
    'Actif',
  );
  await shoot(admin, 'equipe', { folder: SHOTS });
});

test('the practice gets a room, a modality, an exam, a patient and a done exam', async () => {
  const page = admin;
  await page.goto(`/t/${PRACTICE.slug}/configuration`);
  const room = page.locator('details', { has: page.getByText('Ajouter une salle') });
  await room.getByText('Ajouter une salle').click();
  await room.getByLabel('Nom de la salle').fill('Salle 1');
  await room.getByRole('button', { name: 'Ajouter la salle' }).click();
  await expect(page.getByTestId('rooms')).toContainText('Salle 1');

  const modality = page.locator('details', { has: page.getByText('Ajouter une modalité') });
  await modality.getByText('Ajouter une modalité').click();
  await modality.getByLabel('Salle').selectOption({ label: 'Salle 1' });
  await modality.locator('input[name="name"]').fill('Radiographie 1');
  await modality.getByLabel('Type', { exact: true }).selectOption('DX');
  await modality.getByLabel('Titre AE (DICOM)').fill(`PARC_DX_${suffix.slice(-5).toUpperCase()}`);
  // Open every day, all day: the first slot is now.
  for (const day of ['Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi', 'Samedi', 'Dimanche']) {
    await modality.getByLabel(`${day} (facultatif)`).fill('00:00-23:59');
  }
  await modality.getByRole('button', { name: 'Ajouter la modalité' }).click();
  await expect(page.getByTestId('modalities')).toContainText('Radiographie 1');

  const catalogue = page.locator('details', { has: page.getByText('Ajouter un examen au catalogue') });
  await catalogue.getByText('Ajouter un examen au catalogue').click();
  await catalogue.getByLabel('Libellé', { exact: true }).fill('Radiographie du thorax');
  await catalogue.getByLabel('Type de modalité').selectOption('DX');
  await catalogue.getByLabel('Durée (minutes)').fill('15');
  await catalogue.getByLabel('Code CCAM (facultatif)').fill('ZBQK002');
  await catalogue.getByRole('button', { name: 'Ajouter au catalogue' }).click();
  await expect(page.getByTestId('exam-types')).toContainText('Radiographie du thorax');

  // A patient, her demande, the first slot booked.
  await page.goto(`/t/${PRACTICE.slug}/patients/nouveau`);
  await page.getByLabel('Nom de naissance', { exact: true }).fill(PATIENT.family);
  await page.getByLabel('Premier prénom de naissance').fill(PATIENT.given);
  await page.getByLabel('Date de naissance', { exact: true }).fill('1968-03-09');
  await page.getByLabel('Féminin', { exact: true }).check();
  await page.getByRole('button', { name: 'Créer le patient' }).click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}\?cree=1$/);
  await page.getByRole('link', { name: "Nouvelle demande d'examen" }).click();
  await page.getByLabel('Radiographie du thorax').check();
  await page.getByRole('button', { name: 'Créer la demande' }).click();
  await expect(page.getByRole('status').filter({ hasText: "Demande d'examen créée" })).toBeVisible();
  await page.getByRole('button', { name: 'Réserver ce créneau' }).click();

  // The desk's day of that slot: arrived; the worklist: started, then done.
  const row = page.getByTestId('desk-appointments').getByRole('row', { name: new RegExp(PATIENT.full) });
  await row.getByRole('button', { name: 'Arrivé' }).click();
  await expect(row.getByTestId('exam-status')).toHaveText('Arrivé');
  await page
    .getByTestId('desk-modality')
    .filter({ has: row })
    .getByRole('link', { name: 'Liste de travail' })
    .click();
  const step = page.getByTestId('worklist').getByRole('row', { name: new RegExp(PATIENT.full) });
  await step.getByRole('button', { name: "Débuter l'examen" }).click();
  await expect(step.getByTestId('exam-status')).toHaveText('En cours');
  await step.getByRole('button', { name: "Terminer l'examen" }).click();
  await expect(step.getByTestId('exam-status')).toHaveText('Terminé');
});

test('the invited radiologist validates the report; refused in French while she may not sign', async () => {
  await radiologist.goto(`/t/${PRACTICE.slug}/comptes-rendus`);
  const row = radiologist.getByTestId('to-write').getByRole('row', { name: new RegExp(PATIENT.full) });
  await row.getByRole('button', { name: 'Rédiger' }).click();
  await expect(radiologist).toHaveURL(/\/comptes-rendus\/[0-9a-f-]{36}$/);
  await radiologist
    .getByLabel(/Texte du compte rendu/)
    .fill('Indication : toux.\n\nRésultats : pas d’anomalie.\n\nConclusion : radiographie normale.');
  await radiologist.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await expect(radiologist.getByRole('status').filter({ hasText: 'Compte rendu enregistré.' })).toBeVisible();

  // The administrator unticks « Signe les comptes rendus »: Équipe says why she cannot sign.
  await admin.goto(equipe);
  await admin.getByRole('link', { name: `Modifier ${RADIOLOGIST.name}` }).click();
  const member = admin.getByTestId('member');
  await admin.getByLabel('Signe les comptes rendus').uncheck();
  await admin.getByRole('button', { name: 'Enregistrer le profil' }).click();
  await expect(admin.getByRole('status')).toHaveText(`Profil de ${RADIOLOGIST.name} enregistré.`);
  await expect(member.getByTestId('signer-problems')).toHaveText("n'est pas autorisé à signer");

  await radiologist.getByRole('button', { name: 'Valider (signer)' }).click();
  await radiologist.getByRole('dialog').getByRole('button', { name: 'Valider et signer' }).click();
  await expect(radiologist.locator('main').getByRole('alert')).toHaveText(
    "Le compte rendu ne peut pas être validé : votre profil n'est pas autorisé à signer les comptes rendus. L'administrateur de l'établissement complète votre profil (page « Équipe »).",
  );
  await expect(radiologist.getByTestId('report-header-status')).toContainText('Brouillon');

  // Allowed again: validated.
  await admin.getByLabel('Signe les comptes rendus').check();
  await admin.getByRole('button', { name: 'Enregistrer le profil' }).click();
  await expect(member.getByTestId('signer-ready')).toHaveText('Signataire');
  await radiologist.reload();
  await radiologist.getByRole('button', { name: 'Valider (signer)' }).click();
  await radiologist.getByRole('dialog').getByRole('button', { name: 'Valider et signer' }).click();
  await expect(radiologist.getByTestId('report-header-status')).toContainText('Validé');
  await expect(radiologist.getByTestId('version-1')).toContainText(`par ${RADIOLOGIST.name}`);
});

test('the administrator resets the second factor of the radiologist: her session ends', async () => {
  await admin.goto(equipe);
  await admin.getByRole('link', { name: `Modifier ${RADIOLOGIST.name}` }).click();
  await admin.getByRole('button', { name: 'Réinitialiser la double authentification' }).click();
  await expect(admin.getByTestId('member').getByRole('status')).toContainText(
    `Double authentification de ${RADIOLOGIST.name} réinitialisée`,
  );
  await radiologist.reload();
  await expect(radiologist).toHaveURL(/\/connexion/);
});
