/**
 * Starts the MSSanté simulator for the quick start and demos:
 *
 *   tsx infra/simulators/mssante/src/main.ts
 *
 * Environment (all optional):
 *   MSSANTE_SIM_PORT       SMTP port, STARTTLS (default 4330; 0 = any free port)
 *   MSSANTE_SIM_HTTP_PORT  HTTP port of GET /messages (default 4331)
 *   MSSANTE_SIM_IMAP_PORT  IMAP port, STARTTLS (default 4332; 0 = any free port)
 *   MSSANTE_SIM_HOST       listen address (default 127.0.0.1)
 *   MSSANTE_SIM_MAILBOX    applicative mailbox of the generated client certificate
 *                          (default rayon-demo@imagerie-demo.mssante.fr)
 *   MSSANTE_SIM_KEY, MSSANTE_SIM_CERT, MSSANTE_SIM_CA
 *                          PEM files: server key, server certificate (+ chain), CAs of the client
 *                          certificates. Without them a fresh test PKI is generated and written to
 *                          MSSANTE_SIM_PKI_DIR (default .rayon/mssante-sim), client PKCS#12 included.
 *   MSSANTE_SIM_STORE_DIR  also write each accepted mail there as <n>.eml
 *
 * Each accepted mail gets its DSN `delivered` and MDN `processed` in the sender's mailbox
 * (autoNotifications), readable over IMAP with the same client certificate; more by hand with
 * POST /messages/<Message-ID>/notifications {"kind":"displayed"|"failed"|…}.
 *
 * Logs one line per SMTP outcome (accepted / rejected with its code / TLS or AUTH refusal) and per
 * IMAP refusal, never patient data.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createMssanteTestPki } from './pki.ts';
import { startMssanteSimulator } from './server.ts';

const env = process.env;

function tlsFromFiles() {
  if (!env.MSSANTE_SIM_KEY && !env.MSSANTE_SIM_CERT && !env.MSSANTE_SIM_CA) return undefined;
  if (!env.MSSANTE_SIM_KEY || !env.MSSANTE_SIM_CERT || !env.MSSANTE_SIM_CA) {
    throw new Error('Set all of MSSANTE_SIM_KEY, MSSANTE_SIM_CERT and MSSANTE_SIM_CA, or none.');
  }
  return {
    server: {
      keyPem: readFileSync(env.MSSANTE_SIM_KEY, 'utf8'),
      certPem: readFileSync(env.MSSANTE_SIM_CERT, 'utf8'),
    },
    caPem: readFileSync(env.MSSANTE_SIM_CA, 'utf8'),
  };
}

function generatedTls() {
  const dir = resolve(env.MSSANTE_SIM_PKI_DIR ?? '.rayon/mssante-sim');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pki = createMssanteTestPki({
    now: new Date(),
    mailbox: env.MSSANTE_SIM_MAILBOX ?? 'rayon-demo@imagerie-demo.mssante.fr',
  });
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
    `Test PKI of the MSSanté simulator (throw-away). PKCS#12 passphrase: ${pki.clients.mailbox.passphrase}\n` +
      `client-mailbox.p12 is the applicative mailbox ${pki.clients.mailbox.mailbox}\n`,
  );
  console.log(
    `mssante-sim: test PKI written to ${dir} (trust ca-chain.pem; client-mailbox.p12 is ${pki.clients.mailbox.mailbox})`,
  );
  return {
    server: { keyPem: pki.server.keyPem, certPem: pki.server.certPem + pki.caPem },
    caPem: pki.caChainPem,
  };
}

const simulator = await startMssanteSimulator({
  port: Number(env.MSSANTE_SIM_PORT ?? 4330),
  httpPort: Number(env.MSSANTE_SIM_HTTP_PORT ?? 4331),
  imapPort: Number(env.MSSANTE_SIM_IMAP_PORT ?? 4332),
  autoNotifications: true,
  host: env.MSSANTE_SIM_HOST ?? '127.0.0.1',
  pki: tlsFromFiles() ?? generatedTls(),
  ...(env.MSSANTE_SIM_STORE_DIR ? { storeDir: resolve(env.MSSANTE_SIM_STORE_DIR) } : {}),
  onEvent: (e) =>
    console.log(
      `mssante-sim: ${e.protocol === 'imap' ? 'imap ' : ''}${e.kind}${e.code ? ` ${e.code}` : ''}${e.mailbox ? ` bal=${e.mailbox}` : ''}${e.reason ? ` ${e.reason}` : ''}`,
    ),
});
console.log(
  `mssante-sim: SMTP (STARTTLS) on ${simulator.host}:${simulator.port}, IMAP (STARTTLS) on ${simulator.host}:${simulator.imapPort}, messages at ${simulator.httpUrl}/messages`,
);

const stop = () => {
  void simulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
