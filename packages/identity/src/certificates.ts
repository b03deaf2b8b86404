import {
  checkUsable,
  OrganisationCertificate,
  openSecret,
  sealSecret,
  type InsiCertificateCn,
} from '@rayon/connectors/certificates';
import { findActiveCertificate, replaceCertificate, type TenantRef, type TenantTx } from '@rayon/db';
import { AppError, reasonOf } from '@rayon/domain';

/**
 * What each organisation certificate is for, its name in messages, and the subject CN the
 * service requires (INSi only; the DMP and MSSanté take the structure's authentication
 * certificate, whatever its CN).
 */
export const CERTIFICATE_PURPOSES = {
  'insi-auto': { name: 'INSI-AUTO', cn: 'INSI-AUTO' },
  'insi-manu': { name: 'INSI-MANU', cn: 'INSI-MANU' },
  dmp: { name: 'DMP', cn: undefined },
  mssante: { name: 'MSSanté', cn: undefined },
} as const satisfies Record<string, { name: string; cn: InsiCertificateCn | undefined }>;
export type CertificatePurpose = keyof typeof CERTIFICATE_PURPOSES;
export const CERTIFICATE_PURPOSE_IDS = Object.keys(CERTIFICATE_PURPOSES) as [
  CertificatePurpose,
  ...CertificatePurpose[],
];

/** The check options of a purpose: the CN INSi requires. */
export const purposeCheck = (purpose: CertificatePurpose) => {
  const cn = CERTIFICATE_PURPOSES[purpose].cn;
  return cn ? { expectedCn: cn } : {};
};

/** A sealed key is bound to its practice: a row copied elsewhere cannot be opened. */
const sealContext = (tenant: TenantRef) => `certificate:${tenant.id}`;

/** Stores a checked certificate for a purpose (its key sealed for this practice), retiring the previous one. */
export function installCertificate(
  tx: TenantTx,
  purpose: CertificatePurpose,
  cert: OrganisationCertificate,
  secretsKey: Buffer,
  createdBy: string | null,
) {
  return replaceCertificate(tx, {
    purpose,
    subjectCn: cert.commonName,
    subject: { ...cert.subject },
    issuer: { ...cert.issuer },
    serialNumber: cert.serialNumber,
    fingerprintSha256: cert.fingerprintSha256,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    certPem: cert.certPem,
    chainPem: [...cert.chainPem],
    sealedKey: sealSecret(cert.keyPem, secretsKey, sealContext(tx.tenant)),
    createdBy,
  });
}

/** The practice's usable certificate for a purpose, key opened, for a connector call. */
export async function usableCertificate(
  tx: TenantTx,
  purpose: CertificatePurpose,
  secretsKey: Buffer,
  now = new Date(),
): Promise<OrganisationCertificate> {
  const row = await findActiveCertificate(tx, purpose);
  if (!row) {
    throw new AppError(
      'CONFLICT',
      `no ${CERTIFICATE_PURPOSES[purpose].name} certificate is configured for this practice`,
      { reason: 'certificates.certificate.missing', params: { name: CERTIFICATE_PURPOSES[purpose].name } },
    );
  }
  let keyPem: string;
  try {
    keyPem = openSecret(row.sealedKey, secretsKey, sealContext(tx.tenant)).toString('utf8');
  } catch {
    throw new AppError(
      'CONFLICT',
      'the stored private key cannot be opened (sealed for another practice or with another key): upload the certificate again',
      { reason: 'certificates.key.unreadable' },
    );
  }
  const cert = OrganisationCertificate.fromPem({ certPem: row.certPem, keyPem, chainPem: row.chainPem });
  try {
    checkUsable(cert, { now, ...purposeCheck(purpose) });
  } catch (e) {
    throw new AppError('CONFLICT', (e as Error).message, e instanceof AppError ? reasonOf(e) : {});
  }
  return cert;
}
