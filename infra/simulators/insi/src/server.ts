import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  ACCESS_FAULTS,
  DEFAULT_FAULT_TRIGGERS,
  DEFAULT_IDENTITIES,
  invalidRequestFault,
  type FaultTrigger,
  type SimulatedFault,
  type SimulatedIdentity,
} from './identities.ts';
import { findByTraits, findByVitale, findFault } from './matching.ts';
import { validateRequestEnvelope } from './schemas.ts';
import { faultEnvelope, resultatEnvelope, type ResultCode } from './soap.ts';

/** wsaw:Action of each operation (DESIR_ICIR_EXP_1.5.0.wsdl). */
export const INSI_ACTIONS = {
  traits: 'urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite',
  vitale: 'urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale',
} as const;

/** CNs INSi accepts on the client certificate (TLSI-INS README: otherwise DESIR_560). */
export const ACCEPTED_CNS = ['INSI-AUTO', 'INSI-MANU'];

export interface InsiSimulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  tls: {
    keyPem: string;
    /** Server certificate, optionally followed by its chain. */
    certPem: string;
    /** CAs that may issue client certificates (the IGC-Santé test chain). */
    caPem: string | string[];
  };
  identities?: SimulatedIdentity[];
  faultTriggers?: FaultTrigger[];
  /** CNDA authorisation numbers (ctxlps:IDAM) accepted; absent = any. Others get desir_550. */
  allowedIdam?: string[];
  /** URL path of the service (the real endpoints use /lps). */
  path?: string;
  /**
   * Highest TLS version offered (default TLSv1.3). With TLSv1.2 a refused client certificate is
   * reported to the client by an alert inside the handshake; with TLSv1.3 the refusal comes after
   * the client's first flight and often reaches it as a connection reset.
   */
  maxTlsVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Request bodies above this are refused with 413 (default 1 MiB). */
  maxBodyBytes?: number;
  /** One call per answered request, without patient data (for logs and tests). */
  onExchange?: (exchange: InsiExchange) => void;
}

export interface InsiExchange {
  operation: 'traits' | 'vitale' | 'unknown';
  clientCn: string;
  status: number;
  /** `00` / `01` / `02`, or the siram code of the fault. */
  outcome: string;
}

export interface InsiSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'Prenom',
});

type Tree = Record<string, unknown>;

class Refusal {
  readonly status: number;
  readonly fault: SimulatedFault;
  constructor(status: number, fault: SimulatedFault) {
    this.status = status;
    this.fault = fault;
  }
}

/**
 * A strict local INSi: HTTPS with a mandatory client certificate from the configured CAs, the
 * two operations of DESIR_ICIR_EXP_1.5.0.wsdl, requests validated against the official XSDs,
 * the official test identities (identities.ts). Faults are answered with HTTP 500, as the real
 * service does (TLSI-INS handles faults as "status 500 with a body"); transport refusals with
 * 413 (body over the limit) and 415 (not application/soap+xml).
 */
export function startInsiSimulator(options: InsiSimulatorOptions): Promise<InsiSimulator> {
  const identities = options.identities ?? DEFAULT_IDENTITIES;
  const triggers = options.faultTriggers ?? DEFAULT_FAULT_TRIGGERS;
  const path = options.path ?? '/lps';
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;

  const server = createServer(
    {
      key: options.tls.keyPem,
      cert: options.tls.certPem,
      ca: options.tls.caPem,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      maxVersion: options.maxTlsVersion ?? 'TLSv1.3',
    },
    (req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent)
          send(res, 500, faultEnvelope(invalidRequestFault('erreur interne du simulateur')));
        else res.destroy();
      });
    },
  );
  server.requestTimeout = 15_000;
  server.headersTimeout = 10_000;
  // A refused handshake (expired, unknown CA, no certificate) is the client's problem: keep serving.
  server.on('tlsClientError', () => {});

  function send(res: ServerResponse, status: number, xml: string, extra: Record<string, string> = {}) {
    res.writeHead(status, {
      'Content-Type': SOAP_CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(xml),
      ...extra,
    });
    res.end(xml);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const clientCn = peerCommonName(req);
    const report = (operation: InsiExchange['operation'], status: number, outcome: string) =>
      options.onExchange?.({ operation, clientCn, status, outcome });

    const url = new URL(req.url ?? '/', 'https://simulator');
    if (url.pathname !== path) {
      res
        .writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(`No INSi service at ${url.pathname}\n`);
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/plain; charset=utf-8' }).end('POST only\n');
      return;
    }

    let operation: InsiExchange['operation'] = 'unknown';
    let messageId: string | undefined;
    try {
      const body = await readBody(req, maxBody);
      const { action, tree } = await parseRequest(req, body);
      messageId = text(tree, 'Header', 'MessageID');
      operation = action === INSI_ACTIONS.vitale ? 'vitale' : 'traits';
      checkAccess(clientCn, tree);
      const { code, identity } = operation === 'traits' ? searchTraits(tree) : searchVitale(tree);
      send(res, 200, resultatEnvelope(code, identity));
      report(operation, 200, code);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      const headers: Record<string, string> = error.status === 413 ? { Connection: 'close' } : {};
      send(res, error.status, faultEnvelope(error.fault, messageId), headers);
      report(operation, error.status, error.fault.siramCode);
      if (error.status === 413) res.on('finish', () => req.destroy());
    }
  }

  function readBody(req: IncomingMessage, limit: number): Promise<string> {
    const tooLarge = () => new Refusal(413, invalidRequestFault(`message de plus de ${limit} octets refusé`));
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > limit) {
          done = true;
          req.pause();
          reject(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (done) return;
        done = true;
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      req.on('error', (e) => {
        if (!done) reject(e);
        done = true;
      });
    });
  }

  async function parseRequest(req: IncomingMessage, body: string): Promise<{ action: string; tree: Tree }> {
    const contentType = String(req.headers['content-type'] ?? '');
    const [mediaType, ...params] = contentType.split(';').map((p) => p.trim());
    if (mediaType?.toLowerCase() !== 'application/soap+xml') {
      throw new Refusal(
        415,
        invalidRequestFault(`type de contenu « ${contentType} » : SOAP 1.2 attend application/soap+xml`),
      );
    }
    // SOAP 1.2 Part 1 §5: no document type declaration in a SOAP message.
    if (/<!DOCTYPE/i.test(body))
      throw new Refusal(500, invalidRequestFault('déclaration DOCTYPE interdite en SOAP'));
    const wellFormed = XMLValidator.validate(body);
    if (wellFormed !== true) {
      throw new Refusal(
        500,
        invalidRequestFault(`XML mal formé (ligne ${wellFormed.err.line} : ${wellFormed.err.msg})`),
      );
    }
    const verdict = await validateRequestEnvelope(body);
    if (!verdict.valid) {
      throw new Refusal(
        500,
        invalidRequestFault(`non conforme aux XSD du WSDL : ${verdict.errors.slice(0, 3).join(' ; ')}`),
      );
    }
    const tree = (parser.parse(body) as Tree).Envelope as Tree;
    const action = text(tree, 'Header', 'Action') ?? '';
    const bodyElement = Object.keys((tree.Body as Tree) ?? {}).find((k) => !k.startsWith('@_'));
    const expected = bodyElement === 'RECVITALE' ? INSI_ACTIONS.vitale : INSI_ACTIONS.traits;
    if (action !== expected) {
      throw new Refusal(
        500,
        invalidRequestFault(`wsa:Action « ${action} » ne correspond pas au corps ${bodyElement}`),
      );
    }
    const httpAction = params.find((p) => p.toLowerCase().startsWith('action='));
    if (httpAction && httpAction.slice(7).replace(/^"|"$/g, '') !== action) {
      throw new Refusal(
        500,
        invalidRequestFault('le paramètre action du Content-Type diffère de wsa:Action'),
      );
    }
    return { action, tree };
  }

  function checkAccess(clientCn: string, tree: Tree) {
    if (!ACCEPTED_CNS.includes(clientCn)) throw new Refusal(500, ACCESS_FAULTS.insufficientAccess);
    const idam = text(tree, 'Header', 'ContexteLPS', 'LPS', 'IDAM');
    if (options.allowedIdam && !options.allowedIdam.includes(idam ?? '')) {
      throw new Refusal(500, ACCESS_FAULTS.unknownSoftware);
    }
  }

  function searchTraits(tree: Tree): { code: ResultCode; identity?: SimulatedIdentity } {
    const rec = (tree.Body as Tree).RECSANSVITALE as Tree;
    const birthName = text(rec, 'NomNaissance');
    const sex = text(rec, 'Sexe');
    const birthDate = text(rec, 'DateNaissance');
    const birthPlace = text(rec, 'LieuNaissance');
    const forenames = (Array.isArray(rec.Prenom) ? rec.Prenom : []).map((p) =>
      typeof p === 'string' ? p : '',
    );
    if (!birthName) throw new Refusal(500, invalidRequestFault('NomNaissance obligatoire'));
    if (sex !== 'M' && sex !== 'F') throw new Refusal(500, invalidRequestFault('Sexe doit valoir M ou F'));
    if (!birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) {
      throw new Refusal(500, invalidRequestFault('DateNaissance obligatoire au format AAAA-MM-JJ'));
    }
    const criteria = { birthName, forenames, sex, birthDate, ...(birthPlace ? { birthPlace } : {}) };
    const trigger = findFault(triggers, criteria);
    if (trigger) throw new Refusal(500, trigger.fault);
    return outcome(findByTraits(identities, criteria));
  }

  function searchVitale(tree: Tree): { code: ResultCode; identity?: SimulatedIdentity } {
    const rec = (tree.Body as Tree).RECVITALE as Tree;
    const matricule = (name: string) => {
      const num = text(rec, name, 'NumIdentifiant');
      const key = text(rec, name, 'Cle');
      return num && key ? num + key : undefined;
    };
    const wanted = matricule('MatriculeIndividu') ?? matricule('MatriculeOD');
    if (!wanted) throw new Refusal(500, invalidRequestFault('MatriculeIndividu ou MatriculeOD obligatoire'));
    const birthDate = text(rec, 'DateNaissance');
    const birthName = text(rec, 'NomNaissance');
    return outcome(
      findByVitale(identities, {
        matricule: wanted,
        ...(birthDate ? { birthDate } : {}),
        ...(birthName ? { birthName } : {}),
      }),
    );
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `https://${host}:${address.port}${path}`,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function outcome(found: SimulatedIdentity[]): { code: ResultCode; identity?: SimulatedIdentity } {
  if (found.length === 1) return { code: '00', identity: found[0] as SimulatedIdentity };
  return { code: found.length === 0 ? '01' : '02' };
}

function text(tree: Tree, ...path: string[]): string | undefined {
  let node: unknown = tree;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    node = (node as Tree)[key];
  }
  if (typeof node === 'string') return node || undefined;
  if (typeof node === 'object' && node !== null && typeof (node as Tree)['#text'] === 'string') {
    return ((node as Tree)['#text'] as string) || undefined;
  }
  return undefined;
}

function peerCommonName(req: IncomingMessage): string {
  const cert = (req.socket as TLSSocket).getPeerCertificate?.();
  const cn = cert?.subject?.CN as string | string[] | undefined;
  return Array.isArray(cn) ? (cn[0] ?? '') : (cn ?? '');
}
