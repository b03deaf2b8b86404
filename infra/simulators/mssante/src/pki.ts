import {
  createIgcSanteTestChain,
  type Issued,
  issueClientCertificate,
  pem,
  type TestCertificatePems,
  type TestClientCertificate as SharedTestClientCertificate,
  type Validity,
} from '@rayon/test-pki';

/**
 * A throw-away PKI for the MSSanté simulator, shaped like the INSi simulator's
 * (infra/simulators/insi/src/pki.ts): a root and an "ORGANISATIONS" intermediate named like the
 * IGC-Santé test chain, a server certificate for localhost, and organisation client
 * certificates (ORG AUTH_CLI, national-services.md §2.1) for applicative mailboxes.
 *
 * How a certificate names its mailbox (our rule; the reference does not give the real one):
 * the address is the certificate's subjectAltName rfc822Name, or else its CN when the CN is an
 * address. Generated at test time: no private key is ever committed.
 */
export interface MssanteTestPkiOptions {
  /** Reference instant of the validity periods (TLS peers check against the real clock). */
  now: Date;
  /** The applicative mailbox of the main client certificate. */
  mailbox?: string;
  /** Another applicative mailbox (same CA), to test that a certificate only sends as its own. */
  otherMailbox?: string;
  /** Structure identifier written in OU (`1` + FINESS, `3` + SIRET). */
  structureId?: string;
  organisationName?: string;
  passphrase?: string;
}

export type { TestCertificatePems };

export interface TestClientCertificate extends SharedTestClientCertificate {
  mailbox: string;
}

export interface MssanteTestPki {
  rootCaPem: string;
  caPem: string;
  /** What both sides trust: [intermediate, root]. */
  caChainPem: string[];
  /** Server certificate for localhost / 127.0.0.1 / ::1. */
  server: TestCertificatePems;
  clients: {
    /** The applicative mailbox `mailbox`, valid. */
    mailbox: TestClientCertificate;
    /** Another applicative mailbox, valid. */
    otherMailbox: TestClientCertificate;
    /** `mailbox`, expired yesterday. */
    expired: TestClientCertificate;
    /** `mailbox`, issued by an unrelated CA. */
    otherCa: TestClientCertificate;
  };
  otherCaPem: string;
}

export function createMssanteTestPki(options: MssanteTestPkiOptions): MssanteTestPki {
  const now = options.now.getTime();
  const mailbox = options.mailbox ?? 'rayon-test@imagerie-test.mssante.fr';
  const otherMailbox = options.otherMailbox ?? 'autre-bal@autre-cabinet.mssante.fr';
  const structureId = options.structureId ?? '1990000002';
  const organisation = options.organisationName ?? 'CABINET DE RADIOLOGIE RAYON TEST';
  const passphrase = options.passphrase ?? 'rayon-test-p12';
  const chain = createIgcSanteTestChain(now, 'SIMULATEUR MSSANTE RAYON');
  const { intermediate, other, leafValidity, expiredValidity } = chain;

  const client = (address: string, issuer: Issued, validity: Validity): TestClientCertificate => ({
    ...issueClientCertificate({
      issuer,
      validity,
      subject: [
        { shortName: 'C', value: 'FR' },
        { shortName: 'O', value: organisation },
        { shortName: 'OU', value: structureId },
        { shortName: 'CN', value: address },
      ],
      altNames: [{ type: 1, value: address }],
      friendlyName: address,
      passphrase,
    }),
    mailbox: address,
  });

  return {
    ...chain.pems,
    clients: {
      mailbox: client(mailbox, intermediate, leafValidity),
      otherMailbox: client(otherMailbox, intermediate, leafValidity),
      expired: client(mailbox, intermediate, expiredValidity),
      otherCa: client(mailbox, other, leafValidity),
    },
    otherCaPem: pem(other),
  };
}
