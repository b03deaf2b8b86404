/**
 * Rayon's INSi client against the simulator over real mutual TLS: certificates from a test PKI
 * generated here, uploaded as PKCS#12 through the real parser, the official test identities,
 * the refusals (certificate, CN, IDAM) and malformed traffic.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insiConformance } from '../src/shared.ts';
import { createServer as createHttpsServer, request } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { checkUsable, parsePkcs12 } from '@rayon/connectors/certificates';
import {
  createInsiClient,
  InsiError,
  parseInsiResponse,
  type InsiSearchResult,
} from '@rayon/connectors/insi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPki,
  startInsiSimulator,
  validateRequestEnvelope,
  type InsiExchange,
  type InsiSimulator,
  type TestClientCertificate,
  type TestPki,
} from '../src/index.ts';

const IDAM = 'RAYON-IDAM-TEST';
const lps = { idam: IDAM, version: '0.1.0', name: 'RAYON', instance: 'b3549edd-4ae9-472a-b26f-fd2fb4ef397f' };
const hasOpenssl = () => spawnSync('openssl', ['version']).status === 0;
const official = (name: string) => readFileSync(join(insiConformance, 'responses', name), 'utf8');

let pki: TestPki;
let sim: InsiSimulator;
const exchanges: InsiExchange[] = [];

beforeAll(async () => {
  pki = createTestPki({ now: new Date(), structureId: '1990000002' });
  sim = await startInsiSimulator({
    port: 0,
    tls: { keyPem: pki.server.keyPem, certPem: pki.server.certPem + pki.caPem, caPem: pki.caChainPem },
    allowedIdam: [IDAM],
    onExchange: (e) => exchanges.push(e),
  });
});

afterAll(async () => {
  await sim?.close();
});

function client(
  cert: TestClientCertificate,
  options: { idam?: string; trusted?: string[]; endpoint?: string; timeoutMs?: number } = {},
) {
  return createInsiClient({
    endpoint: options.endpoint ?? sim.url,
    certificate: parsePkcs12(cert.p12, cert.passphrase),
    trustedCaPem: options.trusted ?? [pki.rootCaPem],
    lps: { ...lps, idam: options.idam ?? IDAM },
    emitter: 'structure:1990000002',
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

async function expectInsiError(promise: Promise<unknown>): Promise<InsiError> {
  const error = await promise.then(
    () => {
      throw new Error('expected an InsiError');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InsiError);
  return error as InsiError;
}

/** A raw HTTPS POST with the INSI-AUTO certificate, for traffic the client would never send. */
function rawPost(body: string | Buffer, contentType: string): Promise<{ status: number; body: string }> {
  const url = new URL(sim.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        key: pki.clients.auto.keyPem,
        cert: pki.clients.auto.certPem,
        ca: pki.caChainPem,
        agent: false,
        headers: { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('official test identities (national-services.md §3 and the CNDA files)', () => {
  const search = (birthFamilyName: string, forenames: string[], sex: 'M' | 'F', birthDate: string) =>
    client(pki.clients.auto).searchByTraits({ birthFamilyName, forenames, sex, birthDate });

  it('ADRUN ZOE → 00, INS 275126322074974 (NIR OID), born in 63220', async () => {
    const r = await search('ADRUN', ['ZOE'], 'F', '1975-12-31');
    expect(r.code).toBe('00');
    expect(r.label).toBe('OK');
    expect(r.result).toEqual({
      ins: { matricule: '275126322074974', oid: '1.2.250.1.213.1.4.8' },
      history: [],
      traits: {
        birthFamilyName: 'ADRUN',
        firstBirthForename: 'ZOE',
        birthForenames: 'ZOE',
        sex: 'F',
        birthDate: '1975-12-31',
        birthPlaceCode: '63220',
      },
      returnedTraits: {
        NomNaissance: 'ADRUN',
        Prenom: 'ZOE',
        ListePrenom: 'ZOE',
        Sexe: 'F',
        DateNaissance: '1975-12-31',
        LieuNaissance: '63220',
      },
    });
  });

  it('TCHITCHI: OLA → 01, then CATARINA → 00 with ListePrenom "CATARINA BELLA"', async () => {
    const r = await search('TCHITCHI', ['OLA', 'CATARINA'], 'F', '1936-06-21');
    expect(r.attempts.map((a) => [a.forename, a.code])).toEqual([
      ['OLA', '01'],
      ['CATARINA', '00'],
    ]);
    expect(r.code).toBe('00');
    expect(r.result?.ins).toEqual({ matricule: '236066322083656', oid: '1.2.250.1.213.1.4.8' });
    expect(r.result?.traits).toMatchObject({
      firstBirthForename: 'CATARINA',
      birthForenames: 'CATARINA BELLA',
      birthPlaceCode: '63220',
    });
    expect(r.requestXml).toContain('<Prenom>CATARINA</Prenom>');
  });

  it('TCHITCHI with OLA alone → 01', async () => {
    const r = await search('TCHITCHI', ['OLA'], 'F', '1936-06-21');
    expect(r).toMatchObject({ code: '01', label: 'Aucune identite trouvee' });
    expect(r.result).toBeUndefined();
  });

  it('ECETINSI PIERRE-ALAIN → TEST_2.04_cas2 (two INSHISTO, no Prenom)', async () => {
    const r = await search('ECETINSI', ['PIERRE-ALAIN'], 'M', '2009-07-14');
    expect(r.result).toEqual(parseInsiResponse(official('TEST_2.04_cas2.xml')).result);
    expect(r.result?.ins.matricule).toBe('109076322083489');
    expect(r.result?.history.map((h) => h.matricule)).toEqual(['209076322083439', '209066322012355']);
    expect(r.result?.traits.birthForenames).toBe('PIERRE-ALAIN MURIEL FLORIANT');
  });

  it('NESSI MICHELANGELO → 00, INS 110086322083060, ListePrenom "MICHELANGELO ANTHONY"', async () => {
    const r = await search('NESSI', ['MICHELANGELO'], 'M', '2010-08-07');
    expect(r.result?.ins).toEqual({ matricule: '110086322083060', oid: '1.2.250.1.213.1.4.8' });
    expect(r.result?.traits.birthForenames).toBe('MICHELANGELO ANTHONY');
  });

  it('CORSE ANTHONY → TEST_2.08_cas1 (INS 180032B02040123, born 2B020)', async () => {
    const r = await search('CORSE', ['ANTHONY'], 'M', '1980-03-02');
    expect(r.result).toEqual(parseInsiResponse(official('TEST_2.08_cas1.xml')).result);
    expect(r.result?.ins.matricule).toBe('180032B02040123');
    expect(r.result?.traits.birthPlaceCode).toBe('2B020');
  });

  it('HERMANN GATIEN → TEST_2.08_cas2 (INSHISTO 281036322045610)', async () => {
    const r = await search('HERMANN', ['GATIEN'], 'M', '1981-03-24');
    expect(r.result).toEqual(parseInsiResponse(official('TEST_2.08_cas2.xml')).result);
    expect(r.result?.history.map((h) => h.matricule)).toContain('281036322045610');
  });

  it('PROVISOIRE MATRICULE → TEST_2.05 (NIA OID 1.2.250.1.213.1.4.9)', async () => {
    const r = await search('PROVISOIRE', ['MATRICULE'], 'M', '2009-07-01');
    expect(r.result).toEqual(parseInsiResponse(official('TEST_2.05.xml')).result);
    expect(r.result?.ins).toEqual({ matricule: '109076322088835', oid: '1.2.250.1.213.1.4.9' });
  });

  it('HOUILLES PIERRE / PAUL / JACQUES → 01 for each forename and for all of them (REP_CR01)', async () => {
    const r = await search('HOUILLES', ['PIERRE', 'PAUL', 'JACQUES'], 'M', '1993-01-27');
    expect(r.attempts.map((a) => [a.forename, a.code])).toEqual([
      ['PIERRE', '01'],
      ['PAUL', '01'],
      ['JACQUES', '01'],
      ['PIERRE PAUL JACQUES', '01'],
    ]);
    expect({ code: r.code, label: r.label }).toEqual(parseInsiResponse(official('REP_CR01.xml')));
  });

  it('accents typed at the desk are transliterated before the call', async () => {
    const r = await search('Ádrun', ['Zoé'], 'F', '1975-12-31');
    expect(r.code).toBe('00');
    expect(r.requestXml).toContain('<NomNaissance>ADRUN</NomNaissance>');
  });
});

describe('synthetic cases (documented in identities.ts)', () => {
  it('homonyms → 02; the birth place picks one → 00', async () => {
    const c = client(pki.clients.manu);
    const query = {
      birthFamilyName: 'HOMONYME',
      forenames: ['CAMILLE'],
      sex: 'F' as const,
      birthDate: '1990-05-15',
    };
    const several = await c.searchByTraits(query);
    expect(several).toMatchObject({ code: '02', label: 'Plusieurs identites trouvees' });
    expect(several.result).toBeUndefined();
    const one = await c.searchByTraits({ ...query, birthPlaceCode: '69123' });
    expect(one.code).toBe('00');
    expect(one.result?.ins.matricule).toBe('290056912345637');
    expect(one.requestXml).toContain('<LieuNaissance>69123</LieuNaissance>');
  });

  it('a TIQ birth date with 00 as day and month is returned as is', async () => {
    const r = await client(pki.clients.auto).searchByTraits({
      birthFamilyName: 'DATEPARTIELLE',
      forenames: ['AMINA'],
      sex: 'F',
      birthDate: '1962-00-00',
    });
    expect(r.code).toBe('00');
    expect(r.result?.traits.birthDate).toBe('1962-00-00');
    expect(r.result?.traits.birthPlaceCode).toBe('99350');
  });
});

describe('rechercherInsAvecCarteVitale', () => {
  it('finds ADRUN ZOE by the NIR read on the card', async () => {
    const r = await client(pki.clients.auto).searchWithVitale({
      insuredNir: '275126322074974',
      beneficiaryNir: '275126322074974',
      birthDate: '1975-12-31',
      birthRank: 1,
    });
    expect(r.code).toBe('00');
    expect(r.result?.ins.matricule).toBe('275126322074974');
    expect((await validateRequestEnvelope(r.requestXml)).valid).toBe(true);
  });

  it('answers 01 for an unknown NIR', async () => {
    const r = await client(pki.clients.auto).searchWithVitale({
      insuredNir: '190017512345603',
      birthDate: '1990-01-01',
      birthRank: 1,
    });
    expect(r.code).toBe('01');
  });
});

describe('the request on the wire', () => {
  it('validates against the official XSDs and carries the LPS context', async () => {
    const r: InsiSearchResult = await client(pki.clients.auto).searchByTraits({
      birthFamilyName: 'ADRUN',
      forenames: ['ZOE'],
      sex: 'F',
      birthDate: '1975-12-31',
      birthPlaceCode: '63220',
    });
    expect(await validateRequestEnvelope(r.requestXml)).toEqual({ valid: true, errors: [] });
    expect(r.requestXml).toContain('<ctxlps:IDAM R="4">RAYON-IDAM-TEST</ctxlps:IDAM>');
    expect(r.requestXml).toContain('<ctxlps:Nom>urn:lps:RAYON:0.1.0</ctxlps:Nom>');
    expect(r.requestXml).toMatch(/<wsa:MessageID>uuid:[0-9a-f-]{36}<\/wsa:MessageID>/);
    expect(exchanges.at(-1)).toMatchObject({
      operation: 'traits',
      clientCn: 'INSI-AUTO',
      status: 200,
      outcome: '00',
    });
  });
});

describe('SOAP faults', () => {
  it('VANDERMONDE ARIANA forces a Receiver fault (siram_40 / insi_102)', async () => {
    const error = await expectInsiError(
      client(pki.clients.auto).searchByTraits({
        birthFamilyName: 'VANDERMONDE',
        forenames: ['ARIANA'],
        sex: 'F',
        birthDate: '1995-06-17',
      }),
    );
    expect(error).toMatchObject({
      kind: 'soap-fault',
      code: 'UNAVAILABLE',
      httpStatus: 500,
      siramCode: 'insi_102',
    });
    expect(error.siram).toMatchObject({
      faultCode: 'soap:Receiver',
      subcode: 'soap:siram_40',
      severity: 'fatale',
    });
    expect(error.message).toContain('Le service est temporairement inaccessible');
    expect(error.siram?.messageId).toMatch(/^uuid:/);
  });

  it('a certificate whose CN is neither INSI-AUTO nor INSI-MANU → DESIR_560', async () => {
    const cert = parsePkcs12(pki.clients.wrongCn.p12, pki.clients.wrongCn.passphrase);
    expect(() => checkUsable(cert, { now: new Date(), expectedCn: 'INSI-AUTO' })).toThrow(
      /INSi requires "INSI-AUTO"/,
    );
    const error = await expectInsiError(
      client(pki.clients.wrongCn).searchByTraits({
        birthFamilyName: 'ADRUN',
        forenames: ['ZOE'],
        sex: 'F',
        birthDate: '1975-12-31',
      }),
    );
    expect(error).toMatchObject({ kind: 'soap-fault', code: 'FORBIDDEN', siramCode: 'desir_560' });
    expect(error.siram?.message).toBe("Niveau d'accès insuffisant");
    expect(error.message).toContain("DESIR_560 Niveau d'accès insuffisant");
  });

  it('an IDAM the service does not know → desir_550', async () => {
    const error = await expectInsiError(
      client(pki.clients.auto, { idam: 'INCONNU' }).searchByTraits({
        birthFamilyName: 'ADRUN',
        forenames: ['ZOE'],
        sex: 'F',
        birthDate: '1975-12-31',
      }),
    );
    expect(error).toMatchObject({ kind: 'soap-fault', code: 'FORBIDDEN', siramCode: 'desir_550' });
    expect(error.siram?.subcode).toBe('soap:siram_100');
  });
});

describe.each(['TLSv1.3', 'TLSv1.2'] as const)('certificates refused by TLS (%s)', (maxTlsVersion) => {
  const query = { birthFamilyName: 'ADRUN', forenames: ['ZOE'], sex: 'F' as const, birthDate: '1975-12-31' };
  let tlsSim: InsiSimulator;
  const answered: InsiExchange[] = [];
  beforeAll(async () => {
    tlsSim = await startInsiSimulator({
      tls: { keyPem: pki.server.keyPem, certPem: pki.server.certPem + pki.caPem, caPem: pki.caChainPem },
      maxTlsVersion,
      onExchange: (e) => answered.push(e),
    });
  });
  afterAll(() => tlsSim.close());

  /**
   * Node's TLS server closes without a readable alert: the client reports a refusal of the
   * certificate without its reason (the reason is read from real alerts: see the OpenSSL test below).
   */
  const refusal = (reason: string) =>
    new RegExp(
      `refused the TLS connection \\(alert "${reason}"\\)|closed the connection (during|right after) the TLS handshake, without answering: it most likely refused the organisation certificate`,
    );

  it('an expired client certificate is refused', async () => {
    const cert = parsePkcs12(pki.clients.expired.p12, pki.clients.expired.passphrase);
    expect(() => checkUsable(cert, { now: new Date() })).toThrow(/expired on/);
    const error = await expectInsiError(
      client(pki.clients.expired, { endpoint: tlsSim.url }).searchByTraits(query),
    );
    expect(error.kind).toBe('tls-refused');
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toMatch(refusal('certificate expired'));
  });

  it('a client certificate from another CA is refused', async () => {
    const error = await expectInsiError(
      client(pki.clients.otherCa, { endpoint: tlsSim.url }).searchByTraits(query),
    );
    expect(error.kind).toBe('tls-refused');
    expect(error.message).toMatch(refusal('unknown ca'));
  });

  it('the simulator keeps serving valid clients', async () => {
    const r = await client(pki.clients.auto, { endpoint: tlsSim.url }).searchByTraits(query);
    expect(r.code).toBe('00');
    expect(answered.at(-1)).toMatchObject({ clientCn: 'INSI-AUTO', status: 200, outcome: '00' });
  });

  it('a server certificate the client does not trust is refused before anything is sent', async () => {
    const before = answered.length;
    const error = await expectInsiError(
      client(pki.clients.auto, { endpoint: tlsSim.url, trusted: [pki.otherCaPem] }).searchByTraits(query),
    );
    expect(error.kind).toBe('server-untrusted');
    expect(error.message).toMatch(/certificate is not trusted/);
    expect(answered.length).toBe(before);
  });
});

/**
 * The same refusals from a stock OpenSSL server (`openssl s_server -verify_return_error`), which
 * sends the TLS alert as front-ends do: the client names the reason.
 */
describe.skipIf(!hasOpenssl())('TLS alerts from an OpenSSL server', () => {
  const query = { birthFamilyName: 'ADRUN', forenames: ['ZOE'], sex: 'F' as const, birthDate: '1975-12-31' };
  let dir: string;
  const servers: ChildProcess[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rayon-insi-openssl-'));
    writeFileSync(join(dir, 'server.pem'), pki.server.certPem + pki.caPem);
    writeFileSync(join(dir, 'server.key'), pki.server.keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'ca.pem'), pki.caChainPem.join(''));
  });
  afterAll(() => {
    for (const s of servers) s.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function opensslServer(version: '-tls1_2' | '-tls1_3'): Promise<string> {
    // prettier-ignore
    const child = spawn('openssl', ['s_server', '-accept', '127.0.0.1:0', version, '-cert', join(dir, 'server.pem'),
      '-key', join(dir, 'server.key'), '-CAfile', join(dir, 'ca.pem'), '-Verify', '3', '-verify_return_error', '-www']);
    servers.push(child);
    const port = await new Promise<string>((resolve, reject) => {
      let out = '';
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        const m = /ACCEPT 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(m[1] as string);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', () => reject(new Error(`openssl s_server exited: ${out}`)));
    });
    return `https://127.0.0.1:${port}/lps`;
  }

  it.each(['-tls1_2', '-tls1_3'] as const)(
    '%s: expired → "certificate expired", other CA → "unknown ca"',
    async (version) => {
      const endpoint = await opensslServer(version);
      const expired = await expectInsiError(client(pki.clients.expired, { endpoint }).searchByTraits(query));
      expect(expired).toMatchObject({ kind: 'tls-refused', code: 'FORBIDDEN' });
      expect(expired.message).toContain('refused the TLS connection (alert "certificate expired")');
      const otherCa = await expectInsiError(client(pki.clients.otherCa, { endpoint }).searchByTraits(query));
      expect(otherCa.kind).toBe('tls-refused');
      expect(otherCa.message).toContain('(alert "unknown ca")');
    },
  );
});

describe('the simulator survives malformed traffic', () => {
  const valid = { birthFamilyName: 'ADRUN', forenames: ['ZOE'], sex: 'F' as const, birthDate: '1975-12-31' };

  it('answers a fault to non-XML, to XML outside the WSDL and to a DOCTYPE, then keeps serving', async () => {
    for (const body of [
      'this is not xml',
      '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><x/></soap:Body>',
      '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><x/></soap:Body></soap:Envelope>',
      '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>',
    ]) {
      const res = await rawPost(body, 'application/soap+xml; charset=utf-8');
      expect(res.status).toBe(500);
      expect(() => parseInsiResponse(res.body)).toThrow(InsiError);
      expect(res.body).toContain('simu_requete_invalide');
    }
    expect((await client(pki.clients.auto).searchByTraits(valid)).code).toBe('00');
  });

  it('refuses a wrong content type (415) and a body over 1 MiB (413), then keeps serving', async () => {
    expect((await rawPost('<a/>', 'text/xml')).status).toBe(415);
    const huge = Buffer.alloc(1024 * 1024 + 10, 'a');
    const res = await rawPost(huge, 'application/soap+xml').catch((e: Error & { code?: string }) => ({
      status: e.code === 'ECONNRESET' || e.code === 'EPIPE' ? 413 : 0,
      body: '',
    }));
    expect(res.status).toBe(413);
    expect((await client(pki.clients.auto).searchByTraits(valid)).code).toBe('00');
  });
});

describe('transport errors of the client', () => {
  const query = { birthFamilyName: 'ADRUN', forenames: ['ZOE'], sex: 'F' as const, birthDate: '1975-12-31' };
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    silent = createTcpServer((socket) => sockets.add(socket)); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('times out with a clear message', async () => {
    const error = await expectInsiError(
      client(pki.clients.auto, {
        endpoint: `https://127.0.0.1:${silentPort}/lps`,
        timeoutMs: 300,
      }).searchByTraits(query),
    );
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('INSi did not answer within 300 ms.');
  });

  it('reports a non-SOAP answer (proxy error page)', async () => {
    const proxy = createHttpsServer(
      { key: pki.server.keyPem, cert: pki.server.certPem + pki.caPem },
      (_req, res) => {
        res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html><body>Bad gateway</body></html>');
      },
    );
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const port = (proxy.address() as AddressInfo).port;
      const error = await expectInsiError(
        client(pki.clients.auto, { endpoint: `https://127.0.0.1:${port}/lps` }).searchByTraits(query),
      );
      expect(error).toMatchObject({ kind: 'http', httpStatus: 502, code: 'UNAVAILABLE' });
      expect(error.message).toBe('INSi answered HTTP 502 without a SOAP message (text/html).');
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it('reports a refused connection', async () => {
    const error = await expectInsiError(
      client(pki.clients.auto, { endpoint: 'https://127.0.0.1:1/lps' }).searchByTraits(query),
    );
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});
