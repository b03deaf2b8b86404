/** `./rayon up`: runs Rayon on embedded defaults until Ctrl-C. */
import { portBase } from './services.ts';
import { DEMO, startStack } from './stack.ts';

const stack = await startStack({
  name: 'local',
  portBase: portBase(4300),
  apps: ['api', 'worker', 'gateway', 'web'],
});
console.log(`
Rayon is running.

  Portal           ${stack.urls.portal}
  API              ${stack.urls.api}   (health: /healthz, readiness: /readyz)
  OpenAPI          ${stack.urls.openapi}
  PostgreSQL       127.0.0.1:${stack.ports.postgres}   (embedded, data in .rayon/local/pg)
  Redis            ${stack.urls.redis}
  Logs             ${stack.logDir}

  Platform admin   ${DEMO.platformAdmin.email} / ${DEMO.platformAdmin.password}
  Practice admin   ${DEMO.practiceAdmin.email} / ${DEMO.practiceAdmin.password}   (practice "${DEMO.tenant.slug}")

Ctrl-C stops everything. RAYON_PORT_BASE moves all ports (portal = base, API = base+1, PostgreSQL = base+2, Redis = base+3).
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
