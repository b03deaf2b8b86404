import { closeMtlsConnections, parseEncryptionKey } from '@rayon/connectors/certificates';
import { closeMssanteConnections } from '@rayon/connectors/mssante';
import { outboundPolicy } from '@rayon/connectors/outbound';
import { Database } from '@rayon/db';
import { deploymentMailbox, deploymentSenders, readPemFile } from '@rayon/delivery';
import { insiSettings } from '@rayon/identity';
import pino from 'pino';
import { deliveryOptions, loadEnv } from './env.ts';
import { defaultHandlers } from './processor.ts';
import { startWorkerTier } from './worker.ts';

const env = loadEnv();
const logger = pino({ level: env.RAYON_LOG_LEVEL, base: { service: 'worker' } });
const db = new Database({ url: env.RAYON_DATABASE_URL, max: 10, applicationName: 'rayon-worker' });
const connection = { url: env.RAYON_REDIS_URL, maxRetriesPerRequest: null };

const secretsKey = parseEncryptionKey(env.RAYON_SECRETS_KEY);
const dmp = env.RAYON_DMP_URL
  ? {
      endpoint: env.RAYON_DMP_URL,
      ca: readPemFile(env.RAYON_DMP_CA_FILE),
      software: { name: 'Rayon', version: '0.1.0', homologation: env.RAYON_DMP_HOMOLOGATION },
    }
  : undefined;
const mssante = env.RAYON_MSSANTE_HOST
  ? {
      host: env.RAYON_MSSANTE_HOST,
      port: env.RAYON_MSSANTE_PORT,
      security: env.RAYON_MSSANTE_SECURITY,
      ca: readPemFile(env.RAYON_MSSANTE_CA_FILE) ?? [],
      nil: env.RAYON_MSSANTE_NIL,
      imapPort: env.RAYON_MSSANTE_IMAP_PORT,
    }
  : undefined;

const tier = await startWorkerTier({
  db,
  connection,
  prefix: env.RAYON_QUEUE_PREFIX,
  logger,
  handlers: defaultHandlers(
    db,
    {
      secretsKey,
      insi: insiSettings({
        url: env.RAYON_INSI_URL,
        caFile: env.RAYON_INSI_CA_FILE,
        idam: env.RAYON_LPS_IDAM,
        instance: env.RAYON_LPS_INSTANCE,
      }),
    },
    logger,
    deploymentSenders(secretsKey, { dmp, mssante, outbound: outboundPolicy(env.RAYON_OUTBOUND_ALLOW) }),
    {
      mailbox: deploymentMailbox(db, secretsKey, mssante),
      lostAfterMs: env.RAYON_LOST_JOB_AFTER_S * 1000,
      delivery: deliveryOptions(env),
    },
  ),
  maintenanceEveryMs: env.RAYON_MAINTENANCE_INTERVAL_S * 1000,
  concurrency: env.RAYON_WORKER_CONCURRENCY,
});
logger.info('worker started');

async function shutdown(signal: string) {
  logger.info({ signal }, 'worker shutting down: finishing running jobs');
  await tier.stop();
  // The kept-alive connections to the DMP and the MSSanté operator, closed cleanly (QUIT, close_notify).
  closeMtlsConnections();
  closeMssanteConnections();
  await db.close();
  logger.info('worker stopped');
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
