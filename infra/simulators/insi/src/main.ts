/**
 * Starts the INSi simulator for the quick start and demos:
 *
 *   tsx infra/simulators/insi/src/main.ts
 *
 * Environment (all optional):
 *   INSI_SIM_PORT       port (default 4310; 0 = any free port)
 *   INSI_SIM_HOST       listen address (default 127.0.0.1)
 *   INSI_SIM_KEY, INSI_SIM_CERT, INSI_SIM_CA
 *                       PEM files: server key, server certificate (+ chain), CAs of the client
 *                       certificates. Without them a fresh test PKI is generated and written to
 *                       INSI_SIM_PKI_DIR (default .rayon/insi-sim), client PKCS#12 files included.
 *   INSI_SIM_IDAM       comma-separated CNDA authorisation numbers accepted (default: any)
 *
 * Prints the service URL. Logs one line per call: operation, client CN, HTTP status, outcome
 * (never patient data).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTestPki } from './pki.ts';
import { startInsiSimulator } from './server.ts';

const env = process.env;

function tlsFromFiles() {
  if (!env.INSI_SIM_KEY && !env.INSI_SIM_CERT && !env.INSI_SIM_CA) return undefined;
  if (!env.INSI_SIM_KEY || !env.INSI_SIM_CERT || !env.INSI_SIM_CA) {
    throw new Error('Set all of INSI_SIM_KEY, INSI_SIM_CERT and INSI_SIM_CA, or none.');
  }
  return {
    keyPem: readFileSync(env.INSI_SIM_KEY, 'utf8'),
    certPem: readFileSync(env.INSI_SIM_CERT, 'utf8'),
    caPem: readFileSync(env.INSI_SIM_CA, 'utf8'),
  };
}

function generatedTls() {
  const dir = resolve(env.INSI_SIM_PKI_DIR ?? '.rayon/insi-sim');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pki = createTestPki({ now: new Date() });
  const write = (name: string, content: string | Buffer) =>
    writeFileSync(join(dir, name), content, { mode: 0o600 });
  write('ca-chain.pem', pki.caChainPem.join(''));
  write('server.pem', pki.server.certPem + pki.caPem);
  write('server.key', pki.server.keyPem);
  for (const [name, client] of Object.entries(pki.clients)) {
    write(`client-${name}.p12`, client.p12);
    write(`client-${name}.pem`, client.certPem);
  }
  write(
    'README.txt',
    `Test PKI of the INSi simulator (throw-away). PKCS#12 passphrase: ${pki.clients.auto.passphrase}\n`,
  );
  console.log(`insi-sim: test PKI written to ${dir} (trust ca-chain.pem; client-auto.p12 is CN INSI-AUTO)`);
  return { keyPem: pki.server.keyPem, certPem: pki.server.certPem + pki.caPem, caPem: pki.caChainPem };
}

const simulator = await startInsiSimulator({
  port: Number(env.INSI_SIM_PORT ?? 4310),
  host: env.INSI_SIM_HOST ?? '127.0.0.1',
  tls: tlsFromFiles() ?? generatedTls(),
  ...(env.INSI_SIM_IDAM ? { allowedIdam: env.INSI_SIM_IDAM.split(',').map((s) => s.trim()) } : {}),
  onExchange: (e) => console.log(`insi-sim: ${e.operation} cn=${e.clientCn || '-'} ${e.status} ${e.outcome}`),
});
console.log(`insi-sim: listening on ${simulator.url}`);

const stop = () => {
  void simulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
