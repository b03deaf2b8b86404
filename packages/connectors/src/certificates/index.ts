export { OrganisationCertificate } from './organisation-certificate.ts';
export { parsePkcs12 } from './pkcs12.ts';
export { closeMtlsConnections } from './mtls.ts';
export { checkUsable, INSI_CERTIFICATE_CNS, type InsiCertificateCn, type UsableOptions } from './usable.ts';
export { openSecret, parseEncryptionKey, sealSecret } from './secrets.ts';
