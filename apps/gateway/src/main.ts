/**
 * The gateway: the network listeners hospitals and modalities connect to. Thin: decode, route to
 * a practice, hand to the inbound pipeline. HL7 v2 over MLLP now; DICOM comes with the worklist.
 */
import { Database } from '@rayon/db';
import { createInbound } from '@rayon/inbound';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { loadEnv } from './env.ts';
import { startWorklist } from './dicom/worklist.ts';
import { startHl7Listeners } from './hl7/listeners.ts';
import { connectionLimiter } from './peers.ts';

const env = loadEnv();
const logger = pino({ level: env.RAYON_LOG_LEVEL, base: { service: 'gateway' } });
const db = new Database({ url: env.RAYON_DATABASE_URL, max: 10, applicationName: 'rayon-gateway' });
const hl7 = await startHl7Listeners({
  db,
  inbound: createInbound({ db }),
  logger,
  host: env.RAYON_GATEWAY_HOST,
  sharedPort: env.RAYON_HL7_PORT,
  tls:
    env.RAYON_HL7_TLS_PORT > 0
      ? {
          port: env.RAYON_HL7_TLS_PORT,
          cert: readFileSync(env.RAYON_HL7_TLS_CERT_FILE!),
          key: readFileSync(env.RAYON_HL7_TLS_KEY_FILE!),
        }
      : undefined,
  maxMessageBytes: env.RAYON_HL7_MAX_MESSAGE_BYTES,
  idleTimeoutMs: env.RAYON_HL7_IDLE_TIMEOUT_MS,
  maxConnectionsPerSource: env.RAYON_GATEWAY_MAX_CONNECTIONS_PER_SOURCE,
});
const dicom =
  env.RAYON_DICOM_PORT > 0
    ? await startWorklist({
        db,
        logger,
        host: env.RAYON_GATEWAY_HOST,
        port: env.RAYON_DICOM_PORT,
        limiter: connectionLimiter(env.RAYON_GATEWAY_MAX_CONNECTIONS_PER_SOURCE),
        idleTimeoutMs: env.RAYON_DICOM_IDLE_TIMEOUT_MS,
        ...(env.RAYON_DICOM_TLS_PORT > 0
          ? {
              tls: {
                port: env.RAYON_DICOM_TLS_PORT,
                cert: readFileSync(env.RAYON_DICOM_TLS_CERT_FILE!),
                key: readFileSync(env.RAYON_DICOM_TLS_KEY_FILE!),
              },
            }
          : {}),
      })
    : undefined;
logger.info(
  {
    hl7SharedPort: hl7.sharedPort,
    hl7TlsPort: hl7.tlsPort,
    hl7Ports: hl7.ports(),
    dicomPort: dicom?.port,
    dicomTlsPort: dicom?.tlsPort,
  },
  'gateway started',
);

async function shutdown(signal: string) {
  logger.info({ signal }, 'gateway stopping');
  await hl7.close();
  await dicom?.close();
  await db.close();
  logger.info('gateway stopped');
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
