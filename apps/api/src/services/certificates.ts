import {
  findTenantById,
  listCertificates,
  listSites,
  recordAudit,
  revokeCertificate,
  type CertificateView,
  type TenantTx,
} from '@rayon/db';
import { checkUsable, parsePkcs12, type OrganisationCertificate } from '@rayon/connectors/certificates';
import { installCertificate, purposeCheck, type CertificatePurpose } from '@rayon/identity';
import { AppError } from '@rayon/domain';
import { currentActor, currentContext, requireTenant, type Deps } from './deps.ts';

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

export function createCertificateService({ db, secretsKey }: Deps) {
  return {
    async list() {
      return (await db.withTenant(requireTenant(), listCertificates)).map(certificateView);
    },

    /** Takes a PKCS#12 file: checked (dates, CN, structure), key sealed, the previous one retired. */
    async upload(input: { purpose: CertificatePurpose; p12Base64: string; passphrase: string }) {
      const tenant = requireTenant();
      const p12 = Buffer.from(input.p12Base64, 'base64');
      if (p12.length === 0) {
        throw new AppError('BAD_INPUT', 'the file is empty', {
          field: 'certificate',
          reason: 'certificates.file.empty',
        });
      }
      const cert = parsePkcs12(p12, input.passphrase);
      checkUsable(cert, { now: new Date(), ...purposeCheck(input.purpose) });
      return db.withTenant(tenant, async (tx) => {
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
        if (!row)
          throw new AppError('NOT_FOUND', 'certificate not found', {
            reason: 'certificates.certificate.not_found',
          });
        await recordAudit(tx, {
          actor: currentActor(),
          action: 'certificate.revoked',
          target: id,
          requestId: currentContext().requestId,
        });
        return certificateView(row);
      });
    },
  };
}
