import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * A throw-away PKI shaped like the IGC-Santé test chain INSi uses for organisation certificates
 * (national-services.md §3: client certificates issued by "TEST AC IGC-SANTE ELEMENTAIRE
 * ORGANISATIONS" under the root "AC RACINE IGC-SANTE ELEMENTAIRE"; CN exactly INSI-AUTO or
 * INSI-MANU; the structure identifier in OU, e.g. `1`+FINESS or `3`+SIRET as on IGC-Santé
 * certificates). Generated at test time: no private key is ever committed.
 *
 * The names copy the real chain's wording; the keys, serials and extensions are ours.
 */
export interface TestPkiOptions {
  /** Reference instant of the validity periods (TLS peers check against the real clock). */
  now: Date;
  /** Structure identifier written in OU of the client certificates (default `1` + FINESS 990000002). */
  structureId?: string;
  /** O of the client certificates. */
  organisationName?: string;
  /** Passphrase of every PKCS#12 file. */
  passphrase?: string;
}

export interface TestCertificatePems {
  certPem: string;
  keyPem: string;
}

export interface TestClientCertificate extends TestCertificatePems {
  /** Issuing CAs, intermediate first (what a PKCS#12 from the ANS carries). */
  chainPem: string[];
  /** The same certificate, key and chain as a PKCS#12 file (AES-256, PBES2), as uploaded by a practice. */
  p12: Buffer;
  passphrase: string;
}

export interface TestPki {
  /** "TEST AC RACINE IGC-SANTE ELEMENTAIRE" (self-signed). */
  rootCaPem: string;
  /** "TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS", issued by the root. */
  caPem: string;
  /** What both sides trust: [intermediate, root]. */
  caChainPem: string[];
  /** Server certificate for localhost / 127.0.0.1 / ::1, issued by the intermediate. */
  server: TestCertificatePems;
  clients: {
    /** CN INSI-AUTO, valid. */
    auto: TestClientCertificate;
    /** CN INSI-MANU, valid. */
    manu: TestClientCertificate;
    /** CN INSI-AUTO, expired yesterday. */
    expired: TestClientCertificate;
    /** Valid chain, CN that INSi refuses (DESIR_560). */
    wrongCn: TestClientCertificate;
    /** CN INSI-AUTO issued by an unrelated CA. */
    otherCa: TestClientCertificate;
  };
  /** The unrelated CA's certificate. */
  otherCaPem: string;
}

const DAY = 86_400_000;

interface Issued {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  keyPem: string;
}

type Name = { shortName: string; value: string }[];

function issue(options: {
  subject: Name;
  issuer?: Issued;
  notBefore: Date;
  notAfter: Date;
  kind: 'ca' | 'server' | 'client';
  altNames?: { type: number; value?: string; ip?: string }[];
}): Issued {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f; // positive INTEGER (RFC 5280 §4.1.2.2)
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  cert.setSubject(options.subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : options.subject);
  const extensions: object[] = [{ name: 'subjectKeyIdentifier' }];
  if (options.kind === 'ca') {
    extensions.push(
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    );
  } else {
    extensions.push(
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      options.kind === 'server'
        ? { name: 'extKeyUsage', serverAuth: true }
        : { name: 'extKeyUsage', clientAuth: true },
    );
    if (options.altNames) extensions.push({ name: 'subjectAltName', altNames: options.altNames });
  }
  cert.setExtensions(extensions);
  cert.sign(options.issuer ? options.issuer.key : key, forge.md.sha256.create());
  return { cert, key, keyPem };
}

const pem = (issued: Issued) => forge.pki.certificateToPem(issued.cert);

export function createTestPki(options: TestPkiOptions): TestPki {
  const now = options.now.getTime();
  const structureId = options.structureId ?? '1990000002';
  const organisation = options.organisationName ?? 'CABINET DE RADIOLOGIE RAYON TEST';
  const passphrase = options.passphrase ?? 'rayon-test-p12';
  const caValidity = { notBefore: new Date(now - 800 * DAY), notAfter: new Date(now + 3650 * DAY) };
  const leafValidity = { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };

  const root = issue({
    kind: 'ca',
    ...caValidity,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: 'ASIP-SANTE' },
      { shortName: 'OU', value: 'IGC-SANTE TEST' },
      { shortName: 'CN', value: 'TEST AC RACINE IGC-SANTE ELEMENTAIRE' },
    ],
  });
  const intermediate = issue({
    kind: 'ca',
    issuer: root,
    ...caValidity,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: 'ASIP-SANTE' },
      { shortName: 'OU', value: 'IGC-SANTE TEST ELEMENTAIRE' },
      { shortName: 'CN', value: 'TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS' },
    ],
  });
  const other = issue({
    kind: 'ca',
    ...caValidity,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: 'AUTRE AUTORITE' },
      { shortName: 'CN', value: 'TEST AC NON RECONNUE' },
    ],
  });

  const server = issue({
    kind: 'server',
    issuer: intermediate,
    ...leafValidity,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: 'SIMULATEUR INSI RAYON' },
      { shortName: 'CN', value: 'localhost' },
    ],
    altNames: [
      { type: 2, value: 'localhost' },
      { type: 7, ip: '127.0.0.1' },
      { type: 7, ip: '::1' },
    ],
  });

  const client = (
    cn: string,
    issuer: Issued,
    validity: { notBefore: Date; notAfter: Date },
  ): TestClientCertificate => {
    const issued = issue({
      kind: 'client',
      issuer,
      ...validity,
      subject: [
        { shortName: 'C', value: 'FR' },
        { shortName: 'O', value: organisation },
        { shortName: 'OU', value: structureId },
        { shortName: 'CN', value: cn },
      ],
    });
    const chain = issuer === intermediate ? [intermediate] : [issuer];
    const asn1 = forge.pkcs12.toPkcs12Asn1(
      issued.key,
      [issued.cert, ...chain.map((c) => c.cert)],
      passphrase,
      {
        algorithm: 'aes256',
        friendlyName: cn,
      },
    );
    return {
      certPem: pem(issued),
      keyPem: issued.keyPem,
      chainPem: chain.map(pem),
      p12: Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'),
      passphrase,
    };
  };

  return {
    rootCaPem: pem(root),
    caPem: pem(intermediate),
    caChainPem: [pem(intermediate), pem(root)],
    server: { certPem: pem(server), keyPem: server.keyPem },
    clients: {
      auto: client('INSI-AUTO', intermediate, leafValidity),
      manu: client('INSI-MANU', intermediate, leafValidity),
      expired: client('INSI-AUTO', intermediate, {
        notBefore: new Date(now - 400 * DAY),
        notAfter: new Date(now - DAY),
      }),
      wrongCn: client(organisation, intermediate, leafValidity),
      otherCa: client('INSI-AUTO', other, leafValidity),
    },
    otherCaPem: pem(other),
  };
}
