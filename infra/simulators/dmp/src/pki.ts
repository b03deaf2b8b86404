import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * A throw-away PKI shaped like the IGC-Santé chain the DMP trusts for organisation (ORG)
 * certificates (national-services.md §1.1: trust anchor ACI-EL-ORG; ORG certificate whose OU is
 * the structure id, e.g. `CN=DRIMbox, OU=499700367909006, O=CABINET M DOC0036790, ST=Paris (75),
 * C=FR`). Generated at test time: no private key is ever committed. Same design as the INSi
 * simulator's PKI (infra/simulators/insi/src/pki.ts).
 */
export interface DmpTestPkiOptions {
  now?: Date;
  /** OU of the organisation certificate: the structure's national id (default 1750712184, the examples' FINESS). */
  structureId?: string;
  organisationName?: string;
  passphrase?: string;
}

export interface DmpTestCertificate {
  certPem: string;
  keyPem: string;
  chainPem: string[];
  p12: Buffer;
  passphrase: string;
}

export interface DmpTestPki {
  rootCaPem: string;
  /** "TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS": issues the client certificates. */
  caPem: string;
  /** [intermediate, root]: what the simulator trusts for clients, and the client for the server. */
  caChainPem: string[];
  /** localhost / 127.0.0.1 / ::1. */
  server: { certPem: string; keyPem: string };
  clients: {
    /** The structure's ORG certificate (OU = structureId). */
    organisation: DmpTestCertificate;
    /** Another structure's ORG certificate, same CA (OU = 1990000099). */
    otherStructure: DmpTestCertificate;
    /** Same subject as `organisation`, issued by an unrelated CA: refused at TLS. */
    otherCa: DmpTestCertificate;
  };
  structureId: string;
}

const DAY = 86_400_000;
interface Issued {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  keyPem: string;
}

function issue(o: {
  subject: forge.pki.CertificateField[];
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
  serial[0] = (serial[0] as number) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = o.notBefore;
  cert.validity.notAfter = o.notAfter;
  cert.setSubject(o.subject);
  cert.setIssuer(o.issuer ? o.issuer.cert.subject.attributes : o.subject);
  const ext: object[] = [{ name: 'subjectKeyIdentifier' }];
  if (o.kind === 'ca') {
    ext.push(
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    );
  } else {
    ext.push(
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      o.kind === 'server'
        ? { name: 'extKeyUsage', serverAuth: true }
        : { name: 'extKeyUsage', clientAuth: true },
    );
    if (o.altNames) ext.push({ name: 'subjectAltName', altNames: o.altNames });
  }
  cert.setExtensions(ext);
  cert.sign(o.issuer ? o.issuer.key : key, forge.md.sha256.create());
  return { cert, key, keyPem };
}
const pem = (i: Issued) => forge.pki.certificateToPem(i.cert);

export function createDmpTestPki(options: DmpTestPkiOptions = {}): DmpTestPki {
  const now = (options.now ?? new Date()).getTime();
  const structureId = options.structureId ?? '1750712184';
  const organisation = options.organisationName ?? 'IMAGERIE DEMO PARIS-EST';
  const passphrase = options.passphrase ?? 'rayon-test-p12';
  const caValidity = { notBefore: new Date(now - 800 * DAY), notAfter: new Date(now + 3650 * DAY) };
  const leaf = { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };
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
    ...leaf,
    subject: [
      { shortName: 'C', value: 'FR' },
      { shortName: 'O', value: 'SIMULATEUR DMP RAYON' },
      { shortName: 'CN', value: 'localhost' },
    ],
    altNames: [
      { type: 2, value: 'localhost' },
      { type: 7, ip: '127.0.0.1' },
      { type: 7, ip: '::1' },
    ],
  });
  const client = (ou: string, o: string, issuer: Issued): DmpTestCertificate => {
    const issued = issue({
      kind: 'client',
      issuer,
      ...leaf,
      subject: [
        { shortName: 'C', value: 'FR' },
        { shortName: 'ST', value: 'Paris (75)' },
        { shortName: 'O', value: o },
        { shortName: 'OU', value: ou },
        { shortName: 'CN', value: 'RAYON DMP' },
      ],
    });
    const asn1 = forge.pkcs12.toPkcs12Asn1(issued.key, [issued.cert, issuer.cert], passphrase, {
      algorithm: 'aes256',
      friendlyName: 'RAYON DMP',
    });
    return {
      certPem: pem(issued),
      keyPem: issued.keyPem,
      chainPem: [pem(issuer)],
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
      organisation: client(structureId, organisation, intermediate),
      otherStructure: client('1990000099', 'AUTRE CABINET', intermediate),
      otherCa: client(structureId, organisation, other),
    },
    structureId,
  };
}
