import { expect, test, type Page } from '@playwright/test';
import { shoot } from './support/screens.ts';
import { demoTotpSecretFor, signIn as signInWithCode } from './support/sign-in.ts';

/**
 * Patient identity in the portal, as the demo practice's administrator (practice_admin +
 * radiologist, seeded): creation with accents, search without them, identity screen and its
 * status, document check, attributes, history, merge of a duplicate, INSi (the local simulator
 * and the practice's test certificates started by the stack), the HL7 feed.
 * The tests run in order and share the patient created first.
 */
test.describe.configure({ mode: 'serial' });

const PRACTICE = 'imagerie-demo';
const ADMIN = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };
const SHOTS = '/tmp/shots-patients';

async function signIn(page: Page) {
  await signInWithCode(page, { ...ADMIN, totpSecret: demoTotpSecretFor(ADMIN.email) });
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
}

async function createPatient(
  page: Page,
  p: { name: string; forename: string; forenames?: string; birthDate: string; sex: string; place?: string },
) {
  await page.goto(`/t/${PRACTICE}/patients/nouveau`);
  await page.getByLabel('Nom de naissance', { exact: true }).fill(p.name);
  await page.getByLabel('Premier prénom de naissance').fill(p.forename);
  if (p.forenames) await page.getByLabel('Liste des prénoms de naissance').fill(p.forenames);
  await page.getByLabel('Date de naissance', { exact: true }).fill(p.birthDate);
  await page.getByLabel(p.sex, { exact: true }).check();
  if (p.place) await page.getByLabel('Lieu de naissance (code INSEE / COG)').fill(p.place);
  await page.getByRole('button', { name: 'Créer le patient' }).click();
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}\?cree=1$/);
}

/** The patient created first (NOËL Gwénaëlle), shared by the tests below. */
let noelUrl = '';

test.beforeEach(async ({ page }) => {
  // Confirmation dialogs (attributes that lower the status, removal of a certificate) are accepted.
  page.on('dialog', (dialog) => void dialog.accept());
  await signIn(page);
});

test('the desk creates a patient with accents, finds it without them and validates the identity', async ({
  page,
}, testInfo) => {
  // The navigation follows the roles: a practice administrator sees every section.
  const nav = page.getByRole('navigation', { name: "Navigation de l'établissement" });
  for (const item of ['Tableau de bord', 'Patients', 'Flux HL7', 'Certificats']) {
    await expect(nav.getByRole('link', { name: item })).toBeVisible();
  }
  await nav.getByRole('link', { name: 'Patients' }).click();
  await expect(page.getByRole('heading', { name: 'Patients' })).toBeVisible();
  await page.getByRole('link', { name: 'Nouveau patient' }).click();

  // Strict traits only; a refused trait is shown next to its field and the values are kept.
  await page.getByLabel('Nom de naissance', { exact: true }).fill('Noël');
  await page.getByLabel('Premier prénom de naissance').fill('Gwénaëlle');
  await page.getByLabel('Liste des prénoms de naissance').fill('Gwénaëlle Bénédicte');
  await page.getByLabel('Date de naissance', { exact: true }).fill('2099-03-12');
  await page.getByLabel('Féminin', { exact: true }).check();
  await page.getByLabel('Lieu de naissance (code INSEE / COG)').fill('6322');
  await page.getByLabel("Autorité d'affectation (facultatif)").fill('CABINET-E2E');
  await page.getByLabel('IPP (facultatif)').fill('E2E-0001');
  await page.getByRole('button', { name: 'Créer le patient' }).click();
  await expect(page.getByTestId('error-traits.birthDate')).toHaveText(
    'La date de naissance ne peut pas être dans le futur.',
  );
  await expect(page.getByTestId('error-traits.birthPlaceCode')).toHaveText(
    'Le code officiel géographique (COG) du lieu de naissance compte 5 caractères, par exemple 63220, 2B020 ou 99134 pour un pays étranger.',
  );
  await shoot(page, 'patient-nouveau-refuse', { folder: SHOTS, testInfo });
  await expect(page.getByLabel('Nom de naissance', { exact: true })).toHaveValue('Noël');
  await expect(page.getByLabel('Liste des prénoms de naissance')).toHaveValue('Gwénaëlle Bénédicte');
  await expect(page.getByLabel('Féminin', { exact: true })).toBeChecked();

  await page.getByLabel('Date de naissance', { exact: true }).fill('1985-03-12');
  await page.getByLabel('Lieu de naissance (code INSEE / COG)').fill('63220');
  await page.getByRole('button', { name: 'Créer le patient' }).click();

  // The identity screen: status at the top, provisional.
  await expect(page).toHaveURL(/\/patients\/[0-9a-f-]{36}\?cree=1$/);
  await expect(page.getByTestId('patient-name')).toHaveText('NOËL Gwénaëlle');
  await expect(page.getByTestId('identity-status')).toHaveText('Identité provisoire');
  await expect(page.getByTestId('identifiers')).toContainText('E2E-0001');
  noelUrl = page.url().replace(/\?.*$/, '');

  // A strict trait corrected wrongly is refused next to its field, in the RNIV's words.
  await page.getByText('Modifier les traits stricts').click();
  await page.getByLabel('Premier prénom de naissance').fill('Gwénaëlle2');
  await page.getByRole('button', { name: 'Enregistrer les traits stricts' }).click();
  await expect(page.getByTestId('error-traits.firstBirthForename')).toHaveText(
    'Le premier prénom de naissance ne peut contenir que des lettres, des espaces, des tirets et des apostrophes.',
  );

  // Search without accents, by name and forename.
  await page.getByRole('link', { name: 'Patients', exact: true }).first().click();
  await page.getByLabel('Nom (et prénom)').fill('noel gwenaelle');
  await page.getByRole('button', { name: 'Rechercher' }).click();
  const row = page.getByTestId('patient-results').getByRole('row', { name: /NOËL/ });
  await expect(row).toContainText('Gwénaëlle Bénédicte');
  await expect(row).toContainText('12/03/1985');
  await expect(row).toContainText('Identité provisoire');
  await expect(row).toContainText('E2E-0001');
  await row.getByRole('link', { name: 'NOËL' }).click();
  await expect(page.getByTestId('identity-status')).toHaveText('Identité provisoire');

  // INSi does not know this person (code 01).
  await page.getByRole('button', { name: 'Appeler INSi' }).click();
  await expect(page.getByTestId('insi-result')).toContainText(
    'Aucune identité trouvée (code 01) : vérifiez les traits, ajoutez les autres prénoms et le lieu de naissance.',
  );

  // A passport was checked: the identity is validated.
  await page.getByLabel('Pièce présentée').selectOption('passeport');
  await page.getByRole('button', { name: 'Enregistrer la vérification' }).click();
  await expect(page.getByTestId('identity-status')).toHaveText('Identité validée');
  await expect(page.getByTestId('identity-document')).toContainText('Passeport');

  // Homonym: a switch, saved at once, with no effect on the status.
  const homonyme = page.getByRole('switch', { name: 'Homonyme' });
  await expect(homonyme).toHaveAttribute('aria-checked', 'false');
  await homonyme.click();
  await expect(homonyme).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('attribute-homonyme')).toHaveText('Homonyme');
  await expect(page.getByTestId('identity-status')).toHaveText('Identité validée');

  // The history, newest first, in French.
  const history = page.getByTestId('identity-history');
  const rows = history.locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('Modification des attributs');
  await expect(rows.nth(0)).toContainText('Homonyme : Non → Oui');
  await expect(rows.nth(1)).toContainText("Vérification d'une pièce d'identité");
  await expect(rows.nth(1)).toContainText("Statut de l'identité : Identité provisoire → Identité validée");
  await expect(rows.nth(1)).toContainText('Passeport');
  await expect(rows.nth(2)).toContainText("Création de l'identité");
  await expect(rows.nth(2)).toContainText('Nom de naissance : Noël');
  await expect(rows.nth(2)).toContainText('Accueil');
});

test('a duplicate is merged into the identity after confirmation', async ({ page }) => {
  expect(noelUrl).not.toBe('');
  // The same person typed again at the desk, without accents.
  await createPatient(page, {
    name: 'Noel',
    forename: 'Gwenaelle',
    birthDate: '1985-03-12',
    sex: 'Féminin',
  });
  const duplicateUrl = page.url().replace(/\?.*$/, '');

  await page.goto(noelUrl);
  await page.getByRole('link', { name: 'Fusionner un doublon' }).click();
  await expect(page.getByRole('heading', { name: 'Fusionner un doublon' })).toBeVisible();
  // Patients with the same birth name are proposed; the record itself is not.
  const candidates = page.getByTestId('merge-candidates');
  await expect(candidates.locator('tbody tr')).toHaveCount(1);
  await expect(candidates).toContainText('NOEL Gwenaelle');
  await candidates.getByRole('link', { name: 'Comparer' }).click();

  // Side by side, then the explicit confirmation.
  const comparison = page.getByTestId('merge-comparison');
  await expect(comparison).toContainText('Gwénaëlle Bénédicte');
  await expect(comparison).toContainText('Identité validée');
  await expect(comparison).toContainText('Identité provisoire');
  await page.getByRole('button', { name: 'Fusionner les deux dossiers' }).click();
  await expect(page.getByText('Cochez la confirmation : la fusion ne peut pas être annulée.')).toBeVisible();
  await page.getByLabel('Je confirme que ces deux dossiers concernent la même personne').check();
  await page.getByRole('button', { name: 'Fusionner les deux dossiers' }).click();

  // Back on the record kept, which keeps its identity.
  await expect(page).toHaveURL(new RegExp(`${noelUrl.replace(/^https?:\/\/[^/]+/, '')}\\?fusion=1$`));
  await expect(page.getByTestId('merge-done')).toBeVisible();
  await expect(page.getByTestId('identity-status')).toHaveText('Identité validée');
  await expect(page.getByTestId('identity-history').locator('tbody tr').first()).toContainText(
    "Fusion d'un doublon dans ce dossier",
  );

  // The duplicate says where it went, and is no longer found by the search.
  await page.goto(duplicateUrl);
  await expect(page.getByTestId('merged-banner')).toContainText('Ce dossier a été fusionné dans');
  await page.getByTestId('merged-banner').getByRole('link').click();
  await expect(page.getByTestId('patient-name')).toHaveText('NOËL Gwénaëlle');
  await page.goto(`/t/${PRACTICE}/patients?nom=noel`);
  await expect(page.getByTestId('patient-results').locator('tbody tr')).toHaveCount(1);
});

test('INSi returns the INS of an official test identity, then the identity is qualified', async ({
  page,
}) => {
  // ADRUN Zoé, an identity of the INSi test kit (served by the local simulator). Once created,
  // the worker calls INSi on its own (INSI-AUTO) and the identity screen follows it.
  await createPatient(page, {
    name: 'Adrun',
    forename: 'Zoé',
    birthDate: '1975-12-31',
    sex: 'Féminin',
    place: '63220',
  });
  await expect(page.getByTestId('identity-status')).toHaveText('Identité récupérée', { timeout: 30_000 });
  await expect(page.getByTestId('patient-name')).toHaveText('ADRUN ZOE');
  await expect(page.getByTestId('ins')).toContainText('2 75 12 63 220 749 74');
  await expect(page.getByTestId('ins')).toContainText('NIR');
  const auto = page.getByTestId('identity-history').getByRole('row', { name: /Appel automatique/ });
  await expect(auto).toContainText('Appel INSi');
  await expect(auto).toContainText('INSi');
  await expect(auto).toContainText('Nom de naissance : Adrun → ADRUN');
  await expect(auto).toContainText('Matricule INS : — → 2 75 12 63 220 749 74');
  // Retrieved but not qualified: the INS is not sent yet.
  await expect(page.getByTestId('ins-exchange')).not.toContainText('transmis dans les documents');

  // A person calls INSi again (INSI-MANU): the same INS, confirmed.
  await page.getByRole('button', { name: 'Appeler INSi' }).click();
  const result = page.getByTestId('insi-result');
  await expect(result).toContainText('INS récupérée (code 00). Statut : Identité récupérée.');
  await expect(result).toContainText('INS récupérée le');

  await page.getByLabel('Pièce présentée').selectOption('carte_identite');
  await page.getByRole('button', { name: 'Enregistrer la vérification' }).click();
  await expect(page.getByTestId('identity-status')).toHaveText('Identité qualifiée');
  await expect(page.getByTestId('ins-exchange')).toContainText('INS transmis dans les documents');
});

/** A 1×1 transparent PNG. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

test('the practice keeps a copy of an identity document, viewed through the portal', async ({ page }) => {
  expect(noelUrl).not.toBe('');
  await page.goto(noelUrl);
  const section = page.getByRole('region', { name: "Copie de la pièce d'identité" });
  await expect(section.getByTestId('copies-disabled')).toBeVisible();
  await expect(section.getByText('chaque consultation est tracée')).toBeVisible();

  // The practice administrator turns the setting on; the upload form appears.
  const keep = section.getByRole('switch', { name: "Conserver une copie des pièces d'identité" });
  await expect(keep).toHaveAttribute('aria-checked', 'false');
  await keep.click();
  await expect(keep).toHaveAttribute('aria-checked', 'true');
  await expect(section.getByTestId('copies-disabled')).toHaveCount(0);

  // A file of a format that is not accepted is refused in French.
  await section.getByLabel('Type de pièce').selectOption('passeport');
  await section.getByLabel('Fichier').setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('pas une image'),
  });
  await section.getByRole('button', { name: 'Enregistrer la copie' }).click();
  await expect(section.getByRole('alert')).toContainText('Format non accepté');

  await section.getByLabel('Type de pièce').selectOption('passeport');
  await section.getByLabel('Fichier').setInputFiles({
    name: 'passeport.png',
    mimeType: 'image/png',
    buffer: TINY_PNG,
  });
  await section.getByRole('button', { name: 'Enregistrer la copie' }).click();
  await expect(section.getByText("Copie de la pièce d'identité enregistrée.")).toBeVisible();
  const copy = section.getByTestId('document-copies').locator('tbody tr');
  await expect(copy).toHaveCount(1);
  await expect(copy).toContainText('Passeport');
  await expect(copy).toContainText('Image PNG');
  await expect(copy).toContainText('Dr Camille Lefèvre');

  // "Consulter": the bytes themselves, inline and never cached.
  const href = await copy.getByRole('link', { name: 'Consulter' }).getAttribute('href');
  expect(href).toMatch(/\/pieces\/[0-9a-f-]{36}$/);
  const response = await page.request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('image/png');
  expect(response.headers()['content-disposition']).toMatch(/^inline/);
  expect(response.headers()['cache-control']).toBe('no-store');
  expect(Buffer.compare(await response.body(), TINY_PNG)).toBe(0);
  // An unknown copy is a 404.
  const unknown = await page.request.get(
    href!.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000'),
  );
  expect(unknown.status()).toBe(404);

  // The history names who made each change.
  await expect(page.getByTestId('identity-history').locator('tbody tr').first()).toContainText(
    'Dr Camille Lefèvre',
  );

  // Signed out, the copy is not served: to the sign-in page.
  await page.context().clearCookies();
  const signedOut = await page.request.get(href!, { maxRedirects: 0 });
  expect(signedOut.status()).toBeGreaterThanOrEqual(300);
  expect(signedOut.status()).toBeLessThan(400);
  expect(signedOut.headers()['location']).toMatch(/\/connexion/);
});

test('the HL7 feed page shows its empty state', async ({ page }) => {
  await page.getByRole('link', { name: 'Flux HL7' }).click();
  await expect(page.getByRole('heading', { name: 'Flux HL7' })).toBeVisible();
  await expect(page.getByTestId('hl7-empty')).toHaveText('Aucun message HL7 reçu pour le moment.');
  await page.getByRole('link', { name: 'En erreur' }).click();
  await expect(page.getByTestId('hl7-empty')).toHaveText('Aucun message en erreur.');
  // The practice administrator also manages the routes (the demo practice has its own port).
  await expect(page.getByRole('heading', { name: 'Routes de réception' })).toBeVisible();
  await expect(page.getByTestId('hl7-routes')).toContainText('Port dédié');
});

test('without an INSI-MANU certificate, "Appeler INSi" says why it cannot call', async ({ page }) => {
  expect(noelUrl).not.toBe('');
  // The practice's certificates: the private key is never shown; the INSI-MANU one is removed.
  await page.getByRole('link', { name: 'Certificats' }).click();
  const certificates = page.getByTestId('certificates');
  const manu = certificates.getByRole('row', { name: /INSI-MANU/ });
  await expect(manu).toContainText('Actif');
  await expect(page.getByText('PRIVATE KEY')).toHaveCount(0);
  await manu.getByRole('button', { name: 'Retirer' }).click();
  await expect(manu).toContainText('Retiré');

  await page.goto(noelUrl);
  await page.getByRole('button', { name: 'Appeler INSi' }).click();
  await expect(page.getByTestId('insi-result')).toHaveText(
    "Appel INSi impossible : aucun certificat INSI-MANU n'est installé pour l'établissement (voir Certificats)",
  );
  await expect(page.getByTestId('identity-status')).toHaveText('Identité validée');
});
