/**
 * MSSanté (national-services.md §2): the IHE XDM archive, the mail with its X-MSS-* headers,
 * sending over SMTP with the tenant's certificate, the patient's mailbox rule, the reading
 * of DSN/MDN notifications and of the applicative mailbox over IMAP. Building blocks for the delivery pipeline.
 */
export {
  qualifiedIns,
  type MssanteDescription,
  type MssanteProfessional,
  type MssanteReferrer,
} from './description.ts';
export {
  buildXdmIndex,
  buildXdmMetadata,
  buildXdmReadme,
  buildXdmZip,
  CR_IMAGERIE_CODES,
  derivedOid,
  derivedUuid,
  RAYON_SOFTWARE,
  XDM_DOCUMENT_URI,
  XDM_PATHS,
  XDS_UUID,
  xdsPatientId,
  xdsTime,
  type XdmMetadataFacts,
  type XdmOptions,
  type XdmSoftware,
} from './xdm.ts';
export {
  buildMssanteMessage,
  mssanteBody,
  mssanteMessageId,
  mssantePdfFilename,
  mssanteSubject,
  XDM_ATTACHMENT_NAME,
  XDM_SUBJECT_PREFIX,
  type MssanteMessage,
  type MssanteMessageInput,
  type MssanteRecipientKind,
} from './message.ts';
export {
  certificateProblem,
  MSSANTE_CIPHERS,
  mssanteTlsOptions,
  redactAddresses,
  closeMssanteConnections,
  sendMssante,
  toDeliveryError,
  transportFailure,
  type SendMssanteOptions,
  type SendMssanteResult,
  type SessionTrail,
} from './send.ts';
export {
  readMssanteNotifications,
  toMailboxError,
  type MssanteMailboxCursor,
  type MssanteMailboxItem,
  type ReadMssanteNotificationsOptions,
  type ReadMssanteNotificationsResult,
} from './mailbox.ts';
export {
  isPatientMailbox,
  PATIENT_MAILBOX_DOMAIN,
  patientMailbox,
  patientMailDecision,
  type PatientMailDecision,
} from './patient.ts';
export {
  NotificationParseError,
  parseMssanteNotification,
  type MssanteNotification,
  type MssanteNotificationKind,
} from './notification.ts';
