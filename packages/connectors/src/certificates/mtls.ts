import { Agent, request } from 'node:https';
import { isIP } from 'node:net';
import { connectionCache, connectionKey } from './connections.ts';
import type { OrganisationCertificate } from './organisation-certificate.ts';

export interface MtlsPostOptions {
  url: URL;
  /** The practice's organisation certificate: TLS client certificate, its chain sent along. */
  certificate: OrganisationCertificate;
  /** CAs that may issue the server's certificate (PEM); absent = Node's default trust store. */
  ca?: readonly string[] | undefined;
  timeoutMs: number;
  /** Answers larger than this are refused. */
  maxResponseBytes: number;
  headers: Record<string, string | number>;
  body: Buffer;
}

export interface MtlsResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

/** Why a mutual-TLS POST gave no answer; each connector says it in its own words. */
export type MtlsFailure =
  | { kind: 'timeout' }
  | { kind: 'too-large' }
  | { kind: 'transport'; error: Error & { code?: string }; handshakeDone: boolean; answered: boolean };

export class MtlsError extends Error {
  readonly failure: MtlsFailure;
  constructor(failure: MtlsFailure) {
    super(failure.kind === 'transport' ? failure.error.message : failure.kind);
    this.name = 'MtlsError';
    this.failure = failure;
  }
}

/** Sockets one agent keeps open to one server for one certificate (calls beyond wait their turn). */
const MAX_SOCKETS = 8;
/**
 * An idle kept-alive socket is closed after this long: shorter than the usual servers' keep-alive
 * (Node's 5 s, nginx's 75 s), so that we close it before the server does (fewer stale sockets).
 */
const IDLE_MS = 4_000;
/** Agents kept (one per certificate, server and CA set); the least recently used idle one goes. */
const MAX_AGENTS = 256;

const agents = connectionCache<Agent>({
  max: MAX_AGENTS,
  // Only an agent with no call in flight is closed (its idle sockets with it).
  close: (agent) => {
    if (Object.keys(agent.sockets).length > 0 || Object.keys(agent.requests).length > 0) return false;
    agent.destroy();
    return true;
  },
  closeAll: (agent) => agent.destroy(),
});

/**
 * The keep-alive agent of one (client certificate and key, host, port, CA set): a TLS session is
 * reused for the calls of one practice to one server. A renewed certificate (or a changed CA set)
 * never reuses a socket opened with the old one: it gets an agent of its own (connectionKey), and
 * the old one's idle sockets close by timeout.
 */
function agentFor(o: MtlsPostOptions, host: string, port: number): Agent {
  const key = connectionKey(o.certificate, [host, String(port), ...(o.ca ?? ['(default trust store)'])]);
  return agents.get(
    key,
    () =>
      new Agent({
        keepAlive: true,
        maxSockets: MAX_SOCKETS,
        maxFreeSockets: MAX_SOCKETS,
        timeout: IDLE_MS,
        scheduling: 'lifo',
      }),
  );
}

/** Closes every kept-alive connection (a process stopping, tests). */
export function closeMtlsConnections(): void {
  agents.clear();
}

/**
 * One HTTPS POST with the organisation certificate as client certificate (TLS 1.2 at least), on a
 * kept-alive connection of this certificate to this server when one is idle (see agentFor), else
 * on a new one. Resolves with any HTTP answer; rejects with an {@link MtlsError}.
 *
 * A kept-alive socket the server closed meanwhile shows as a reset before any answer: the call is
 * made again on another socket (at most {@link MAX_SOCKETS} + 1 times, the last one new). That
 * repeats a request the server may, rarely, have received: the callers are all safe to repeat
 * (the DMP recognises an ITI-41 of the same document uniqueId as a duplicate, taken as delivered;
 * ITI-57 updates are name-based and a deletion already done is done; TD0.2 and INSi are reads),
 * and a lost answer is retried anyway by the delivery pipeline for the same reason.
 */
export async function mtlsPost(o: MtlsPostOptions): Promise<MtlsResponse> {
  const host = o.url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(o.url.port || 443);
  const deadline = Date.now() + o.timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const fresh = attempt > MAX_SOCKETS;
    try {
      return await postOnce(o, host, port, Math.max(1, deadline - Date.now()), fresh);
    } catch (e) {
      if (!(e instanceof StaleSocket) || fresh) throw e instanceof StaleSocket ? e.cause : e;
    }
  }
}

/** A reused socket closed before any answer: the request is made again. */
class StaleSocket extends Error {
  override readonly cause: MtlsError;
  constructor(cause: MtlsError) {
    super('kept-alive socket closed by the server');
    this.cause = cause;
  }
}

function postOnce(
  o: MtlsPostOptions,
  host: string,
  port: number,
  timeoutMs: number,
  /** A new connection of its own, not kept alive (the last try after stale sockets). */
  fresh: boolean,
): Promise<MtlsResponse> {
  return new Promise<MtlsResponse>((resolve, reject) => {
    let settled = false;
    let handshakeDone = false;
    let answered = false;
    const fail = (failure: MtlsFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      const error = new MtlsError(failure);
      const stale =
        failure.kind === 'transport' &&
        req.reusedSocket &&
        !answered &&
        (failure.error.code === 'ECONNRESET' || failure.error.code === 'EPIPE');
      reject(stale ? new StaleSocket(error) : error);
    };
    const transport = (error: Error & { code?: string }) =>
      fail({ kind: 'transport', error, handshakeDone, answered });
    const req = request({
      protocol: 'https:',
      hostname: host,
      port,
      path: `${o.url.pathname}${o.url.search}`,
      method: 'POST',
      agent: fresh ? false : agentFor(o, host, port),
      key: o.certificate.keyPem,
      cert: [o.certificate.certPem, ...o.certificate.chainPem].join('\n'),
      ...(o.ca ? { ca: [...o.ca] } : {}),
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
      ...(isIP(host) ? {} : { servername: host }),
      headers: { ...o.headers, 'Content-Length': o.body.length },
    });
    const deadline = setTimeout(() => fail({ kind: 'timeout' }), timeoutMs);
    req.on('socket', (socket) => {
      // A reused socket finished its handshake (with this very certificate) on an earlier call.
      if (req.reusedSocket) handshakeDone = true;
      else socket.once('secureConnect', () => (handshakeDone = true));
    });
    req.on('error', transport);
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > o.maxResponseBytes) return fail({ kind: 'too-large' });
        chunks.push(chunk);
      });
      res.on('error', transport);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks),
        });
      });
    });
    req.end(o.body);
  });
}

/** What a transport error says about the TLS connection. */
export type TlsDiagnosis =
  /** The server sent a TLS alert: it refused our certificate (expired, revoked, unknown CA…). */
  | { kind: 'alert'; alert: string }
  /** We did not trust the server's certificate. */
  | { kind: 'server-untrusted'; code: string }
  /** Closed during the handshake, or after it and before any answer: most likely a refusal. */
  | { kind: 'closed-during-handshake' }
  | { kind: 'closed-before-answer'; code: string }
  | { kind: 'network'; code: string };

/**
 * Node / OpenSSL errors read for what a person can act on. A server refusing the client
 * certificate sends a TLS alert that OpenSSL names in the error code
 * (ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED; ERR_SSL_SSL/TLS_ALERT_… since OpenSSL 3.2) or, for
 * some errors (EPROTO), only in the message. Some servers (Node's among them) close without a
 * readable alert; with TLS 1.3 the client has already sent its request and the close often
 * arrives as a reset.
 */
export function diagnoseTls(
  error: Error & { code?: string },
  state: { handshakeDone: boolean; answered: boolean },
): TlsDiagnosis {
  const code = error.code ?? '';
  const alert =
    /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13|SSL\/TLS)_ALERT_(.+)$/
      .exec(code)?.[1]
      ?.toLowerCase()
      .replace(/_/g, ' ') ??
    /(?:sslv3|tlsv1|tlsv13|ssl\/tls) alert ([a-z ]+?)(?::|$)/i.exec(error.message)?.[1]?.toLowerCase();
  if (alert) return { kind: 'alert', alert };
  if (
    /^(?:CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)/.test(
      code,
    )
  ) {
    return { kind: 'server-untrusted', code };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    if (!state.handshakeDone && /before secure TLS connection/.test(error.message)) {
      return { kind: 'closed-during-handshake' };
    }
    if (state.handshakeDone && !state.answered) return { kind: 'closed-before-answer', code };
  }
  return { kind: 'network', code };
}
