import { serve } from '@hono/node-server';
import { parseEncryptionKey } from '@rayon/connectors/certificates';
import { createMailer } from '@rayon/connectors/mail';
import { outboundPolicy } from '@rayon/connectors/outbound';
import { pscClientFromEnv } from '@rayon/connectors/psc';
import { Database } from '@rayon/db';
import { insiSettings } from '@rayon/identity';
import { Redis } from 'ioredis';
import { createApp } from './app.ts';
import { loadEnv } from './env.ts';
import { createLogger } from './logger.ts';

const env = loadEnv();
const logger = createLogger(env.RAYON_LOG_LEVEL);
const db = new Database({
  url: env.RAYON_DATABASE_URL,
  max: env.RAYON_DB_POOL,
  applicationName: 'rayon-api',
});
const redis = new Redis(env.RAYON_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));

const insi = insiSettings({
  url: env.RAYON_INSI_URL,
  caFile: env.RAYON_INSI_CA_FILE,
  idam: env.RAYON_LPS_IDAM,
  instance: env.RAYON_LPS_INSTANCE,
});
const app = createApp({
  db,
  redis,
  logger,
  portalUrl: env.RAYON_PORTAL_URL,
  secretsKey: parseEncryptionKey(env.RAYON_SECRETS_KEY),
  insi,
  outbound: outboundPolicy(env.RAYON_OUTBOUND_ALLOW),
  mailer: env.RAYON_SMTP_URL
    ? createMailer({ url: env.RAYON_SMTP_URL, from: env.RAYON_MAIL_FROM })
    : undefined,
  trustedProxies: env.RAYON_TRUSTED_PROXIES,
  psc: pscClientFromEnv(
    {
      issuer: env.RAYON_PSC_ISSUER,
      clientId: env.RAYON_PSC_CLIENT_ID,
      clientAuth: env.RAYON_PSC_CLIENT_AUTH,
      clientSecret: env.RAYON_PSC_CLIENT_SECRET,
      keyFile: env.RAYON_PSC_CLIENT_KEY_FILE,
      keyId: env.RAYON_PSC_CLIENT_KEY_ID,
      certFile: env.RAYON_PSC_CLIENT_CERT_FILE,
      caFile: env.RAYON_PSC_CA_FILE,
      clockToleranceSeconds: env.RAYON_PSC_CLOCK_TOLERANCE_S,
      userinfoSignedResponseAlg: env.RAYON_PSC_USERINFO_SIGNED_ALG,
    },
    env.RAYON_PORTAL_URL,
  ),
  hl7Platform: {
    portRange: env.RAYON_HL7_PORT_RANGE,
    servicePorts: [
      { port: env.RAYON_HL7_PORT, service: 'hl7' as const },
      { port: env.RAYON_HL7_TLS_PORT, service: 'hl7-tls' as const },
      { port: env.RAYON_API_PORT, service: 'api' as const },
      { port: env.RAYON_DICOM_PORT, service: 'dicom' as const },
    ].filter((s) => s.port > 0),
    maxMessageBytes: env.RAYON_HL7_MAX_MESSAGE_BYTES,
  },
});
const server = serve({ fetch: app.fetch, port: env.RAYON_API_PORT, hostname: env.RAYON_API_HOST }, (info) =>
  logger.info({ port: info.port }, 'api listening'),
);

async function shutdown(signal: string) {
  logger.info({ signal }, 'api shutting down');
  server.close();
  await Promise.allSettled([db.close(), redis.quit()]);
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
