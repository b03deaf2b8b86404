import {
  createIgcSanteTestChain,
  type Issued,
  issueClientCertificate,
  pem,
  type TestCertificatePems,
  type TestClientCertificate,
  type Validity,
} from '@rayon/test-pki';

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

export type { TestCertificatePems, TestClientCertificate };

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

export function createTestPki(options: TestPkiOptions): TestPki {
  const now = options.now.getTime();
  const structureId = options.structureId ?? '1990000002';
  const organisation = options.organisationName ?? 'CABINET DE RADIOLOGIE RAYON TEST';
  const passphrase = options.passphrase ?? 'rayon-test-p12';
  const chain = createIgcSanteTestChain(now, 'SIMULATEUR INSI RAYON');
  const { intermediate, other, leafValidity, expiredValidity } = chain;

  const client = (cn: string, issuer: Issued, validity: Validity): TestClientCertificate =>
    issueClientCertificate({
      issuer,
      validity,
      subject: [
        { shortName: 'C', value: 'FR' },
        { shortName: 'O', value: organisation },
        { shortName: 'OU', value: structureId },
        { shortName: 'CN', value: cn },
      ],
      friendlyName: cn,
      passphrase,
    });

  return {
    ...chain.pems,
    clients: {
      auto: client('INSI-AUTO', intermediate, leafValidity),
      manu: client('INSI-MANU', intermediate, leafValidity),
      expired: client('INSI-AUTO', intermediate, expiredValidity),
      wrongCn: client(organisation, intermediate, leafValidity),
      otherCa: client('INSI-AUTO', other, leafValidity),
    },
    otherCaPem: pem(other),
  };
}
