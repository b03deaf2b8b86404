import { execFile } from 'node:child_process';
import { createHash, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { DOMParser, type Element } from '@xmldom/xmldom';
import {
  checkDocumentEntry,
  checkSubmissionSet,
  parseInsCx,
  rimChildren,
  slotValues,
  XdsError,
  type CheckedEntry,
} from './metadata-check.ts';
import { checkCdaAgainstEntry } from './cda-check.ts';
import { contentTypeParam, normaliseCid, parseMultipart } from './mtom.ts';
import { validateCdaToolPath } from './shared.ts';
import { checkVihf, ouOf, VihfError, type CheckedVihf } from './vihf-check.ts';
import { handleWebPs, WEB_PS_PATH } from './web-ps.ts';

const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  xdsb: 'urn:ihe:iti:xds-b:2007',
  lcm: 'urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0',
  rs: 'urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0',
  xop: 'http://www.w3.org/2004/08/xop/include',
  hl7: 'urn:hl7-org:v3',
  query: 'urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0',
  rim: 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0',
};
const ACTIONS: Record<string, readonly string[]> = {
  '/repository': ['urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b'],
  '/registry': ['urn:ihe:iti:2010:UpdateDocumentSet', 'urn:ihe:iti:2007:RegistryStoredQuery'],
  '/patients': ['urn:hl7-org:v3:PRPA_IN201307UV02'],
};
const FIND_DOCUMENTS = 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d';
const FIND_BY_REFERENCE_ID = 'urn:uuid:12941a89-e02e-4be5-967c-ce4bfc8fe492';
const STATUS_URI = {
  approved: 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved',
  deprecated: 'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated',
  deleted: 'urn:asip:ci-sis:2010:StatusType:Deleted',
} as const;

/** ANS test identities known to the simulated DMP (INSi test set, DRIM-DATA sample). */
export const DEFAULT_DMP_PATIENTS = ['279035121518989', '162018885045327'];

export type DmpDocumentStatus = 'approved' | 'deprecated' | 'deleted';

/**
 * A patient known to the simulated DMP and what TD0.2 says of them: a DMP (`active`, the
 * default), a closed one, the patient's opposition; `reportedMatricule`: the DMP holds the
 * patient under this other INS (an identity difference the RIS must trace).
 */
export interface DmpPatientCase {
  matricule: string;
  dmp?: 'active' | 'closed' | 'opposed';
  reportedMatricule?: string;
}

/** Who sees a document, from its TRE_A07 confidentiality codes (the JSON listing shows it). */
export interface DmpVisibility {
  patient: boolean;
  professionals: boolean;
  legalRepresentatives: boolean;
}

export interface StoredDmpDocument extends CheckedEntry {
  entryUuid: string;
  /** Logical id of the entry (ITI-57): the first version's entryUUID, shared by its versions. */
  lid: string;
  /** Logical version (1, then each metadata update); only the latest may be approved. */
  version: number;
  status: DmpDocumentStatus;
  visibility: DmpVisibility;
  /** Fed in a « connexion secrète » (the VIHF's confidentiality-code). */
  secretConnection: boolean;
  ins: { matricule: string; oid: string };
  /** OU of the TLS client certificate that submitted it. */
  structureId: string;
  submissionSetUniqueId: string;
  sourceId: string;
  submittedAt: string;
  /** entryUUID this entry replaced (RPLC). */
  replaces?: string;
  /** entryUUID of the entry that replaced this one. */
  replacedBy?: string;
  cda: Buffer;
}

export interface DmpExchange {
  path: string;
  transaction: 'ITI-41' | 'ITI-57' | 'TD0.2' | 'unknown';
  structureId: string;
  httpStatus: number;
  outcome: string;
}

export interface DmpSimulatorOptions {
  port?: number;
  host?: string;
  /** Server certificate and the CAs that issue client certificates (createDmpTestPki() fits). */
  pki: { server: { certPem: string; keyPem: string }; caChainPem: readonly string[]; caPem?: string };
  /** Run ../shared/tools/validate-cda on each CDA (RAYON_SHARED overrides the shared folder). */
  validateCda?: boolean;
  /** INS matricules that have a DMP, or their TD0.2 case (default DEFAULT_DMP_PATIENTS). */
  patients?: readonly (string | DmpPatientCase)[];
  /**
   * Opens a DMP for any INS it is sent (ITI-41 or TD0.2), as if every patient had one: the quick
   * start's choice, so that a patient created in the portal reaches it. Off by default (tests of
   * an unknown patient).
   */
  openForAnyIns?: boolean;
  /** VIHF lifetime (default 30 s, national-services.md §1.2). */
  vihfMaxAgeSeconds?: number;
  maxBodyBytes?: number;
  /**
   * Also serve GET /documents (metadata) and GET /documents/<uniqueId>/cda over plain HTTP on this
   * loopback port (0 = any), for the portal and the quick start, and POST /web-ps (TD0.9 web-PS
   * contextual access, Rayon's hypothesis: see web-ps.ts).
   */
  adminPort?: number;
  /** One call per answered request, without patient data. */
  onExchange?: (exchange: DmpExchange) => void;
}

export interface DmpSimulator {
  /** Base URL of the services (append /repository, /registry, /patients). */
  url: string;
  port: number;
  /** `http://127.0.0.1:<port>` of the admin listener when `adminPort` was given. */
  adminUrl?: string;
  documents(): StoredDmpDocument[];
  /** For the next `count` POST requests: answer HTTP 500 (SOAP Receiver fault), or wait `delayMs` first. */
  injectFaults(
    fault: { count: number; kind: 'http-500' } | { count: number; kind: 'delay'; delayMs: number },
  ): void;
  /** Notes of CDA validation skipped (tool missing). */
  notes(): string[];
  close(): Promise<void>;
}

const esc = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function envelope(action: string, relatesTo: string | undefined, body: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${NS.soap}"><soap:Header>` +
    `<Action xmlns="${NS.wsa}">${action}</Action><MessageID xmlns="${NS.wsa}">urn:uuid:${randomUUID()}</MessageID>` +
    (relatesTo ? `<RelatesTo xmlns="${NS.wsa}">${esc(relatesTo)}</RelatesTo>` : '') +
    `</soap:Header><soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}
function registryResponse(errors: { code: string; context: string }[]): string {
  if (errors.length === 0) {
    return `<rs:RegistryResponse xmlns:rs="${NS.rs}" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"/>`;
  }
  const severity = 'urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error';
  return (
    `<rs:RegistryResponse xmlns:rs="${NS.rs}" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure">` +
    `<rs:RegistryErrorList highestSeverity="${severity}">` +
    errors
      .map(
        (e) =>
          `<rs:RegistryError errorCode="${e.code}" codeContext="${esc(e.context)}" location="" severity="${severity}"/>`,
      )
      .join('') +
    `</rs:RegistryErrorList></rs:RegistryResponse>`
  );
}
function fault(code: 'Sender' | 'Receiver', reason: string, subcode?: string): string {
  return envelope(
    'http://www.w3.org/2005/08/addressing/soap/fault',
    undefined,
    `<soap:Fault><soap:Code><soap:Value>soap:${code}</soap:Value>` +
      (subcode
        ? `<soap:Subcode><soap:Value xmlns:wsse="${NS.wsse}">${subcode}</soap:Value></soap:Subcode>`
        : '') +
      `</soap:Code><soap:Reason><soap:Text xml:lang="fr">${esc(reason)}</soap:Text></soap:Reason></soap:Fault>`,
  );
}

/** Who sees a document, from its confidentiality codes (TRE_A07). */
export function visibilityOf(codes: readonly string[]): DmpVisibility {
  return {
    patient: !codes.includes('INVISIBLE_PATIENT'),
    professionals: !codes.includes('MASQUE_PS'),
    legalRepresentatives: !codes.includes('INVISIBLE_REPRESENTANTS_LEGAUX'),
  };
}
const secretConnectionOf = (vihf: CheckedVihf) =>
  (vihf.attributes['urn:oasis:names:tc:xspa:1.0:resource:patient:hl7:confidentiality-code'] ?? []).length > 0;

class HttpFault extends Error {
  readonly status: number;
  readonly xml: string;
  constructor(status: number, xml: string, outcome: string) {
    super(outcome);
    this.status = status;
    this.xml = xml;
  }
}

function firstElement(el: Element | undefined): Element | undefined {
  return el ? (Array.from(el.childNodes).find((n) => n.nodeType === 1) as Element | undefined) : undefined;
}

function runValidateCda(tool: string, cda: Buffer): Promise<{ ok: boolean; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'dmp-sim-cda-'));
  const file = join(dir, 'document.xml');
  writeFileSync(file, cda);
  return new Promise((resolve) => {
    execFile(tool, [file], { timeout: 300_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      rmSync(dir, { recursive: true, force: true });
      const code = (error as (Error & { code?: number }) | null)?.code;
      resolve({
        ok: !error,
        output: `${stdout}${stderr}`.slice(-2000) + (code === 2 ? ' (tool error)' : ''),
      });
    });
  });
}

/**
 * The DMP simulator: HTTPS with required client certificates from the test CA (others refused
 * during the TLS handshake, TLS 1.2 as the DMP), SOAP 1.2 (+ MTOM/XOP) on /repository (ITI-41),
 * /registry (ITI-57 deletion) and /patients (TD0.2), VIHF verified, XDS metadata validated,
 * documents kept in memory. See README.md for the rules.
 */
export async function startDmpSimulator(options: DmpSimulatorOptions): Promise<DmpSimulator> {
  const trustedCas = options.pki.caChainPem.map((p) => new X509Certificate(p));
  const patients = new Map<string, DmpPatientCase>(
    (options.patients ?? DEFAULT_DMP_PATIENTS).map((p) =>
      typeof p === 'string' ? [p, { matricule: p }] : [p.matricule, p],
    ),
  );
  /** The patient's DMP, opened on first contact when `openForAnyIns`. */
  const dmpOf = (matricule: string): DmpPatientCase | undefined => {
    const known = patients.get(matricule);
    if (known || !options.openForAnyIns) return known;
    const opened = { matricule };
    patients.set(matricule, opened);
    return opened;
  };
  const hasActiveDmp = (matricule: string) => {
    const dmp = dmpOf(matricule);
    return dmp !== undefined && (dmp.dmp ?? 'active') === 'active';
  };
  const store = new Map<string, StoredDmpDocument>();
  const seenIds = new Set<string>();
  const notes: string[] = [];
  const maxBody = options.maxBodyBytes ?? 20 * 1024 * 1024;
  let faults:
    { count: number; kind: 'http-500' } | { count: number; kind: 'delay'; delayMs: number } | undefined;
  let cdaTool: string | undefined;
  // Registry updates run one at a time: checks (duplicates, RPLC target) and the store change are
  // atomic even while a CDA is being validated.
  let lane: Promise<unknown> = Promise.resolve();
  const serialised = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lane.then(fn);
    lane = run.catch(() => undefined);
    return run;
  };
  if (options.validateCda) {
    cdaTool = validateCdaToolPath();
    if (!cdaTool)
      notes.push('validate-cda introuvable : CDA non validés (RAYON_SHARED ou ../shared/tools/validate-cda)');
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const socket = req.socket as TLSSocket;
    const peer = socket.getPeerX509Certificate();
    const structureId = peer ? (ouOf(peer.subject) ?? '') : '';
    const path = (req.url ?? '/').split('?')[0]?.replace(/^.*\/services/, '') ?? '/';
    const transaction =
      path === '/repository'
        ? 'ITI-41'
        : path === '/registry'
          ? 'ITI-57'
          : path === '/patients'
            ? 'TD0.2'
            : 'unknown';
    const answer = (status: number, contentType: string, body: string | Buffer, outcome: string) => {
      res.writeHead(status, { 'Content-Type': contentType });
      res.end(body);
      options.onExchange?.({ path, transaction, structureId, httpStatus: status, outcome });
    };
    if (req.method === 'GET' && path.startsWith('/documents')) {
      const r = readApi(path);
      answer(r.status, r.type, r.body, 'documents');
      return;
    }
    if (req.method !== 'POST') {
      answer(405, 'text/plain', 'POST only', 'method not allowed');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) {
        answer(413, 'application/soap+xml', fault('Sender', 'Requête trop volumineuse'), 'too large');
        req.destroy();
        return;
      }
      chunks.push(chunk as Buffer);
    }
    if (faults && faults.count > 0) {
      const f = faults;
      f.count--;
      if (f.kind === 'http-500') {
        answer(
          500,
          'application/soap+xml',
          fault('Receiver', 'Service DMP indisponible (panne simulée)'),
          'injected 500',
        );
        return;
      }
      await new Promise((r) => setTimeout(r, f.delayMs));
    }
    try {
      const { xml, attachments } = readMessage(
        String(req.headers['content-type'] ?? ''),
        Buffer.concat(chunks),
      );
      const result = await dispatch(path, xml, attachments, peer as X509Certificate, structureId);
      if (result.mtom) {
        const boundary = `uuid:${randomUUID()}`;
        const body =
          `--${boundary}\r\nContent-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"\r\n` +
          `Content-Transfer-Encoding: binary\r\nContent-ID: <root.message@dmp-sim>\r\n\r\n${result.xml}\r\n--${boundary}--\r\n`;
        answer(
          200,
          `multipart/related; type="application/xop+xml"; boundary="${boundary}"; start="<root.message@dmp-sim>"; start-info="application/soap+xml"`,
          body,
          result.outcome,
        );
      } else {
        answer(200, 'application/soap+xml; charset=UTF-8', result.xml, result.outcome);
      }
    } catch (error) {
      if (error instanceof HttpFault)
        answer(error.status, 'application/soap+xml; charset=UTF-8', error.xml, error.message);
      else
        answer(
          500,
          'application/soap+xml; charset=UTF-8',
          fault('Receiver', 'Erreur interne du simulateur'),
          'internal error',
        );
    }
  }

  function readMessage(contentType: string, body: Buffer): { xml: string; attachments: Map<string, Buffer> } {
    const attachments = new Map<string, Buffer>();
    if (/^multipart\/related/i.test(contentType)) {
      const boundary = contentTypeParam(contentType, 'boundary');
      if (!boundary || !/application\/xop\+xml/i.test(contentTypeParam(contentType, 'type') ?? '')) {
        throw new HttpFault(
          400,
          fault('Sender', 'MTOM : boundary ou type application/xop+xml absent'),
          'bad mtom',
        );
      }
      if (contentTypeParam(contentType, 'start-info') !== 'application/soap+xml') {
        throw new HttpFault(
          400,
          fault('Sender', 'MTOM : start-info doit être application/soap+xml'),
          'bad mtom',
        );
      }
      let parts;
      try {
        parts = parseMultipart(body, boundary);
      } catch (e) {
        throw new HttpFault(400, fault('Sender', `MTOM illisible : ${(e as Error).message}`), 'bad mtom');
      }
      const start = contentTypeParam(contentType, 'start');
      const root = start
        ? parts.find((p) => normaliseCid(p.headers['content-id'] ?? '') === normaliseCid(start))
        : parts[0];
      if (!root || !/application\/xop\+xml/i.test(root.headers['content-type'] ?? '')) {
        throw new HttpFault(
          400,
          fault('Sender', 'MTOM : partie racine application/xop+xml absente'),
          'bad mtom',
        );
      }
      for (const p of parts)
        if (p !== root) attachments.set(normaliseCid(p.headers['content-id'] ?? ''), p.body);
      return { xml: root.body.toString('utf8'), attachments };
    }
    if (/^application\/soap\+xml/i.test(contentType)) return { xml: body.toString('utf8'), attachments };
    throw new HttpFault(
      415,
      fault('Sender', 'Content-Type attendu : application/soap+xml ou multipart/related (MTOM)'),
      'bad content type',
    );
  }

  async function dispatch(
    path: string,
    xml: string,
    attachments: Map<string, Buffer>,
    peer: X509Certificate,
    structureId: string,
  ): Promise<{ xml: string; mtom: boolean; outcome: string }> {
    const errors: string[] = [];
    let env: Element | null | undefined;
    try {
      env = new DOMParser({
        onError: (level, msg) => void (level !== 'warning' && errors.push(msg)),
      }).parseFromString(xml, 'text/xml').documentElement;
    } catch {
      env = undefined;
    }
    if (errors.length > 0 || !env || env.namespaceURI !== NS.soap || env.localName !== 'Envelope') {
      throw new HttpFault(400, fault('Sender', 'Enveloppe SOAP 1.2 illisible'), 'malformed');
    }
    const header = env.getElementsByTagNameNS(NS.soap, 'Header')[0];
    const body = env.getElementsByTagNameNS(NS.soap, 'Body')[0];
    const action = header?.getElementsByTagNameNS(NS.wsa, 'Action')[0]?.textContent?.trim();
    const messageId = header?.getElementsByTagNameNS(NS.wsa, 'MessageID')[0]?.textContent?.trim();
    const allowed = ACTIONS[path];
    if (!allowed) throw new HttpFault(404, fault('Sender', `Service inconnu : ${path}`), 'unknown path');
    if (!action || !allowed.includes(action) || !messageId) {
      throw new HttpFault(
        400,
        fault(
          'Sender',
          `wsa:Action (${allowed.join(' ou ')}) et wsa:MessageID attendus`,
          'wsa:ActionNotSupported',
        ),
        'bad action',
      );
    }
    const expected = action;
    // An ORG certificate names its structure in OU (national-services.md §1.1).
    if (!structureId) {
      throw new HttpFault(
        403,
        fault('Sender', 'Certificat client sans identifiant de structure (OU) : certificat ORG attendu'),
        'not an ORG certificate',
      );
    }
    const assertion = header
      ?.getElementsByTagNameNS(NS.wsse, 'Security')[0]
      ?.getElementsByTagNameNS(NS.saml, 'Assertion')[0];
    if (!assertion)
      throw new HttpFault(
        400,
        fault('Sender', 'VIHF absent (wsse:Security)', 'wsse:InvalidSecurity'),
        'no vihf',
      );
    let vihf: CheckedVihf;
    try {
      vihf = checkVihf(assertion, xml, {
        trustedCas,
        tlsClient: peer,
        now: new Date(),
        maxAgeSeconds: options.vihfMaxAgeSeconds ?? 30,
        seenIds,
      });
    } catch (e) {
      if (e instanceof VihfError) {
        throw new HttpFault(400, fault('Sender', e.message, 'wsse:FailedAuthentication'), 'vihf refused');
      }
      throw e;
    }
    const request = firstElement(body);
    const respond = (resAction: string, errs: { code: string; context: string }[], mtom: boolean) => ({
      xml: envelope(resAction, messageId, registryResponse(errs)),
      mtom,
      outcome: errs.length === 0 ? 'success' : errs.map((e) => e.code).join(','),
    });
    if (path === '/repository') {
      try {
        await serialised(() => provideAndRegister(request, attachments, vihf, structureId));
        return respond(`${expected}Response`, [], true);
      } catch (e) {
        if (e instanceof XdsError)
          return respond(`${expected}Response`, [{ code: e.code, context: e.message }], true);
        throw e;
      }
    }
    if (action === 'urn:ihe:iti:2007:RegistryStoredQuery') {
      let response: string;
      try {
        response = storedQuery(request, vihf);
      } catch (e) {
        if (!(e instanceof XdsError)) throw e;
        response = registryResponse([{ code: e.code, context: e.message }])
          .replace(/rs:RegistryResponse/g, 'query:AdhocQueryResponse')
          .replace('<query:AdhocQueryResponse ', `<query:AdhocQueryResponse xmlns:query="${NS.query}" `);
      }
      return {
        xml: envelope(`${expected}Response`, messageId, response),
        mtom: false,
        outcome: 'stored query',
      };
    }
    if (path === '/registry') {
      try {
        await serialised(async () => updateDocumentSet(request, vihf, structureId));
        return respond(`${expected}Response`, [], false);
      } catch (e) {
        if (e instanceof XdsError)
          return respond(`${expected}Response`, [{ code: e.code, context: e.message }], false);
        throw e;
      }
    }
    return {
      xml: envelope('urn:hl7-org:v3:PRPA_IN201306UV02', messageId, existence(request, vihf)),
      mtom: false,
      outcome: 'td0.2',
    };
  }

  async function provideAndRegister(
    request: Element | undefined,
    attachments: Map<string, Buffer>,
    vihf: CheckedVihf,
    structureId: string,
  ) {
    if (
      !request ||
      request.namespaceURI !== NS.xdsb ||
      request.localName !== 'ProvideAndRegisterDocumentSetRequest'
    ) {
      throw new XdsError('XDSRepositoryError', 'ProvideAndRegisterDocumentSetRequest attendu');
    }
    const submit = request.getElementsByTagNameNS(NS.lcm, 'SubmitObjectsRequest')[0];
    const list = submit ? rimChildren(submit, 'RegistryObjectList')[0] : undefined;
    if (!list)
      throw new XdsError('XDSRegistryMetadataError', 'SubmitObjectsRequest/RegistryObjectList absent');
    const packages = rimChildren(list, 'RegistryPackage');
    if (packages.length !== 1) throw new XdsError('XDSRegistryMetadataError', 'un lot de soumission attendu');
    const ss = checkSubmissionSet(packages[0] as Element);
    const ssId = (packages[0] as Element).getAttribute('id') ?? '';
    const entries = rimChildren(list, 'ExtrinsicObject').map(checkDocumentEntry);
    if (entries.length === 0) throw new XdsError('XDSRegistryMetadataError', 'aucune fiche de document');
    const ins = parseInsCx(ss.patientId) as { matricule: string; oid: string };
    for (const e of entries) {
      if (e.patientId !== ss.patientId)
        throw new XdsError('XDSPatientIdDoesNotMatch', 'patientId fiche ≠ lot');
    }
    if (ins.matricule !== vihf.ins.matricule || ins.oid !== vihf.ins.oid) {
      throw new XdsError('XDSPatientIdDoesNotMatch', 'patientId ≠ resource-id du VIHF');
    }
    // Hypothesis: a closed DMP, or one the patient opposed, takes nothing either.
    if (!hasActiveDmp(ins.matricule)) throw new XdsError('XDSUnknownPatientId', 'INS sans DMP actif');
    const associations = rimChildren(list, 'Association');
    const documents = new Map<string, Buffer>();
    for (const d of Array.from(request.childNodes).filter(
      (n): n is Element =>
        n.nodeType === 1 &&
        (n as Element).localName === 'Document' &&
        (n as Element).namespaceURI === NS.xdsb,
    )) {
      const include = d.getElementsByTagNameNS(NS.xop, 'Include')[0];
      const bytes = include
        ? attachments.get(normaliseCid(include.getAttribute('href') ?? ''))
        : Buffer.from((d.textContent ?? '').trim(), 'base64');
      if (!bytes)
        throw new XdsError('XDSMissingDocument', `pièce MIME absente pour ${d.getAttribute('id') ?? ''}`);
      documents.set(d.getAttribute('id') ?? '', bytes);
    }
    const accepted: { entry: CheckedEntry; entryUuid: string; cda: Buffer; replaces?: string }[] = [];
    for (const e of entries) {
      const cda = documents.get(e.id);
      if (!cda) throw new XdsError('XDSMissingDocument', `document absent pour la fiche ${e.id}`);
      if (createHash('sha1').update(cda).digest('hex') !== e.hash) {
        throw new XdsError('XDSRepositoryMetadataError', 'hash (SHA-1) ≠ document');
      }
      if (cda.length !== e.size) throw new XdsError('XDSRepositoryMetadataError', 'size ≠ document');
      const member = associations.some(
        (a) =>
          a.getAttribute('associationType') === 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember' &&
          a.getAttribute('sourceObject') === ssId &&
          a.getAttribute('targetObject') === e.id &&
          slotValues(a, 'SubmissionSetStatus')[0] === 'Original',
      );
      if (!member) throw new XdsError('XDSRegistryMetadataError', `fiche ${e.id} hors du lot (HasMember)`);
      const existing = [...store.values()].find((s) => s.uniqueId === e.uniqueId);
      if (existing) {
        throw new XdsError(
          existing.hash === e.hash ? 'XDSDuplicateUniqueIdInRegistry' : 'XDSNonIdenticalHash',
          `uniqueId déjà enregistré`,
        );
      }
      const entryUuid = /^urn:uuid:[0-9a-f-]{36}$/i.test(e.id) ? e.id : `urn:uuid:${randomUUID()}`;
      if (store.has(entryUuid))
        throw new XdsError('XDSRegistryDuplicateUniqueIdInMessage', 'entryUUID déjà utilisé');
      const rplc = associations.find(
        (a) =>
          a.getAttribute('associationType') === 'urn:ihe:iti:2007:AssociationType:RPLC' &&
          a.getAttribute('sourceObject') === e.id,
      );
      let replaces: string | undefined;
      if (rplc) {
        replaces = rplc.getAttribute('targetObject') ?? '';
        const target = store.get(replaces);
        if (!target) throw new XdsError('XDSRegistryMetadataError', 'RPLC : document remplacé inconnu');
        if (target.status !== 'approved')
          throw new XdsError('XDSRegistryMetadataError', 'RPLC : document remplacé non approuvé');
        if (target.patientId !== e.patientId)
          throw new XdsError('XDSPatientIdDoesNotMatch', 'RPLC : autre patient');
      }
      checkCdaAgainstEntry(cda, e, replaces ? store.get(replaces)?.uniqueId : undefined);
      if (cdaTool) {
        const check = await runValidateCda(cdaTool, cda);
        if (!check.ok)
          throw new XdsError(
            'XDSRepositoryError',
            'CDA non conforme (validate-cda : XSD ou structuration minimale)',
          );
      }
      accepted.push({ entry: e, entryUuid, cda, ...(replaces ? { replaces } : {}) });
    }
    const submittedAt = new Date().toISOString();
    for (const a of accepted) {
      store.set(a.entryUuid, {
        ...a.entry,
        entryUuid: a.entryUuid,
        lid: a.entryUuid,
        version: 1,
        status: 'approved',
        visibility: visibilityOf(a.entry.confidentialityCodes),
        secretConnection: secretConnectionOf(vihf),
        ins,
        structureId,
        submissionSetUniqueId: ss.uniqueId,
        sourceId: ss.sourceId,
        submittedAt,
        ...(a.replaces ? { replaces: a.replaces } : {}),
        cda: a.cda,
      });
      if (a.replaces) {
        const old = store.get(a.replaces) as StoredDmpDocument;
        old.status = 'deprecated';
        old.replacedBy = a.entryUuid;
      }
    }
  }

  function updateDocumentSet(request: Element | undefined, vihf: CheckedVihf, structureId: string) {
    if (!request || request.namespaceURI !== NS.lcm || request.localName !== 'SubmitObjectsRequest') {
      throw new XdsError('XDSRegistryMetadataError', 'SubmitObjectsRequest attendu');
    }
    const list = rimChildren(request, 'RegistryObjectList')[0];
    if (!list) throw new XdsError('XDSRegistryMetadataError', 'RegistryObjectList absent');
    const pkg = rimChildren(list, 'RegistryPackage')[0];
    if (!pkg) throw new XdsError('XDSRegistryMetadataError', 'lot de soumission absent');
    const ss = checkSubmissionSet(pkg);
    if (rimChildren(list, 'ExtrinsicObject').length > 0) {
      updateEntryMetadata(list, pkg, ss, vihf, structureId);
      return;
    }
    const updates = rimChildren(list, 'Association').filter(
      (a) =>
        a.getAttribute('associationType') === 'urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus',
    );
    if (updates.length === 0)
      throw new XdsError('XDSMetadataUpdateError', 'aucune association UpdateAvailabilityStatus');
    const changes: [StoredDmpDocument, DmpDocumentStatus][] = [];
    for (const a of updates) {
      const target = store.get(a.getAttribute('targetObject') ?? '');
      if (!target) throw new XdsError('XDSUnknownEntry', 'document inconnu');
      if (target.patientId !== ss.patientId || target.ins.matricule !== vihf.ins.matricule) {
        throw new XdsError('XDSPatientIdDoesNotMatch', 'patient du document ≠ patient de la requête');
      }
      assertAuthorStructure(target, structureId);
      const original = slotValues(a, 'OriginalStatus')[0];
      const next = slotValues(a, 'NewStatus')[0];
      if (original !== STATUS_URI[target.status])
        throw new XdsError('XDSMetadataUpdateError', 'OriginalStatus ≠ statut du document');
      const status = (Object.entries(STATUS_URI).find(([, uri]) => uri === next)?.[0] ?? undefined) as
        DmpDocumentStatus | undefined;
      if (!status || status === 'approved')
        throw new XdsError('XDSMetadataUpdateError', 'NewStatus non géré');
      changes.push([target, status]);
    }
    for (const [doc, status] of changes) doc.status = status;
  }

  /**
   * Hypothesis (the DMP's own code is not public; HL7 error 901 « auteur non autorisé » of the
   * CI-SIS volet): only the structure that fed a document may update or delete it.
   */
  function assertAuthorStructure(target: StoredDmpDocument, structureId: string) {
    if (target.structureId !== structureId) {
      throw new XdsError(
        'XDSMetadataUpdateError',
        'auteur non autorisé : seule la structure qui a déposé le document peut le modifier',
      );
    }
  }

  /**
   * ITI-57 « Update DocumentEntry Metadata » (IHE ITI TF-2b 3.57.4.1.3.3.1): a new logical version
   * of an entry — new entryUUID, the entry's lid, HasMember with PreviousVersion = the current
   * version — with the same document (uniqueId, hash, size, patient) and changed metadata, here
   * its confidentialityCode list (visibility; national-services.md §1.5). The previous version is
   * deprecated. Refused as IHE says: unknown lid (UnresolvedReferenceException), a version that
   * is not the current one (XDSMetadataVersionError), another uniqueId (XDSMetadataIdentifierError),
   * another patient, a changed document, malformed metadata; and as the DMP would (Hypothesis):
   * another structure than the author, a document visible to the patient made invisible again.
   */
  function updateEntryMetadata(
    list: Element,
    pkg: Element,
    ss: { patientId: string },
    vihf: CheckedVihf,
    structureId: string,
  ) {
    const objects = rimChildren(list, 'ExtrinsicObject');
    if (objects.length !== 1) throw new XdsError('XDSMetadataUpdateError', 'une seule fiche à mettre à jour');
    const element = objects[0] as Element;
    const entry = checkDocumentEntry(element);
    const lid = element.getAttribute('lid') ?? '';
    if (!/^urn:uuid:[0-9a-f-]{36}$/i.test(entry.id)) {
      throw new XdsError(
        'XDSRegistryMetadataError',
        'entryUUID (urn:uuid:) attendu pour la nouvelle version',
      );
    }
    if (!lid) throw new XdsError('XDSRegistryMetadataError', 'lid (identifiant logique) absent');
    if (store.has(entry.id)) throw new XdsError('XDSMetadataUpdateError', 'entryUUID déjà utilisé');
    const versions = [...store.values()].filter((d) => d.lid === lid);
    if (versions.length === 0) throw new XdsError('UnresolvedReferenceException', `lid inconnu : ${lid}`);
    const latest = versions.reduce((a, b) => (b.version > a.version ? b : a));
    const ssId = pkg.getAttribute('id') ?? '';
    const member = rimChildren(list, 'Association').find(
      (a) =>
        a.getAttribute('associationType') === 'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember' &&
        a.getAttribute('sourceObject') === ssId &&
        a.getAttribute('targetObject') === entry.id,
    );
    if (!member) throw new XdsError('XDSRegistryMetadataError', 'fiche hors du lot (HasMember)');
    const previous = slotValues(member, 'PreviousVersion')[0];
    if (!previous) throw new XdsError('XDSRegistryMetadataError', 'slot PreviousVersion absent');
    if (previous !== String(latest.version) || latest.status !== 'approved') {
      throw new XdsError(
        'XDSMetadataVersionError',
        `PreviousVersion ${previous} ≠ version courante ${latest.version} (${latest.status})`,
      );
    }
    if (entry.patientId !== latest.patientId || entry.patientId !== ss.patientId) {
      throw new XdsError('XDSPatientIdDoesNotMatch', 'patient de la fiche ≠ patient du document');
    }
    if (latest.ins.matricule !== vihf.ins.matricule) {
      throw new XdsError('XDSPatientIdDoesNotMatch', 'patient du document ≠ resource-id du VIHF');
    }
    if (entry.uniqueId !== latest.uniqueId) {
      throw new XdsError('XDSMetadataIdentifierError', 'uniqueId ≠ celui de la fiche mise à jour');
    }
    if (entry.hash !== latest.hash || entry.size !== latest.size) {
      throw new XdsError(
        'XDSMetadataUpdateError',
        'hash ou size changés : une mise à jour ne change pas le document',
      );
    }
    assertAuthorStructure(latest, structureId);
    const visibility = visibilityOf(entry.confidentialityCodes);
    if (latest.visibility.patient && !visibility.patient) {
      throw new XdsError(
        'XDSMetadataUpdateError',
        'un document visible par le patient ne peut plus lui être rendu invisible',
      );
    }
    store.set(entry.id, {
      ...latest,
      ...entry,
      entryUuid: entry.id,
      lid,
      version: latest.version + 1,
      status: 'approved',
      visibility,
      submittedAt: new Date().toISOString(),
    });
    latest.status = 'deprecated';
  }

  /**
   * ITI-18 FindDocuments / FindDocumentsByReferenceId (national-services.md §1.6), LeafClass
   * answers reduced to what a source needs: entryUUID, status, uniqueId, patientId.
   */
  function storedQuery(request: Element | undefined, vihf: CheckedVihf): string {
    const query = request?.getElementsByTagNameNS(NS.rim, 'AdhocQuery')[0];
    const id = query?.getAttribute('id');
    if (!query || (id !== FIND_DOCUMENTS && id !== FIND_BY_REFERENCE_ID)) {
      throw new XdsError('XDSUnknownStoredQuery', 'requête stockée non gérée');
    }
    const list = (name: string) =>
      slotValues(query, name)
        .join(',')
        .replace(/^\(|\)$/g, '')
        .split(',')
        .map((v) => v.trim().replace(/^'|'$/g, ''))
        .filter(Boolean);
    const patientId = list('$XDSDocumentEntryPatientId')[0];
    const ins = parseInsCx(patientId);
    if (!ins) throw new XdsError('XDSRegistryError', '$XDSDocumentEntryPatientId doit être un INS');
    if (ins.matricule !== vihf.ins.matricule) {
      throw new XdsError('XDSPatientIdDoesNotMatch', 'patient de la requête ≠ resource-id du VIHF');
    }
    const statuses = list('$XDSDocumentEntryStatus');
    if (statuses.length === 0)
      throw new XdsError('XDSStoredQueryParamNumber', '$XDSDocumentEntryStatus absent');
    const references = list('$XDSDocumentEntryReferenceIdList');
    if (id === FIND_BY_REFERENCE_ID && references.length === 0) {
      throw new XdsError('XDSStoredQueryParamNumber', '$XDSDocumentEntryReferenceIdList absent');
    }
    const found = [...store.values()].filter(
      (d) =>
        d.patientId === patientId &&
        statuses.includes(STATUS_URI[d.status]) &&
        (references.length === 0 || d.referenceIdList.some((r) => references.includes(r))),
    );
    return (
      `<query:AdhocQueryResponse xmlns:query="${NS.query}" xmlns:rim="${NS.rim}" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"><rim:RegistryObjectList>` +
      found
        .map(
          (d) =>
            `<rim:ExtrinsicObject id="${d.entryUuid}" lid="${d.lid}" status="${STATUS_URI[d.status]}" mimeType="${d.mimeType}" objectType="urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1">` +
            d.confidentialityCodes
              .map(
                (c, i) =>
                  `<rim:Classification classificationScheme="urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f" classifiedObject="${d.entryUuid}" id="urn:uuid:${randomUUID()}" nodeRepresentation="${esc(c)}"><rim:Slot name="codingScheme"><rim:ValueList><rim:Value>${i === 0 ? '2.16.840.1.113883.5.25' : '1.2.250.1.213.1.1.4.13'}</rim:Value></rim:ValueList></rim:Slot></rim:Classification>`,
              )
              .join('') +
            `<rim:ExternalIdentifier id="urn:uuid:${randomUUID()}" registryObject="${d.entryUuid}" identificationScheme="urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" value="${esc(d.patientId)}"/>` +
            `<rim:ExternalIdentifier id="urn:uuid:${randomUUID()}" registryObject="${d.entryUuid}" identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab" value="${esc(d.uniqueId)}"/>` +
            `<rim:VersionInfo versionName="${d.version}"/>` +
            `</rim:ExtrinsicObject>`,
        )
        .join('') +
      `</rim:RegistryObjectList></query:AdhocQueryResponse>`
    );
  }

  /**
   * TD0.2 answer. Hypothesis: the real response structure is not public (national-services.md
   * §1.7): the dossier's state in registrationEvent/statusCode — active (a DMP), completed
   * (closed), nullified (the patient's opposition) —, the INS the DMP holds in its patient id,
   * AUTORISATION code VALIDE as the DRIMbox front reads it; NF when there is no DMP.
   */
  function existence(request: Element | undefined, vihf: CheckedVihf): string {
    const value = request
      ?.getElementsByTagNameNS(NS.hl7, 'patientIdentifier')[0]
      ?.getElementsByTagNameNS(NS.hl7, 'value')[0];
    const matricule = value?.getAttribute('extension') ?? '';
    const dmp = matricule === vihf.ins.matricule ? dmpOf(matricule) : undefined;
    const state = { active: 'active', closed: 'completed', opposed: 'nullified' }[dmp?.dmp ?? 'active'];
    return (
      `<hl7:PRPA_IN201306UV02 xmlns:hl7="${NS.hl7}" ITSVersion="XML_1.0">` +
      `<hl7:interactionId root="2.16.840.1.113883.1.6" extension="PRPA_IN201306UV02"/>` +
      `<hl7:acknowledgement><hl7:typeCode code="AA"/></hl7:acknowledgement>` +
      `<hl7:controlActProcess classCode="CACT" moodCode="EVN">` +
      (dmp
        ? `<hl7:subject typeCode="SUBJ"><hl7:registrationEvent classCode="REG" moodCode="EVN"><hl7:statusCode code="${state}"/>` +
          `<hl7:subject1 typeCode="SBJ"><hl7:patient classCode="PAT"><hl7:id root="${esc(value?.getAttribute('root') ?? '')}" extension="${esc(dmp.reportedMatricule ?? matricule)}"/></hl7:patient></hl7:subject1>` +
          `</hl7:registrationEvent></hl7:subject>` +
          (state === 'active' ? `<hl7:AUTORISATION code="VALIDE"/>` : '')
        : '') +
      `<hl7:queryAck><hl7:queryResponseCode code="${dmp ? 'OK' : 'NF'}"/></hl7:queryAck>` +
      `</hl7:controlActProcess></hl7:PRPA_IN201306UV02>`
    );
  }

  /** GET /documents (metadata, no CDA) and GET /documents/<uniqueId>/cda. */
  function readApi(url: string): { status: number; type: string; body: string | Buffer } {
    if (url === '/documents') {
      const list = [...store.values()].map(({ cda: _cda, ...rest }) => rest);
      return { status: 200, type: 'application/json', body: JSON.stringify(list) };
    }
    const m = /^\/documents\/([^/]+)\/cda$/.exec(url);
    const doc = m
      ? [...store.values()].find((d) => d.uniqueId === decodeURIComponent(m[1] as string))
      : undefined;
    if (doc) return { status: 200, type: 'text/xml; charset=UTF-8', body: doc.cda };
    return { status: 404, type: 'text/plain', body: 'not found' };
  }

  const server = createServer(
    {
      key: options.pki.server.keyPem,
      cert: options.pki.server.certPem,
      ca: [...options.pki.caChainPem],
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.2',
    },
    (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  let admin: Server | undefined;
  let adminUrl: string | undefined;
  if (options.adminPort !== undefined) {
    admin = createHttpServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (path === WEB_PS_PATH) {
        // TD0.9 web-PS contextual access (Rayon's hypothesis, see web-ps.ts).
        handleWebPs(req, res, (ins) => ({
          documents: [...store.values()].filter(
            (d) => d.ins.matricule === ins.matricule && d.ins.oid === ins.oid,
          ),
          hasDmp:
            (patients.get(ins.matricule)?.dmp ?? (patients.has(ins.matricule) ? 'active' : 'none')) ===
            'active',
        })).catch(() => {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
        return;
      }
      const r = req.method === 'GET' ? readApi(path) : { status: 405, type: 'text/plain', body: 'GET only' };
      res.writeHead(r.status, { 'Content-Type': r.type });
      res.end(r.body);
    });
    await new Promise<void>((resolve) => admin?.listen(options.adminPort, '127.0.0.1', () => resolve()));
    adminUrl = `http://127.0.0.1:${(admin.address() as AddressInfo).port}`;
  }
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}/si-dmp-server/v2/services`,
    port,
    ...(adminUrl ? { adminUrl } : {}),
    documents: () => [...store.values()].map((d) => ({ ...d })),
    injectFaults: (f) => {
      faults = { ...f };
    },
    notes: () => [...notes],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (admin) await new Promise<void>((resolve) => admin?.close(() => resolve()));
    },
  };
}
