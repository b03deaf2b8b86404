/**
 * The gateway will hold the listeners hospitals and modalities connect to (HL7 v2 over MLLP,
 * DICOM Modality Worklist and MPPS). For now it boots, says so, and exits cleanly on SIGTERM.
 */
import pino from 'pino';

const logger = pino({ base: { service: 'gateway' } });
logger.info('gateway started (no listener yet)');
const keepAlive = setInterval(() => {}, 1 << 30);

function shutdown(signal: string) {
  logger.info({ signal }, 'gateway stopped');
  clearInterval(keepAlive);
  process.exit(0);
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
