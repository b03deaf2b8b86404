import {
  findActiveCertificate,
  findTenantById,
  listCertificates,
  listSites,
  recordAudit,
  replaceCertificate,
  revokeCertificate,
  type CertificateView,
  type TenantRef,
  type TenantTx,
} from '@rayon/db';
import {
  checkUsable,
  OrganisationCertificate,
  openSecret,
  parsePkcs12,
  sealSecret,
  type InsiCertificateCn,
} from '@rayon/connectors/certificates';
import { AppError } from '@rayon/domain';
import { currentActor, currentContext, requireTenant, type Deps } from './deps.ts';

/** What each certificate is for, and the subject CN the service requires. */
export const CERTIFICATE_PURPOSES = {
  'insi-auto': 'INSI-AUTO',
  'insi-manu': 'INSI-MANU',
} as const satisfies Record<string, InsiCertificateCn>;
export type CertificatePurpose = keyof typeof CERTIFICATE_PURPOSES;

function certificateView(c: CertificateView) {
  return {
    id: c.id,
    purpose: c.purpose,
    subjectCn: c.subjectCn,
    subject: c.subject,
    issuer: c.issuer,
    serialNumber: c.serialNumber,
    fingerprintSha256: c.fingerprintSha256,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    createdAt: c.createdAt.toISOString(),
    revokedAt: c.revokedAt?.toISOString() ?? null,
  };
}

/** The sealed key is bound to its practice: a row copied elsewhere cannot be opened. */
const sealContext = (tenant: TenantRef) => `certificate:${tenant.id}`;

/**
 * Structure identifiers IGC-Santé may write in the subject of this practice's certificates:
 * `1` + FINESS (juridique or of a site), `3` + SIRET.
 */
async function structureIds(tx: TenantTx): Promise<string[]> {
  const tenant = await findTenantById(tx, tx.tenant.id);
  const sites = await listSites(tx);
  return [
    ...(tenant?.finess ? [`1${tenant.finess}`] : []),
    ...(tenant?.siret ? [`3${tenant.siret}`] : []),
    ...sites.flatMap((s) => (s.finess ? [`1${s.finess}`] : [])),
  ];
}

function subjectStructureIds(cert: OrganisationCertificate): string[] {
  return [cert.subject.OU, cert.subject.organizationIdentifier]
    .filter((v): v is string => v !== undefined)
    .flatMap((v) => v.split(', '));
}

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

export function createCertificateService({ db, secretsKey }: Deps) {
  return {
    async list() {
      return (await db.withTenant(requireTenant(), listCertificates)).map(certificateView);
    },

    /** Takes a PKCS#12 file: checked (dates, CN, structure), key sealed, the previous one retired. */
    async upload(input: { purpose: CertificatePurpose; p12Base64: string; passphrase: string }) {
      const tenant = requireTenant();
      const p12 = Buffer.from(input.p12Base64, 'base64');
      if (p12.length === 0) throw new AppError('BAD_INPUT', 'the file is empty', { field: 'certificate' });
      const cert = parsePkcs12(p12, input.passphrase);
      checkUsable(cert, { now: new Date(), expectedCn: CERTIFICATE_PURPOSES[input.purpose] });
      return db.withTenant(tenant, async (tx) => {
        const ours = await structureIds(tx);
        if (ours.length === 0) {
          throw new AppError(
            'BAD_INPUT',
            'the practice has no FINESS or SIRET: set one before adding a certificate',
            {
              field: 'certificate',
            },
          );
        }
        const theirs = subjectStructureIds(cert);
        if (!theirs.some((id) => ours.includes(id))) {
          throw new AppError(
            'BAD_INPUT',
            `the certificate was issued to another structure (${theirs.join(', ') || 'no identifier'}), not to this practice (${ours.join(', ')})`,
            { field: 'certificate' },
          );
        }
        const row = await installCertificate(tx, input.purpose, cert, secretsKey, currentActor().id);
        await recordAudit(tx, {
          actor: currentActor(),
          action: 'certificate.uploaded',
          target: row.id,
          requestId: currentContext().requestId,
          details: { purpose: input.purpose, fingerprint: row.fingerprintSha256 },
        });
        return certificateView(row);
      });
    },

    async revoke(id: string) {
      return db.withTenant(requireTenant(), async (tx) => {
        const row = await revokeCertificate(tx, id);
        if (!row) throw new AppError('NOT_FOUND', 'certificate not found');
        await recordAudit(tx, {
          actor: currentActor(),
          action: 'certificate.revoked',
          target: id,
          requestId: currentContext().requestId,
        });
        return certificateView(row);
      });
    },

    /** The practice's usable certificate for a purpose, key opened, for a connector call. */
    async usable(tx: TenantTx, purpose: CertificatePurpose): Promise<OrganisationCertificate> {
      const row = await findActiveCertificate(tx, purpose);
      if (!row) {
        throw new AppError(
          'CONFLICT',
          `no ${CERTIFICATE_PURPOSES[purpose]} certificate is configured for this practice`,
        );
      }
      let keyPem: string;
      try {
        keyPem = openSecret(row.sealedKey, secretsKey, sealContext(tx.tenant)).toString('utf8');
      } catch {
        throw new AppError(
          'CONFLICT',
          'the stored private key cannot be opened (sealed for another practice or with another key): upload the certificate again',
        );
      }
      const cert = OrganisationCertificate.fromPem({ certPem: row.certPem, keyPem, chainPem: row.chainPem });
      try {
        checkUsable(cert, { now: new Date(), expectedCn: CERTIFICATE_PURPOSES[purpose] });
      } catch (e) {
        throw new AppError('CONFLICT', (e as Error).message);
      }
      return cert;
    },
  };
}
export type CertificateService = ReturnType<typeof createCertificateService>;
