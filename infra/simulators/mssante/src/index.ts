export {
  asciiReply,
  mailboxOfCertificate,
  MAX_MESSAGE_BYTES,
  MSSANTE_CIPHERS,
  NOTIFICATION_KINDS,
  startMssanteSimulator,
  type MailboxMessage,
  type MssanteSimulator,
  type MssanteSimulatorEvent,
  type MssanteSimulatorOptions,
  type MssanteSimulatorTls,
  type ReceivedMessage,
} from './server.ts';
export { IMAP_MAX_LINE } from './imap.ts';
export {
  checkMail,
  checkRecipient,
  checkXdm,
  insOf,
  MailRejection,
  type CheckedMail,
  type XdmContent,
} from './checks.ts';
export { buildNotification, type NotificationKind, type NotificationOptions } from './notifications.ts';
export {
  createMssanteTestPki,
  type MssanteTestPki,
  type MssanteTestPkiOptions,
  type TestClientCertificate,
} from './pki.ts';
