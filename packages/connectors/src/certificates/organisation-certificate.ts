import { createPrivateKey, X509Certificate } from 'node:crypto';
import { AppError, type Reason } from '@rayon/domain';
import forge from 'node-forge';

/**
 * An organisation certificate ("certificat logiciel de personne morale", IGC-Santé) with its
 * private key: what a tenant uploads once (PKCS#12) and what the connectors (INSi, DMP, MSSanté)
 * present in mutual TLS.
 *
 * The private key is never serialised: `toJSON()` and `util.inspect` leave it out, and it is not
 * an own enumerable property (spreading or `Object.entries` do not reveal it either). Store it
 * only sealed (see `sealSecret`).
 */
export class OrganisationCertificate {
  /** Leaf certificate, PEM. */
  readonly certPem: string;
  /** Certificates that came with the leaf (intermediate CAs first), PEM each. */
  readonly chainPem: readonly string[];
  /** Subject attributes by short name (CN, O, OU, C, ST, L, …); several values joined by ", ". */
  readonly subject: Readonly<Record<string, string>>;
  readonly issuer: Readonly<Record<string, string>>;
  /** Serial number, upper-case hexadecimal as OpenSSL prints it. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SHA-256 of the DER certificate, colon-separated upper-case hexadecimal. */
  readonly fingerprintSha256: string;
  readonly #keyPem: string;

  private constructor(fields: {
    certPem: string;
    keyPem: string;
    chainPem: string[];
    subject: Record<string, string>;
    issuer: Record<string, string>;
    serialNumber: string;
    notBefore: Date;
    notAfter: Date;
    fingerprintSha256: string;
  }) {
    this.certPem = fields.certPem;
    this.#keyPem = fields.keyPem;
    this.chainPem = Object.freeze([...fields.chainPem]);
    this.subject = Object.freeze({ ...fields.subject });
    this.issuer = Object.freeze({ ...fields.issuer });
    this.serialNumber = fields.serialNumber;
    this.notBefore = fields.notBefore;
    this.notAfter = fields.notAfter;
    this.fingerprintSha256 = fields.fingerprintSha256;
    Object.freeze(this);
  }

  /** Private key, PKCS#8 PEM. Pass it to TLS only; never log it, never return it from an API. */
  get keyPem(): string {
    return this.#keyPem;
  }

  /** Common name of the subject ('' when absent). INSi requires `INSI-AUTO` or `INSI-MANU`. */
  get commonName(): string {
    return this.subject.CN ?? '';
  }

  /**
   * Builds the certificate from PEMs (e.g. after opening the sealed key from storage). The key
   * must match the leaf certificate.
   */
  static fromPem(input: {
    certPem: string;
    keyPem: string;
    chainPem?: readonly string[];
  }): OrganisationCertificate {
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(input.certPem);
    } catch (cause) {
      throw certificateError('The certificate is not a valid PEM X.509 certificate.', cause);
    }
    let keyPem: string;
    try {
      const key = createPrivateKey(input.keyPem);
      if (!x509.checkPrivateKey(key))
        throw certificateError('The private key does not match the certificate.');
      keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch (cause) {
      if (cause instanceof AppError) throw cause;
      throw certificateError('The private key is not a valid PEM private key.', cause);
    }
    const chain = (input.chainPem ?? []).map((pem) => {
      try {
        return new X509Certificate(pem);
      } catch (cause) {
        throw certificateError('A certificate of the chain is not a valid PEM X.509 certificate.', cause);
      }
    });
    return OrganisationCertificate.fromX509(x509, keyPem, chain);
  }

  /** @internal used by parsePkcs12 and fromPem once the key is known to match. */
  static fromX509(x509: X509Certificate, keyPem: string, chain: X509Certificate[]): OrganisationCertificate {
    const names = readNames(x509.raw);
    return new OrganisationCertificate({
      certPem: x509.toString(),
      keyPem,
      chainPem: chain.map((c) => c.toString()),
      subject: names.subject,
      issuer: names.issuer,
      serialNumber: x509.serialNumber.toUpperCase(),
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
      fingerprintSha256: x509.fingerprint256,
    });
  }

  /** Everything but the private key. */
  toJSON() {
    return {
      certPem: this.certPem,
      chainPem: [...this.chainPem],
      subject: { ...this.subject },
      issuer: { ...this.issuer },
      serialNumber: this.serialNumber,
      notBefore: this.notBefore.toISOString(),
      notAfter: this.notAfter.toISOString(),
      fingerprintSha256: this.fingerprintSha256,
    };
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    const { certPem: _certPem, chainPem, ...rest } = this.toJSON();
    return { ...rest, chainLength: chainPem.length, keyPem: '[redacted]' };
  }
}

export function certificateError(message: string, cause?: unknown, reason?: Reason): AppError {
  return new AppError('BAD_INPUT', message, { field: 'certificate', cause, ...reason });
}

/**
 * Short names for the attribute types an IGC-Santé organisation certificate may carry. The
 * structure identifier (`1`+FINESS, `3`+SIRET, …) sits in OU on IGC-Santé certificates; some CAs
 * use organizationIdentifier (2.5.4.97, RFC 5280 / ETSI EN 319 412-1) instead.
 */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
};

/**
 * Reads issuer and subject straight from the DER (RFC 5280 §4.1): works whatever the key
 * algorithm (node-forge's certificate object only handles RSA keys).
 */
function readNames(der: Buffer): { subject: Record<string, string>; issuer: Record<string, string> } {
  const cert = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  const tbs = (cert.value as forge.asn1.Asn1[])[0];
  if (!tbs || !Array.isArray(tbs.value)) throw certificateError('The certificate structure is not X.509.');
  const fields = tbs.value;
  // TBSCertificate ::= SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer, validity, subject, … }
  const offset = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const issuer = fields[offset + 2];
  const subject = fields[offset + 4];
  if (!issuer || !subject) throw certificateError('The certificate structure is not X.509.');
  return { issuer: nameToRecord(issuer), subject: nameToRecord(subject) };
}

function nameToRecord(name: forge.asn1.Asn1): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rdn of name.value as forge.asn1.Asn1[]) {
    for (const atv of rdn.value as forge.asn1.Asn1[]) {
      const [typeNode, valueNode] = atv.value as forge.asn1.Asn1[];
      if (!typeNode || !valueNode) continue;
      const oid = forge.asn1.derToOid(typeNode.value as string);
      const key = ATTRIBUTE_NAMES[oid] ?? oid;
      const value = decodeDirectoryString(valueNode);
      out[key] = out[key] === undefined ? value : `${out[key]}, ${value}`;
    }
  }
  return out;
}

/** DirectoryString (RFC 5280 §4.1.2.4): UTF8String and BMPString need decoding, the rest is ASCII/Latin-1. */
function decodeDirectoryString(node: forge.asn1.Asn1): string {
  const raw = typeof node.value === 'string' ? node.value : '';
  const bytes = Buffer.from(raw, 'binary');
  switch (node.type) {
    case forge.asn1.Type.UTF8:
      return bytes.toString('utf8');
    case forge.asn1.Type.BMPSTRING:
      return bytes.swap16().toString('utf16le');
    default:
      return bytes.toString('latin1');
  }
}
