/** `./rayon up`: runs Rayon on embedded defaults until Ctrl-C. */
import { portBase, QuickStartError } from './services.ts';
import { DEMO_AE_TITLES, DEMO_CALLERS, DEMO_TOTP_SECRET, demoTotpUri } from '@rayon/seed/demo';
import { DEMO, startStack } from './stack.ts';

const stack = await startStack({
  name: 'local',
  portBase: portBase(4300),
  apps: ['api', 'worker', 'gateway', 'web'],
  distribution: true,
}).catch((e: unknown) => {
  // Why the quick start cannot run here and what to do, in one line (no stack trace).
  if (!(e instanceof QuickStartError)) throw e;
  console.error(`[rayon] ${e.message}`);
  process.exit(1);
});
console.log(`
Rayon is running.

  Portal           ${stack.urls.portal}
  API              ${stack.urls.api}   (health: /healthz, readiness: /readyz)
  OpenAPI          ${stack.urls.openapi}
  PostgreSQL       127.0.0.1:${stack.ports.postgres}   (embedded; data in .rayon/local/pg, or under /var/lib/rayon/data when the postgres user cannot enter this folder)
  Redis            ${stack.urls.redis}
  HL7 (MLLP)       127.0.0.1:${stack.ports.hl7Demo}   demo practice's dedicated port (senders: this machine), e.g.
                   ../shared/tools/hl7-send 127.0.0.1 ${stack.ports.hl7Demo} ../shared/conformance/hl7v2/ans-hl7v2-exemples/sgl-pamfr/admission.er7
                   127.0.0.1:${stack.ports.hl7Shared}   shared port, routed by MSH-5 / MSH-6 (routes and senders: portal → Flux HL7)
                   127.0.0.1:${stack.ports.hl7Tls}   shared MLLP-over-TLS port (client certificates), routed by MSH-5 / MSH-6
                   dedicated ports ${stack.env.RAYON_HL7_PORT_RANGE} (assigned by the platform administrator)
  DICOM worklist   127.0.0.1:${stack.ports.dicom}   called AE titles ${DEMO_AE_TITLES.ct} (scanner), ${DEMO_AE_TITLES.us} (échographe), e.g.
                   findscu -W -aet ${DEMO_CALLERS.ct.callingAeTitles[0]} -aec ${DEMO_AE_TITLES.ct} -k PatientName -k AccessionNumber -k "ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=$(date +%Y%m%d)" 127.0.0.1 ${stack.ports.dicom}
  INSi             ${stack.urls.insi ?? 'not started: the shared conformance folder was not found (RAYON_SHARED)'}   (local simulator; the demo practice has its test certificates)
  DMP              ${stack.urls.dmpDocuments ?? '—'}   (local simulator: what it holds; the demo practice has its certificate)
  MSSanté          127.0.0.1:${stack.ports.smtp} (SMTP), ${stack.ports.imap} (IMAP)   ${stack.urls.mssanteMessages ?? '—'}   (local simulator: the mails received; DSN/MDN come back by IMAP)
  Pro Santé Connect ${stack.urls.psc}   (local simulator: « Se connecter avec Pro Santé Connect », test professionals; Dr MOREAU is the demo radiologist)
  Courriels envoyés : ${stack.urls.mail}   (local catcher of the invitations and password resets; nothing leaves this machine)
  Logs             ${stack.logDir}

  Platform admin   ${DEMO.platformAdmin.email} / ${DEMO.platformAdmin.password}
  Practice admin   ${DEMO.practiceAdmin.email} / ${DEMO.practiceAdmin.password}   (practice "${DEMO.tenant.slug}")
  Second factor    both administrators: TOTP key ${DEMO_TOTP_SECRET} (SHA-1, 30 s, 6 digits) in an authenticator app,
                   e.g. ${demoTotpUri(DEMO.practiceAdmin.email)}
                   or a code now: node -e "import('otplib').then(o=>o.generate({secret:'${DEMO_TOTP_SECRET}'})).then(console.log)" (in apps/api)

Ctrl-C stops everything. RAYON_PORT_BASE moves all ports (portal = base, API = base+1, PostgreSQL = base+2, Redis = base+3, mail catcher = base+4 (SMTP) and base+5 (page), Pro Santé Connect = base+6, HL7 = base+10 and base+11, INSi = base+12, DICOM = base+13, DMP = base+14/15, MSSanté = base+16/17/18, HL7 over TLS = base+19, dedicated HL7 ports = base+20..base+39).
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping Rayon…');
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
