/**
 * Starts the DMP simulator for the quick start and demos:
 *
 *   tsx infra/simulators/dmp/src/main.ts
 *
 * Environment (all optional):
 *   DMP_SIM_PORT        port of the HTTPS services (default 4320; 0 = any free port)
 *   DMP_SIM_ADMIN_PORT  plain HTTP port on 127.0.0.1 serving GET /documents (default 4321)
 *   DMP_SIM_HOST        listen address (default 127.0.0.1)
 *   DMP_SIM_PKI_DIR     where the generated test PKI is written (default .rayon/dmp-sim)
 *   DMP_SIM_STRUCTURE   OU (structure id) of the generated organisation certificate (default 1750712184)
 *   DMP_SIM_PATIENTS    comma-separated INS matricules that have a DMP (default: the ANS test identities)
 *   DMP_SIM_VALIDATE_CDA=1  run ../shared/tools/validate-cda on each CDA
 *
 * Logs one line per call: transaction, structure id, HTTP status, outcome (never patient data).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDmpTestPki } from './pki.ts';
import { startDmpSimulator } from './server.ts';

const env = process.env;
const dir = resolve(env.DMP_SIM_PKI_DIR ?? '.rayon/dmp-sim');
mkdirSync(dir, { recursive: true, mode: 0o700 });
const pki = createDmpTestPki({ ...(env.DMP_SIM_STRUCTURE ? { structureId: env.DMP_SIM_STRUCTURE } : {}) });
const write = (name: string, content: string | Buffer) =>
  writeFileSync(join(dir, name), content, { mode: 0o600 });
write('ca-chain.pem', pki.caChainPem.join(''));
for (const [name, client] of Object.entries(pki.clients)) {
  write(`client-${name}.p12`, client.p12);
  write(`client-${name}.pem`, client.certPem);
}
write(
  'README.txt',
  `Test PKI of the DMP simulator (throw-away). PKCS#12 passphrase: ${pki.clients.organisation.passphrase}\n`,
);

const simulator = await startDmpSimulator({
  port: Number(env.DMP_SIM_PORT ?? 4320),
  host: env.DMP_SIM_HOST ?? '127.0.0.1',
  adminPort: Number(env.DMP_SIM_ADMIN_PORT ?? 4321),
  pki,
  validateCda: env.DMP_SIM_VALIDATE_CDA === '1',
  ...(env.DMP_SIM_PATIENTS ? { patients: env.DMP_SIM_PATIENTS.split(',').map((s) => s.trim()) } : {}),
  onExchange: (e) =>
    console.log(`dmp-sim: ${e.transaction} structure=${e.structureId || '-'} ${e.httpStatus} ${e.outcome}`),
});
for (const note of simulator.notes()) console.log(`dmp-sim: ${note}`);
console.log(
  `dmp-sim: test PKI in ${dir} (trust ca-chain.pem; client-organisation.p12 is the structure's certificate)`,
);
console.log(`dmp-sim: services on ${simulator.url}, documents on ${simulator.adminUrl}/documents`);
console.log(`dmp-sim: web-PS contextual access (TD0.9, simulated) on POST ${simulator.adminUrl}/web-ps`);

const stop = () => {
  void simulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
