import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import pino from 'pino';
import { startWorklist } from '@rayon/gateway/dicom/worklist';
import { demoTotpSecretFor, signIn as signInWithCode } from './support/sign-in.ts';
import { PRACTICE, stackDatabase } from './stack.ts';

/**
 * Worklist name matching in the portal: under « Liste de travail », the practice administrator
 * switches accent-insensitive name matching on, and the demo CT modality's worklist query (dcmtk
 * findscu against the gateway's worklist listener on the stack's database; the e2e stack runs no
 * gateway) for GWENAELLE then finds LE GOFF Gwénaëlle; the
 * technologist reads the rule. Set RAYON_E2E_SCREENSHOTS to a folder to keep screenshots at
 * 1366 and 390 px.
 */
test.describe.configure({ mode: 'serial' });

const CABINET = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };
const TECHNOLOGIST = { email: 'manipulateur@rayon.local', password: 'rayon-manip-demo' };

const db = stackDatabase();
let worklist: Awaited<ReturnType<typeof startWorklist>>;

test.beforeAll(async () => {
  worklist = await startWorklist({ db, logger: pino({ level: 'silent' }), host: '127.0.0.1', port: 0 });
});
test.afterAll(async () => {
  await worklist?.close();
  await db.close();
});

async function signIn(page: Page, who: { email: string; password: string }) {
  await signInWithCode(page, { ...who, totpSecret: demoTotpSecretFor(who.email) });
  await page.waitForURL((url) => !url.pathname.startsWith('/connexion'));
}

async function screenshots(page: Page, name: string) {
  const dir = process.env.RAYON_E2E_SCREENSHOTS;
  if (!dir) return;
  for (const width of [1366, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${dir}/${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

/** How many worklist items the demo CT modality gets for a patient name (findscu -W). */
async function worklistMatches(name: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'rayon-e2e-mwl-'));
  try {
    const args = ['-W', '-aet', 'RAYON_CT1_SCU', '-aec', 'RAYON_CT1', '-X', '-od', dir];
    for (const k of ['SpecificCharacterSet=ISO_IR 192', `PatientName=${name}`, 'AccessionNumber']) {
      args.push('-k', k);
    }
    await new Promise<void>((resolve, reject) =>
      execFile('findscu', [...args, '127.0.0.1', String(worklist.port)], { timeout: 30_000 }, (err, _o, e) =>
        err ? reject(new Error(`findscu: ${e}`)) : resolve(),
      ),
    );
    return readdirSync(dir).length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the administrator makes NOEL* find NOËL on the practice’s modalities; the technologist reads the rule', async ({
  page,
}) => {
  await signIn(page, CABINET);
  await page.goto(`/t/${PRACTICE}/liste-de-travail`);
  const section = page.getByTestId('name-matching');
  await expect(section.getByRole('heading', { name: 'Recherche par nom sur les modalités' })).toBeVisible();
  const toggle = section.getByRole('switch', { name: 'Rechercher les noms sans tenir compte des accents' });
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  expect(await worklistMatches('LE GOFF^GWENAELLE')).toBe(0);
  expect(await worklistMatches('LE GOFF^Gwénaëlle')).toBeGreaterThan(0);

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await screenshots(page, 'worklist-name-matching');
  expect(await worklistMatches('LE GOFF^GWENAELLE')).toBeGreaterThan(0);

  await page.context().clearCookies();
  await signIn(page, TECHNOLOGIST);
  await page.goto(`/t/${PRACTICE}/liste-de-travail`);
  await expect(page.getByTestId('name-matching')).toContainText(
    'Les accents ne comptent pas : « NOEL* » trouve NOËL.',
  );
  await expect(page.getByTestId('name-matching').getByRole('switch')).toHaveCount(0);
  await screenshots(page, 'worklist-name-matching-technologist');

  // Back to the default, for the other specs.
  await page.context().clearCookies();
  await signIn(page, CABINET);
  await page.goto(`/t/${PRACTICE}/liste-de-travail`);
  await page.getByTestId('toggle-name-matching').click();
  await expect(page.getByTestId('toggle-name-matching')).toHaveAttribute('aria-checked', 'false');
  expect(await worklistMatches('LE GOFF^GWENAELLE')).toBe(0);
});
