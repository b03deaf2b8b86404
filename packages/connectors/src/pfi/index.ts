/**
 * Sends one HL7 v2 message (ORU/MDM built by `buildCdaMessage` of `@rayon/hl7`) to a PFI over
 * MLLP (TCP, `<VT> message <FS><CR>`), waits for its acknowledgement and reads MSA, as the
 * CI-SIS volet « Transmission de document(s) CDA en HL7v2 » describes the technical ACK
 * (`profils-messages.md`, « Le message d'acquittement du message HL7v2 »): MSA-1 AA / AE / AR,
 * MSA-2 = the MSH-10 of the message, ERR-3 / ERR-4 for the error.
 *
 * The MLLP framing and the ACK reading are written here (a few lines) rather than taken from
 * `@rayon/hl7`: connectors depend on `domain` only (DESIGN.md), and an ACK needs MSH + MSA + ERR
 * read field-wise, nothing more. One connection per message: an ACK cannot belong to another
 * message, and no connection state survives a failed attempt.
 */
import { connect } from 'node:net';
import { DeliveryError } from '../delivery-error.ts';
import { isOutboundRefused, resolveOutbound, type Lookup, type OutboundPolicy } from '../outbound.ts';

export { DeliveryError, isDeliveryError } from '../delivery-error.ts';

export interface PfiSendOptions {
  host: string;
  port: number;
  /** The message bytes, exactly as built (in the charset of its MSH-18); no MLLP framing. */
  message: Buffer;
  /** Deadline for the whole exchange (connect, send, ACK). */
  timeoutMs: number;
  /**
   * Which addresses the platform lets a practice's PFI be at (`RAYON_OUTBOUND_ALLOW`): the host
   * is resolved once, checked, and the connection goes to the address checked.
   */
  outbound: OutboundPolicy;
  /** Name resolution (tests); default the system's. */
  lookup?: Lookup;
}

export interface PfiAck {
  /** MSA-1: AA (original mode) or CA (enhanced mode commit accept). */
  ackCode: 'AA' | 'CA';
  /** The ACK as received (segments separated by CR), for the caller's checks: never stored nor shown. */
  ack: string;
}

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;
/** An ACK is a few hundred bytes; more than this without a frame end is not an ACK. */
const MAX_ACK_BYTES = 1024 * 1024;

/** MSH-10 of the message we send (what MSA-2 must give back). */
export function messageControlId(message: Buffer): string {
  const head = message.toString('latin1', 0, Math.min(message.length, 4096));
  const msh = head.split(/\r|\n/)[0] ?? '';
  if (!msh.startsWith('MSH') || msh.length < 8) throw new Error('the message does not start with MSH');
  const sep = msh[3]!;
  const component = msh[4]!;
  // fields[0] = 'MSH', fields[1] = MSH-2, fields[k] = MSH-(k+1).
  return (msh.split(sep)[9] ?? '').split(component)[0]!;
}

interface ParsedAck {
  code: string;
  controlId: string;
  /** ERR-3.1 of each ERR segment (HL7 table 0357), when numeric. */
  errorCodes: string[];
}

function decodeAck(frame: Buffer): string {
  // The charset of the ACK is its own MSH-18 (the guide allows UNICODE UTF-8 or 8859/15).
  const head = frame.toString('latin1', 0, Math.min(frame.length, 1024));
  return /\|8859\//.test(head.split(/\r|\n/)[0] ?? '') ? frame.toString('latin1') : frame.toString('utf8');
}

function parseAck(text: string): ParsedAck | null {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  const msh = lines[0];
  if (!msh || !msh.startsWith('MSH') || msh.length < 8) return null;
  const sep = msh[3]!;
  const component = msh[4]!;
  if (/[A-Za-z0-9\s]/.test(sep) || /[A-Za-z0-9\s]/.test(component)) return null;
  const msa = lines.find((l) => l.startsWith('MSA' + sep))?.split(sep);
  if (!msa) return null;
  const errorCodes = lines
    .filter((l) => l.startsWith('ERR' + sep))
    .map((l) => (l.split(sep)[3] ?? '').split(component)[0]!.trim())
    .filter((c) => /^\d{1,4}$/.test(c));
  return {
    code: (msa[1] ?? '').trim(),
    controlId: (msa[2] ?? '').split(component)[0]!.trim(),
    errorCodes: [...new Set(errorCodes)].slice(0, 5),
  };
}

/**
 * HL7 table 0357 (v2.5, ERR-3) in French: what the portal may say of an error code. The PFI's
 * own words (MSA-3, ERR-3.2, ERR-8) are never kept nor shown: a practice chooses the PFI's
 * address, so its reply is the remote's text, not ours to relay (issue 11); only the codes are.
 */
const ERROR_CODE_LABELS: Record<string, string> = {
  '0': 'message accepté',
  '100': 'erreur de séquence des segments',
  '101': 'champ obligatoire absent',
  '102': 'erreur de type de donnée',
  '103': 'valeur absente de la table',
  '200': 'type de message non pris en charge',
  '201': "code d'événement non pris en charge",
  '202': 'mode de traitement non pris en charge',
  '203': 'version non prise en charge',
  '204': 'identifiant inconnu',
  '205': 'identifiant en double',
  '206': 'enregistrement verrouillé',
  '207': 'erreur interne de l’application',
};

/** MSA-1 values we name; anything else is shown as « ? ». */
const ACK_CODES = new Set(['AA', 'AE', 'AR', 'CA', 'CE', 'CR']);

/** What an attempt keeps of the ACK: its codes, e.g. `MSA-1 AE ; ERR-3 101, 207`. */
function ackCodes(ack: ParsedAck): string {
  const code = ACK_CODES.has(ack.code) ? ack.code : '?';
  return `MSA-1 ${code}` + (ack.errorCodes.length > 0 ? ` ; ERR-3 ${ack.errorCodes.join(', ')}` : '');
}

/** ` (erreur HL7 101 : champ obligatoire absent)` for the reason, or ''. */
function errorDetail(ack: ParsedAck): string {
  if (ack.errorCodes.length === 0) return '';
  const named = ack.errorCodes.map((c) => (ERROR_CODE_LABELS[c] ? `${c} : ${ERROR_CODE_LABELS[c]}` : c));
  return ` (erreur HL7 ${named.join(' ; ')})`;
}

const at = (host: string, port: number) => `${host}:${port}`;

/** The DeliveryError of a negative or unusable ACK (codes only: never the PFI's text). */
function ackError(ack: ParsedAck, sentId: string): DeliveryError | null {
  const detail = errorDetail(ack);
  const remote = ackCodes(ack);
  switch (ack.code) {
    case 'AA':
    case 'CA':
      if (ack.controlId !== sentId) {
        // An acceptance of another message says nothing of ours. With one connection per
        // message this is a PFI fault that repeats: a person must look (not retryable).
        const theirs = /^[A-Za-z0-9._-]{1,20}$/.test(ack.controlId) ? ` « ${ack.controlId} »` : '';
        return new DeliveryError({
          retryable: false,
          reason:
            `La PFI a acquitté un autre message (MSA-2${theirs} au lieu de « ${sentId} ») : ` +
            'le message n’est pas considéré comme reçu ; vérifiez la configuration de la PFI.',
          remote,
          message: 'PFI ACK MSA-2 does not match MSH-10',
        });
      }
      return null;
    case 'AE':
      // « AE : le message contient des erreurs » (guide, MSA-1): the same bytes get the same
      // answer, so retrying cannot help; the content or the configuration must change first.
      return new DeliveryError({
        retryable: false,
        reason: `La PFI a refusé le message (AE : le message contient des erreurs)${detail}.`,
        remote,
        message: 'PFI answered AE',
      });
    case 'AR':
      // « AR : le message est rejeté pour une raison circonstancielle. Il peut être réémis plus
      // tard. » (guide, MSA-1): retry with backoff.
      return new DeliveryError({
        retryable: true,
        reason: `La PFI a rejeté temporairement le message (AR)${detail} ; nouvel essai prévu.`,
        remote,
        message: 'PFI answered AR',
      });
    case 'CE':
      // Enhanced mode (HL7 v2.5 §2.9.3; the guide is silent): commit error, the receiver could
      // not store the message this time. Retry.
      return new DeliveryError({
        retryable: true,
        reason: `La PFI n'a pas pu enregistrer le message (CE)${detail} ; nouvel essai prévu.`,
        remote,
        message: 'PFI answered CE',
      });
    case 'CR':
      // Enhanced mode: commit reject, the message type, version or processing id is refused
      // (HL7 v2.5 §2.9.3): a configuration matter, retrying cannot help.
      return new DeliveryError({
        retryable: false,
        reason: `La PFI a rejeté le message (CR)${detail} : type, version ou mode de traitement refusé.`,
        remote,
        message: 'PFI answered CR',
      });
    default:
      return new DeliveryError({
        retryable: false,
        reason: 'Acquittement de la PFI illisible (MSA-1 inconnu) : vérifiez la configuration de la PFI.',
        remote,
        message: 'PFI answered an unknown MSA-1',
      });
  }
}

/** Node socket errors → DeliveryError (all retryable: the PFI may come back). */
function networkError(err: NodeJS.ErrnoException, host: string, port: number): DeliveryError {
  const where = at(host, port);
  const reason =
    err.code === 'ECONNREFUSED'
      ? `La PFI est injoignable (connexion refusée sur ${where}) ; nouvel essai prévu.`
      : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
        ? `Le nom de la PFI est introuvable (${host}) ; nouvel essai prévu.`
        : err.code === 'ECONNRESET' || err.code === 'EPIPE'
          ? `La PFI a coupé la connexion (${where}) avant d'acquitter le message ; nouvel essai prévu.`
          : `Erreur réseau vers la PFI (${where}, ${err.code ?? err.message}) ; nouvel essai prévu.`;
  return new DeliveryError({ retryable: true, reason, message: `PFI ${where}: ${err.message}`, cause: err });
}

/** The refusal of a PFI address the platform does not let practices reach (not retryable). */
function refusedDestination(host: string): DeliveryError {
  return new DeliveryError({
    retryable: false,
    reason:
      `L'adresse de la PFI (${host}) désigne une adresse interne (boucle locale, réseau privé, lien local ou ` +
      "métadonnées d'hébergement) : Rayon n'y envoie rien. Indiquez l'adresse publique ou VPN de la PFI dans " +
      "les paramètres de diffusion, ou demandez à l'exploitant de la plateforme d'autoriser cette plage " +
      '(RAYON_OUTBOUND_ALLOW), puis relancez l’envoi.',
    message: 'PFI address refused: internal address not allowed by RAYON_OUTBOUND_ALLOW',
  });
}

const noAckInTime = (host: string, port: number, timeoutMs: number) =>
  new DeliveryError({
    retryable: true,
    reason: `La PFI n'a pas acquitté le message dans le délai (${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}) ; nouvel essai prévu.`,
    message: `PFI ${at(host, port)}: no ACK within ${timeoutMs} ms`,
  });

/**
 * Sends `message` to the PFI and resolves with its positive ACK. Throws a {@link DeliveryError}:
 * - an address the platform does not allow (`options.outbound`), AE (content refused), CR, a
 *   wrong MSA-2 or an answer that is not an HL7 ACK: not retryable;
 * - AR, CE, timeout, connection refused / reset / closed before the ACK: retryable.
 * What the error keeps of the PFI's answer is its codes (MSA-1, ERR-3), never its text.
 */
export async function sendToPfi(options: PfiSendOptions): Promise<PfiAck> {
  const { host, port, message, timeoutMs } = options;
  let sentId: string;
  try {
    sentId = messageControlId(message);
  } catch (cause) {
    throw new DeliveryError({
      retryable: false,
      reason: 'Message HL7 invalide : pas de segment MSH.',
      cause,
    });
  }
  const started = Date.now();
  // Resolved once and checked; the connection goes to this address (no second resolution).
  let address: string;
  let timer: NodeJS.Timeout | undefined;
  try {
    const resolved = await Promise.race([
      resolveOutbound(host, options.outbound, {
        field: 'pfi.host',
        ...(options.lookup ? { lookup: options.lookup } : {}),
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(noAckInTime(host, port, timeoutMs)), timeoutMs);
      }),
    ]);
    address = resolved.address;
  } catch (e) {
    if (isOutboundRefused(e)) throw refusedDestination(host);
    if (e instanceof DeliveryError) throw e;
    throw networkError(e as NodeJS.ErrnoException, host, port);
  } finally {
    clearTimeout(timer);
  }
  return exchange({ host, address, port, message, sentId, timeoutMs: timeoutMs - (Date.now() - started) });
}

function exchange(o: {
  host: string;
  address: string;
  port: number;
  message: Buffer;
  sentId: string;
  timeoutMs: number;
}): Promise<PfiAck> {
  const { host, address, port, message, sentId } = o;
  const timeoutMs = Math.max(1, o.timeoutMs);
  return new Promise<PfiAck>((resolve, reject) => {
    let settled = false;
    let received = Buffer.alloc(0);
    const socket = connect({ host: address, port });
    const finish = (error: DeliveryError | null, value?: PfiAck) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value!);
    };
    // No ACK in time: HL7 original mode has the sender send again. The PFI may have processed
    // the first copy; how a PFI treats a repeat of the same document is not in the guide.
    const timer = setTimeout(() => finish(noAckInTime(host, port, timeoutMs)), timeoutMs);
    // Whatever the PFI sent instead of an ACK stays out of the record (it is the remote's text).
    const garbage = (what: string) =>
      finish(
        new DeliveryError({
          retryable: false,
          reason: `La PFI a répondu autre chose qu'un acquittement HL7 (${what}) : vérifiez l'adresse et le port configurés.`,
          remote: `pas un acquittement HL7 (${received.length} octets)`,
          message: `PFI ${at(host, port)}: not an HL7 ACK (${what})`,
        }),
      );

    socket.on('connect', () => {
      const frame = Buffer.allocUnsafe(message.length + 3);
      frame[0] = VT;
      message.copy(frame, 1);
      frame[message.length + 1] = FS;
      frame[message.length + 2] = CR;
      socket.write(frame);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // Bytes before the frame start: only line breaks are tolerated (keep-alives).
      let start = 0;
      while (start < received.length && (received[start] === 0x0a || received[start] === CR)) start++;
      if (start < received.length && received[start] !== VT) return garbage('pas de trame MLLP');
      const end = received.indexOf(FS, start);
      if (end === -1 || end + 1 >= received.length) {
        if (received.length > MAX_ACK_BYTES) garbage('réponse trop longue');
        return;
      }
      if (received[end + 1] !== CR) return garbage('fin de trame MLLP invalide');
      const text = decodeAck(received.subarray(start + 1, end));
      const ack = parseAck(text);
      if (!ack) return garbage('pas de segment MSH/MSA');
      const error = ackError(ack, sentId);
      if (error) return finish(error);
      finish(null, { ackCode: ack.code as 'AA' | 'CA', ack: text });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => finish(networkError(err, host, port)));
    socket.on('close', () =>
      finish(
        new DeliveryError({
          retryable: true,
          reason: `La PFI a fermé la connexion sans acquitter le message (${at(host, port)}) ; nouvel essai prévu.`,
          message: `PFI ${at(host, port)}: connection closed before the ACK`,
        }),
      ),
    );
  });
}
