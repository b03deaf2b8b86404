import { expect, test, type Page } from '@playwright/test';
import { demoTotpSecretFor, signIn as signInWithCode } from './support/sign-in.ts';
import { findTenantBySlug } from '@rayon/db';
import { inPractice, PRACTICE, stackDatabase } from './stack.ts';

/**
 * A practice without FINESS nor SIRET is told on every page of the portal, in French, that its
 * reports' documents cannot be produced (and validation is refused by the API: tested there).
 * The demo practice loses its identifiers for this spec, and gets them back after it.
 */
test.describe.configure({ mode: 'serial' });

const ADMIN = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };
const RADIOLOGIST = { email: 'radiologue@rayon.local', password: 'rayon-radio-demo' };
const BANNER =
  "Renseignez le FINESS ou le SIRET de l'établissement : sans eux, les comptes rendus ne peuvent pas être produits.";

let saved: { finess: string | null; siret: string | null; sites: { id: string; finess: string | null }[] };

async function setIdentifiers(v: typeof saved) {
  const db = stackDatabase();
  try {
    await db.platform(async (tx) => {
      const t = (await findTenantBySlug(tx, PRACTICE))!;
      await tx.execute(
        `update platform.tenants set finess = ${v.finess ? `'${v.finess}'` : 'null'},
         siret = ${v.siret ? `'${v.siret}'` : 'null'} where id = '${t.id}'`,
      );
    });
  } finally {
    await db.close();
  }
  await inPractice(async (tx) => {
    for (const s of v.sites) {
      await tx.execute(
        `update sites set finess = ${s.finess ? `'${s.finess}'` : 'null'} where id = '${s.id}'`,
      );
    }
  });
}

test.beforeAll(async () => {
  const db = stackDatabase();
  try {
    const t = (await db.platform((tx) => findTenantBySlug(tx, PRACTICE)))!;
    const sites = (await inPractice((tx) => tx.execute(`select id, finess from sites`))) as unknown as {
      id: string;
      finess: string | null;
    }[];
    saved = { finess: t.finess, siret: t.siret, sites: sites.map((s) => ({ id: s.id, finess: s.finess })) };
  } finally {
    await db.close();
  }
  await setIdentifiers({
    finess: null,
    siret: null,
    sites: saved.sites.map((s) => ({ ...s, finess: null })),
  });
});
test.afterAll(async () => {
  if (saved) await setIdentifiers(saved);
});

async function signIn(page: Page, who: { email: string; password: string }) {
  await signInWithCode(page, { ...who, totpSecret: demoTotpSecretFor(who.email) });
  await expect(page).toHaveURL(new RegExp(`/t/${PRACTICE}$`));
}

test('the radiologist sees the banner on every page, on a desk screen and on a phone', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, RADIOLOGIST);
  const banner = page.getByTestId('missing-organisation-id');
  await expect(banner).toContainText(BANNER);
  await expect(banner).toContainText("Prévenez l'administrateur de l'établissement.");
  await expect(banner).toContainText('Site concerné : Site principal.');
  await page.screenshot({ path: '/tmp/rayon-banner-radiologist-1366.png', fullPage: true });
  await page.getByRole('link', { name: 'Comptes rendus' }).first().click();
  await expect(page.getByTestId('missing-organisation-id')).toContainText(BANNER);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/t/${PRACTICE}`);
  await expect(page.getByTestId('missing-organisation-id')).toBeVisible();
  await page.screenshot({ path: '/tmp/rayon-banner-radiologist-390.png', fullPage: true });
});

test('the practice administrator is told where the identifiers are set', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await signIn(page, ADMIN);
  await expect(page.getByTestId('missing-organisation-id')).toContainText(
    "Le FINESS juridique ou le SIRET se renseigne auprès de l'administrateur de la plateforme",
  );
  await page.screenshot({ path: '/tmp/rayon-banner-admin-1366.png', fullPage: true });
});

test('with its identifiers back, the practice sees no banner', async ({ page }) => {
  await setIdentifiers(saved);
  await signIn(page, RADIOLOGIST);
  await expect(page.getByTestId('welcome-name')).toBeVisible();
  await expect(page.getByTestId('missing-organisation-id')).toHaveCount(0);
});
