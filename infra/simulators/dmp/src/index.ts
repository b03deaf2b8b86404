export { createDmpTestPki, type DmpTestCertificate, type DmpTestPki, type DmpTestPkiOptions } from './pki.ts';
export {
  DEFAULT_DMP_PATIENTS,
  startDmpSimulator,
  type DmpDocumentStatus,
  type DmpExchange,
  type DmpSimulator,
  type DmpSimulatorOptions,
  type StoredDmpDocument,
} from './server.ts';
