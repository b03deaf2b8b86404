import { X509Certificate } from 'node:crypto';
import { certificateError, type OrganisationCertificate } from './organisation-certificate.ts';

/**
 * CNs the INSi teleservice accepts on the organisation certificate: exactly `INSI-AUTO` (call
 * without a person, e.g. batch or HL7 feed) or `INSI-MANU` (a person triggered it), upper case,
 * hyphen-separated; any other CN is answered with DESIR_560 "Niveau d'accès insuffisant"
 * (padoa/tlsi-ins README, notes; reference/national-services.md §3).
 */
export const INSI_CERTIFICATE_CNS = ['INSI-AUTO', 'INSI-MANU'] as const;
export type InsiCertificateCn = (typeof INSI_CERTIFICATE_CNS)[number];

/** id-kp-clientAuth (RFC 5280 §4.2.1.12). */
const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

export interface UsableOptions {
  now: Date;
  /** For INSi: the CN the call needs. */
  expectedCn?: InsiCertificateCn;
  /**
   * The tenant's structure identifier as IGC-Santé writes it in the subject (OU), e.g. `1` +
   * FINESS or `3` + SIRET: a certificate of another structure is refused.
   */
  expectedStructureId?: string;
}

/**
 * Refuses a certificate that cannot be used now for mutual TLS: not yet valid, expired, not a
 * client-authentication certificate, wrong CN for INSi, or issued to another structure.
 * Throws `AppError('BAD_INPUT', …, { field: 'certificate' })` with the dates or names involved.
 */
export function checkUsable(cert: OrganisationCertificate, options: UsableOptions): void {
  const { now } = options;
  if (now.getTime() < cert.notBefore.getTime()) {
    throw certificateError(
      `The certificate is not valid yet: valid from ${isoDate(cert.notBefore)} to ${isoDate(cert.notAfter)} (today ${isoDate(now)}).`,
      undefined,
      {
        reason: 'certificates.validity.not_yet',
        params: { from: isoDate(cert.notBefore), to: isoDate(cert.notAfter) },
      },
    );
  }
  if (now.getTime() > cert.notAfter.getTime()) {
    throw certificateError(
      `The certificate expired on ${isoDate(cert.notAfter)} (valid from ${isoDate(cert.notBefore)}; today ${isoDate(now)}). Upload the renewed certificate.`,
      undefined,
      { reason: 'certificates.validity.expired', params: { on: isoDate(cert.notAfter) } },
    );
  }

  const extendedUsages = new X509Certificate(cert.certPem).keyUsage;
  if (extendedUsages && extendedUsages.length > 0 && !extendedUsages.includes(CLIENT_AUTH_OID)) {
    throw certificateError(
      'The certificate is not a client authentication certificate (extended key usage without clientAuth): upload the "AUTH_CLI" organisation certificate.',
      undefined,
      { reason: 'certificates.usage.not_client_auth' },
    );
  }

  if (options.expectedCn !== undefined && cert.commonName !== options.expectedCn) {
    throw certificateError(
      `The certificate's common name is "${cert.commonName}" but INSi requires "${options.expectedCn}" (exactly INSI-AUTO or INSI-MANU, upper case).`,
      undefined,
      {
        reason: 'certificates.cn.mismatch',
        params: { commonName: cert.commonName, expected: options.expectedCn },
      },
    );
  }

  if (options.expectedStructureId !== undefined) {
    const values = [cert.subject.OU, cert.subject.organizationIdentifier]
      .filter((v): v is string => v !== undefined)
      .flatMap((v) => v.split(', '));
    if (!values.includes(options.expectedStructureId)) {
      throw certificateError(
        `The certificate was issued to another structure (subject "${values.join(', ') || 'no identifier'}", expected "${options.expectedStructureId}").`,
        undefined,
        { reason: 'certificates.structure.other' },
      );
    }
  }
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
