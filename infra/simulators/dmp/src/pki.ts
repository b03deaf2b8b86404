import {
  createIgcSanteTestChain,
  type Issued,
  issueClientCertificate,
  type TestClientCertificate,
} from '@rayon/test-pki';

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

export type DmpTestCertificate = TestClientCertificate;

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

export function createDmpTestPki(options: DmpTestPkiOptions = {}): DmpTestPki {
  const now = (options.now ?? new Date()).getTime();
  const structureId = options.structureId ?? '1750712184';
  const organisation = options.organisationName ?? 'IMAGERIE DEMO PARIS-EST';
  const passphrase = options.passphrase ?? 'rayon-test-p12';
  const chain = createIgcSanteTestChain(now, 'SIMULATEUR DMP RAYON');
  const { intermediate, other, leafValidity } = chain;
  const client = (ou: string, o: string, issuer: Issued): DmpTestCertificate =>
    issueClientCertificate({
      issuer,
      validity: leafValidity,
      subject: [
        { shortName: 'C', value: 'FR' },
        { shortName: 'ST', value: 'Paris (75)' },
        { shortName: 'O', value: o },
        { shortName: 'OU', value: ou },
        { shortName: 'CN', value: 'RAYON DMP' },
      ],
      friendlyName: 'RAYON DMP',
      passphrase,
    });
  return {
    ...chain.pems,
    clients: {
      organisation: client(structureId, organisation, intermediate),
      otherStructure: client('1990000099', 'AUTRE CABINET', intermediate),
      otherCa: client(structureId, organisation, other),
    },
    structureId,
  };
}
