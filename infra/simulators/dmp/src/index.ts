export { createDmpTestPki, type DmpTestCertificate, type DmpTestPki, type DmpTestPkiOptions } from './pki.ts';
export {
  DEFAULT_DMP_PATIENTS,
  startDmpSimulator,
  type DmpDocumentStatus,
  type DmpPatientCase,
  type DmpVisibility,
  visibilityOf,
  type DmpExchange,
  type DmpSimulator,
  type DmpSimulatorOptions,
  type StoredDmpDocument,
} from './server.ts';
export {
  parseWebPsForm,
  renderWebPsPage,
  WEB_PS_FIELDS,
  WEB_PS_PAGES,
  WEB_PS_PATH,
  WEB_PS_TITLE,
  type WebPsPage,
  type WebPsRequest,
} from './web-ps.ts';
