import {
  checkUsable,
  OrganisationCertificate,
  openSecret,
  parsePkcs12,
  sealSecret,
  type InsiCertificateCn,
} from '@rayon/connectors/certificates';
import {
  audit,
  findActiveCertificate,
  findTenantById,
  listCertificates,
  listSites,
  replaceCertificate,
  revokeCertificate,
  type CertificateView,
  type TenantRef,
  type TenantTx,
  type UseCaseContext,
} from '@rayon/db';
import { AppError, reasonOf, type CertificatePurpose } from '@rayon/domain';
import type { OnboardingDeps } from './deps.ts';

/**
 * What each organisation certificate is for, its name in messages, and the subject CN the
 * service requires (INSi only; the DMP and MSSanté take the structure's authentication
 * certificate, whatever its CN).
 */
const PURPOSE_RULES = {
  'insi-auto': { name: 'INSI-AUTO', cn: 'INSI-AUTO' },
  'insi-manu': { name: 'INSI-MANU', cn: 'INSI-MANU' },
  dmp: { name: 'DMP', cn: undefined },
  mssante: { name: 'MSSanté', cn: undefined },
} as const satisfies Record<CertificatePurpose, { name: string; cn: InsiCertificateCn | undefined }>;

/** The check options of a purpose: the CN INSi requires. */
export const purposeCheck = (purpose: CertificatePurpose) => {
  const cn = PURPOSE_RULES[purpose].cn;
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
      `no ${PURPOSE_RULES[purpose].name} certificate is configured for this practice`,
      { reason: 'certificates.certificate.missing', params: { name: PURPOSE_RULES[purpose].name } },
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

/** The practice's organisation certificates, as its administrator manages them. */
export function certificateUseCases({ db, secretsKey }: Pick<OnboardingDeps, 'db' | 'secretsKey'>) {
  return {
    async listCertificates(ctx: UseCaseContext) {
      return (await db.withTenant(ctx.tenant, listCertificates)).map(certificateView);
    },

    /** Takes a PKCS#12 file: checked (dates, CN, structure), key sealed, the previous one retired. */
    async uploadCertificate(
      ctx: UseCaseContext,
      input: { purpose: CertificatePurpose; p12Base64: string; passphrase: string },
    ) {
      const p12 = Buffer.from(input.p12Base64, 'base64');
      if (p12.length === 0) {
        throw new AppError('BAD_INPUT', 'the file is empty', {
          field: 'certificate',
          reason: 'certificates.file.empty',
        });
      }
      const cert = parsePkcs12(p12, input.passphrase);
      checkUsable(cert, { now: ctx.now(), ...purposeCheck(input.purpose) });
      return db.withTenant(ctx.tenant, async (tx) => {
        const ours = await structureIds(tx);
        if (ours.length === 0) {
          throw new AppError(
            'BAD_INPUT',
            'the practice has no FINESS or SIRET: set one before adding a certificate',
            { field: 'certificate', reason: 'certificates.structure.missing' },
          );
        }
        const theirs = subjectStructureIds(cert);
        if (!theirs.some((id) => ours.includes(id))) {
          throw new AppError(
            'BAD_INPUT',
            `the certificate was issued to another structure (${theirs.join(', ') || 'no identifier'}), not to this practice (${ours.join(', ')})`,
            { field: 'certificate', reason: 'certificates.structure.other' },
          );
        }
        const row = await installCertificate(tx, input.purpose, cert, secretsKey, ctx.actor.id);
        await audit(ctx, tx, 'certificate.uploaded', row.id, {
          purpose: input.purpose,
          fingerprint: row.fingerprintSha256,
        });
        return certificateView(row);
      });
    },

    async revokeCertificate(ctx: UseCaseContext, id: string) {
      return db.withTenant(ctx.tenant, async (tx) => {
        const row = await revokeCertificate(tx, id);
        if (!row)
          throw new AppError('NOT_FOUND', 'certificate not found', {
            reason: 'certificates.certificate.not_found',
          });
        await audit(ctx, tx, 'certificate.revoked', id);
        return certificateView(row);
      });
    },
  };
}
