import { expect, test, type Page } from '@playwright/test';
import { demoTotpSecretFor, signIn as signInWithCode } from './support/sign-in.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createPatient, insertIdentity } from '@rayon/identity';
import { applyInsiResult, newIdentity, recordIdentityDocument } from '@rayon/domain';
import { E2E_PORT_BASE, freePort, inPractice, PRACTICE } from './stack.ts';

/**
 * The DMP web-PS contextual access (TD0.9, Rayon's hypothesis: national-services.md §1.8) from the
 * patient screen. The e2e stack leaves the distribution off, so it runs no DMP simulator and its
 * portal has no RAYON_DMP_WEBPS_URL: there the section is not shown at all. The spec starts a DMP
 * simulator holding one report for its patient's INS, and a second portal process (the same build,
 * API and session secret as the stack's) with RAYON_DMP_WEBPS_URL pointing at the simulator's
 * /web-ps. On it, a qualified patient's screen has the « DMP » form carrying the INS, which opens
 * the simulator's dossier page for that INS in a new tab; a non-qualified patient has no form.
 */
test.describe.configure({ mode: 'serial' });

const ADMIN = { email: 'cabinet@rayon.local', password: 'rayon-cabinet-demo' };
const base = E2E_PORT_BASE;
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** An ANS test identity known to the simulated DMP; packages/documents' example report is hers. */
const INS = { matricule: '279035121518989', oid: '1.2.250.1.213.1.4.10' as const };

let sim: DmpSim | undefined;
let fields = { ins: '', insOid: '', page: '' };
let portalProcess: ChildProcess | undefined;
let portal = '';
let qualifiedId = '';
let provisionalId = '';
let reportTitle = '';

/**
 * The DMP simulator, the worker's DMP connector and the report renderer, imported at run time only:
 * they are typed for Node (xmldom, bwip-js), not for the portal's DOM program that type-checks this
 * folder, so the specifiers are not literals TypeScript would follow.
 */
const runtime = <T>(path: string): Promise<T> =>
  import(new URL(path, new URL('../../../', import.meta.url)).href) as Promise<T>;

interface DmpSim {
  url: string;
  adminUrl: string;
  documents(): { title: string }[];
  close(): Promise<void>;
}
interface DmpPki {
  clients: { organisation: unknown };
  caChainPem: readonly string[];
}
type SimModule = {
  createDmpTestPki(): DmpPki;
  startDmpSimulator(o: { pki: DmpPki; adminPort: number }): Promise<DmpSim>;
  WEB_PS_FIELDS: { ins: string; insOid: string; page: string };
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- their types stay in their own programs
type AnyModule = Record<string, any>;

/** The simulator, with one report for INS fed as the worker does (ITI-41, VIHF, TLS client certificate). */
async function startDmpWithOneReport(): Promise<{
  sim: DmpSim;
  title: string;
  fields: SimModule['WEB_PS_FIELDS'];
}> {
  const simModule = await runtime<SimModule>('infra/simulators/dmp/src/index.ts');
  const { OrganisationCertificate } = await runtime<AnyModule>(
    'packages/connectors/src/certificates/index.ts',
  );
  const { sendReportToDmp } = await runtime<AnyModule>('packages/connectors/src/dmp/index.ts');
  const { parseReportDocument, renderReport } = await runtime<AnyModule>('packages/documents/src/index.ts');
  const pki = simModule.createDmpTestPki();
  const dmp = await simModule.startDmpSimulator({ pki, adminPort: await freePort() });
  const examples = `${repoRoot}packages/documents/examples/`;
  const description = parseReportDocument(JSON.parse(readFileSync(`${examples}qualified-ins.json`, 'utf8')));
  const { cda } = await renderReport(description, {
    producedAt: new Date(description.document.effectiveTime),
  });
  const certificate = OrganisationCertificate.fromPem(pki.clients.organisation);
  const sent = await sendReportToDmp({
    endpoint: dmp.url,
    ca: pki.caChainPem,
    certificate,
    software: { name: 'Rayon', version: '0.1.0', homologation: 'TEST' },
    description,
    cda,
    timeoutMs: 10_000,
  });
  if (sent.status !== 'success')
    throw new Error(`the report did not reach the DMP simulator: ${sent.status}`);
  return { sim: dmp, title: dmp.documents()[0]!.title, fields: simModule.WEB_PS_FIELDS };
}

async function signIn(page: Page, at: string) {
  await signInWithCode(page, { ...ADMIN, totpSecret: demoTotpSecretFor(ADMIN.email) }, { baseUrl: at });
  await expect(page).toHaveURL(`${at}/t/${PRACTICE}`);
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  // The patients: one qualified (INSi answer taken, identity card checked), one provisional.
  await inPractice(async (tx) => {
    const now = new Date();
    const ctx = { actor: { type: 'system' as const, id: 'e2e' }, source: 'desk' as const, now };
    const traits = {
      birthFamilyName: 'DMPWEBPS',
      firstBirthForename: 'ROSE',
      birthForenames: 'ROSE',
      birthDate: '1979-03-14',
      sex: 'F' as const,
      birthPlaceCode: '63220',
    };
    const created = newIdentity({ traits }, now);
    const retrieved = applyInsiResult(created.identity, { code: '00', ins: INS, traits }, now);
    const qualified = recordIdentityDocument(retrieved.identity, 'carte_identite', now);
    expect(qualified.identity.status).toBe('qualifiee');
    const row = await insertIdentity(
      tx,
      qualified.identity,
      [...created.changes, ...retrieved.changes, ...qualified.changes],
      [{ authority: 'RAYON-E2E', value: `WEBPS-Q-${Date.now()}` }],
      ctx,
    );
    qualifiedId = row.id;
    const provisional = await createPatient(
      tx,
      {
        traits: { birthFamilyName: 'DMPWEBPS', firstBirthForename: 'LUC', birthDate: '1980-05-02', sex: 'M' },
        identifiers: [{ authority: 'RAYON-E2E', value: `WEBPS-P-${Date.now()}` }],
      },
      ctx,
    );
    provisionalId = provisional.id;
  });

  const dmp = await startDmpWithOneReport();
  sim = dmp.sim;
  reportTitle = dmp.title;
  fields = dmp.fields;

  // A second portal on the stack's API, with the web-PS URL (the stack's has none).
  const port = await freePort();
  portal = `http://127.0.0.1:${port}`;
  portalProcess = spawn(process.execPath, [`${repoRoot}apps/web/node_modules/next/dist/bin/next`, 'start'], {
    cwd: `${repoRoot}apps/web`,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      RAYON_API_URL: `http://127.0.0.1:${base + 1}`,
      AUTH_SECRET: `rayon-local-e2e-${base}-auth-secret-not-for-production`,
      AUTH_URL: portal,
      AUTH_TRUST_HOST: 'true',
      RAYON_DMP_WEBPS_URL: `${sim.adminUrl}/web-ps`,
      PORT: String(port),
      HOSTNAME: '127.0.0.1',
    },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${portal}/connexion`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || portalProcess.exitCode !== null)
      throw new Error('second portal did not start');
    await new Promise((r) => setTimeout(r, 250));
  }
});

test.afterAll(async () => {
  if (portalProcess && portalProcess.exitCode === null) {
    const exited = new Promise((resolve) => portalProcess!.once('exit', resolve));
    portalProcess.kill('SIGTERM');
    await exited;
  }
  await sim?.close();
});

test('without RAYON_DMP_WEBPS_URL the patient screen has no DMP section', async ({ page }) => {
  await signIn(page, process.env.RAYON_E2E_BASE_URL!);
  await page.goto(`/t/${PRACTICE}/patients/${qualifiedId}`);
  await expect(page.getByTestId('identity-status')).toHaveText('Identité qualifiée');
  await expect(page.getByTestId('dmp-section')).toHaveCount(0);
});

test('a qualified patient: « Consulter le DMP du patient » opens the DMP dossier for her INS', async ({
  page,
  context,
}) => {
  await signIn(page, portal);
  await page.goto(`${portal}/t/${PRACTICE}/patients/${qualifiedId}`);
  await expect(page.getByTestId('identity-status')).toHaveText('Identité qualifiée');
  const section = page.getByTestId('dmp-section');
  await expect(section.getByRole('heading', { name: 'DMP' })).toBeVisible();
  await expect(section).toContainText('Pro Santé Connect');
  const dossier = section.getByTestId('dmp-web-ps-dossier-patient');
  await expect(dossier).toHaveAttribute('method', 'post');
  await expect(dossier).toHaveAttribute('action', `${sim!.adminUrl}/web-ps`);
  await expect(dossier).toHaveAttribute('target', '_blank');
  await expect(dossier).toHaveAttribute('rel', /noopener/);
  // The portal posts the simulator's field names (both sides keep Rayon's hypothesis of TD0.9).
  const hidden = (form: typeof dossier, name: string) => form.locator(`input[type="hidden"][name="${name}"]`);
  await expect(hidden(dossier, fields.ins)).toHaveValue(INS.matricule);
  await expect(hidden(dossier, fields.insOid)).toHaveValue(INS.oid);
  await expect(hidden(dossier, fields.page)).toHaveValue('dossier-patient');
  await expect(dossier.locator('input')).toHaveCount(3);
  const dashboard = section.getByTestId('dmp-web-ps-tableau-de-bord');
  await expect(hidden(dashboard, fields.ins)).toHaveValue(INS.matricule);
  await expect(hidden(dashboard, fields.page)).toHaveValue('tableau-de-bord');
  await expect(dashboard.getByRole('button', { name: 'Tableau de bord DMP' })).toBeVisible();

  const [tab] = await Promise.all([
    context.waitForEvent('page'),
    section.getByRole('button', { name: 'Consulter le DMP du patient' }).click(),
  ]);
  await tab.waitForLoadState();
  await expect(tab).toHaveTitle('DMP — accès web-PS (simulateur)');
  await expect(tab.getByRole('heading', { name: 'Dossier patient' })).toBeVisible();
  await expect(tab.getByTestId('web-ps-ins')).toHaveText(INS.matricule);
  const documents = tab.getByTestId('web-ps-documents');
  await expect(documents).toContainText(reportTitle);
  await expect(documents).toContainText('Validé');
  await tab.close();

  const [board] = await Promise.all([
    context.waitForEvent('page'),
    dashboard.getByRole('button', { name: 'Tableau de bord DMP' }).click(),
  ]);
  await board.waitForLoadState();
  await expect(board.getByRole('heading', { name: 'Tableau de bord du professionnel' })).toBeVisible();
  await board.close();
});

test('a non-qualified patient has no DMP form', async ({ page }) => {
  await signIn(page, portal);
  await page.goto(`${portal}/t/${PRACTICE}/patients/${provisionalId}`);
  await expect(page.getByTestId('identity-status')).not.toHaveText('Identité qualifiée');
  await expect(page.getByTestId('dmp-not-qualified')).toHaveText('Accès au DMP : identité non qualifiée');
  await expect(page.getByTestId('dmp-section').locator('form')).toHaveCount(0);
});
