/**
 * DMP (Mon espace santé) feeding: VIHF, XDS.b metadata of a CR d'imagerie, ITI-41 provide and
 * register (MTOM, mutual TLS), ITI-57 deletion, TD0.2 existence test (national-services.md §1).
 */
export {
  existence,
  findDocuments,
  reportPatientExistence,
  updateDocumentSet,
  updateReportVisibility,
  type DmpEntry,
  type DmpEntryStatus,
  provideAndRegister,
  readRegistryResponse,
  sendReportToDmp,
  withdraw,
  withdrawReportFromDmp,
  type DmpSoftware,
  type DmpConnection,
  type DmpExistence,
  type RegistryError,
} from './client.ts';
export * from './codes.ts';
export {
  buildDeletionMetadata,
  buildXdsMetadata,
  dmpEligibility,
  dmpEntryUuid,
  insCx,
  professionalXcn,
  structureXon,
  type DmpDocumentDescription,
  type DmpEligibility,
  type XdsMetadata,
  type XdsMetadataOptions,
} from './metadata.ts';
export { mtomMessage, postDmp, soapXmlOf, type DmpHttpResponse, type MimePart } from './transport.ts';
export { buildVihf, subjectDn, type VihfAuthor, type VihfInput } from './vihf.ts';
export { DeliveryError } from '../delivery-error.ts';
