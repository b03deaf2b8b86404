/**
 * The DICOM listener of the gateway: C-ECHO, Modality Worklist C-FIND and MPPS (N-CREATE /
 * N-SET) on one port for all tenants, routed by called AE title. Built on dcmjs-dimse; the
 * data comes from a provider (`findWorklist`, `onMpps`) the gateway plugs in.
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';
import type * as Dimse from 'dcmjs-dimse';
import {
  buildResponse,
  matchWorklist,
  QueryError,
  type WorklistItem,
  type WorklistMatching,
  type WorklistQuery,
} from './worklist.ts';

// dcmjs-dimse ships a UMD bundle: Node's ESM loader cannot see its named exports.
const require = createRequire(import.meta.url);
const dimse = require('dcmjs-dimse') as typeof Dimse;
// dcmjs itself, resolved from dcmjs-dimse (the same instance dcmjs-dimse writes with).
interface DcmjsWriteStream {
  size: number;
  writeUTF8String(v: string): number;
  writeAsciiString(v: string): number;
  concat(other: DcmjsWriteStream): void;
  getBuffer(): ArrayBuffer;
}
const dcmjs = createRequire(require.resolve('dcmjs-dimse'))('dcmjs') as {
  data: {
    WriteBufferStream: { new (defaultSize?: number): DcmjsWriteStream; prototype: DcmjsWriteStream };
    DicomMessage: {
      write(dataset: unknown, stream: DcmjsWriteStream, transferSyntaxUid: string, options?: unknown): void;
      writeTagObject(
        stream: DcmjsWriteStream,
        tag: string,
        vr: string,
        value: number,
        transferSyntaxUid: string,
        options?: unknown,
      ): void;
    };
    DicomMetaDictionary: {
      nameMap: Record<string, unknown>;
      denaturalizeDataset(elements: unknown, nameMap?: Record<string, unknown>): unknown;
    };
  };
};

const { Scp, Dataset, constants, responses } = dimse;
const { TransferSyntax, PresentationContextResult, Status, RejectResult, RejectSource, RejectReason } =
  constants;

/** A command set is about 100 bytes: dcmjs' write streams grow by this much when needed. */
const COMMAND_CHUNK_BYTES = 256;

/**
 * A command set (group 0000, Implicit VR Little Endian, its group length first), written byte for
 * byte as dcmjs-dimse's `Dataset.getDenaturalizedCommandDataset` writes it, but with write
 * streams of 256 bytes: dcmjs' streams, not told a size, start with a zeroed 256 KB buffer each,
 * two per command, and a C-FIND sends a command with every pending entry (half the CPU of a
 * worklist answer). dcmjs-dimse calls it on every command this process sends (set below).
 */
export const dcmjsDimseCommandWriter = Dataset.prototype.getDenaturalizedCommandDataset;
export function writeCommandDataset(this: Dimse.Dataset, writeOptions?: Record<string, unknown>): Buffer {
  const { DicomMessage, DicomMetaDictionary, WriteBufferStream } = dcmjs.data;
  const denaturalized = DicomMetaDictionary.denaturalizeDataset(this.getElements());
  const group = new WriteBufferStream(COMMAND_CHUNK_BYTES);
  const elements = new WriteBufferStream(COMMAND_CHUNK_BYTES);
  DicomMessage.write(denaturalized, elements, TransferSyntax.ImplicitVRLittleEndian, writeOptions);
  DicomMessage.writeTagObject(
    group,
    '00000000',
    'UL',
    elements.size,
    TransferSyntax.ImplicitVRLittleEndian,
    writeOptions,
  );
  group.concat(elements);
  return Buffer.from(group.getBuffer());
}
Dataset.prototype.getDenaturalizedCommandDataset = writeCommandDataset;
const { CEchoResponse, CFindResponse, NCreateResponse, NSetResponse } = responses;

export const MWL_FIND_SOP_CLASS = '1.2.840.10008.5.1.4.31';
export const MPPS_SOP_CLASS = '1.2.840.10008.3.1.2.3.3';
export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';

/** C-FIND failure statuses used here (PS3.4 C.4.1.1.4 / K.4.1.1.4). */
export const FindStatus = {
  Success: 0x0000,
  Pending: 0xff00,
  Cancel: 0xfe00,
  IdentifierDoesNotMatchSopClass: 0xa900,
  UnableToProcess: 0xc000,
  SopClassNotSupported: 0x0122,
} as const;

export type MppsStatus = 'IN PROGRESS' | 'COMPLETED' | 'DISCONTINUED';

/** One item of an N-CREATE's Scheduled Step Attributes Sequence (0040,0270): a step being performed. */
export interface MppsStepRef {
  /** Scheduled Procedure Step ID (0040,0009). */
  stepId?: string;
  /** Requested Procedure ID (0040,1001). */
  requestedProcedureId?: string;
  accessionNumber?: string;
  studyInstanceUid?: string;
}

/**
 * An MPPS message. N-CREATE carries the steps it performs (one or several); N-SET carries only
 * its SOP instance UID and, when it changes it, the status: the provider keeps the rest, so an
 * N-SET received after a restart still finds its steps.
 */
export type MppsEvent =
  | { kind: 'create'; sopInstanceUid: string; status: 'IN PROGRESS'; steps: MppsStepRef[] }
  | { kind: 'set'; sopInstanceUid: string; status?: MppsStatus };

/**
 * What the provider made of an MPPS message:
 * - `accepted`: done;
 * - `duplicate`: N-CREATE of a SOP instance already known (Duplicate SOP instance, 0111);
 * - `unknown`: N-SET of a SOP instance never created (No such object instance, 0112);
 * - `refused`: not applicable in the current state, nothing changed, e.g. an N-SET on a completed
 *   or discontinued step (Processing failure, 0110).
 */
export type MppsOutcome = 'accepted' | 'duplicate' | 'unknown' | 'refused';
export type MppsResult = MppsOutcome | { outcome: MppsOutcome; comment: string };

/** N-CREATE / N-SET response statuses (PS3.7 C.4.2 / C.4.3, PS3.4 F.7.2). */
export const MppsDimseStatus = {
  Success: 0x0000,
  ProcessingFailure: 0x0110,
  DuplicateSopInstance: 0x0111,
  NoSuchObjectInstance: 0x0112,
  InvalidAttributeValue: 0x0106,
  MissingAttribute: 0x0120,
  NoSuchSopClass: 0x0118,
} as const;

const MPPS_OUTCOMES: Record<MppsOutcome, { status: number; comment?: string }> = {
  accepted: { status: MppsDimseStatus.Success },
  duplicate: { status: MppsDimseStatus.DuplicateSopInstance, comment: 'SOP instance already exists' },
  unknown: { status: MppsDimseStatus.NoSuchObjectInstance, comment: 'no such performed procedure step' },
  refused: {
    status: MppsDimseStatus.ProcessingFailure,
    comment: 'performed procedure step may no longer be updated',
  },
};

export interface ScpLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Who asks for an association: its AE titles and where it comes from. */
export interface AssociationPeer {
  /** Called AE title, trimmed (as received otherwise). */
  calledAe: string;
  /** Calling AE title, trimmed. */
  callingAe: string;
  /** Remote address of the connection. */
  address: string;
  /** On the TLS port: the SHA-256 fingerprint of the client certificate presented, if any. */
  tls?: { fingerprint256: string | undefined };
}

/**
 * Why an association is rejected (A-ASSOCIATE-RJ, rejected-permanent, DICOM UL service-user,
 * PS3.8 9.3.4): `called-ae` → called AE title not recognized (7), `calling-ae` → calling AE title
 * not recognized (3), `no-reason` → no reason given (1).
 */
export type AssociationRejection = 'called-ae' | 'calling-ae' | 'no-reason';

/**
 * The provider's answer to an association request: accepted with a context (what the later
 * requests of the association are handed, e.g. the practice and the modality) and the fields
 * to log with them, or rejected.
 */
export type AssociationVerdict<T> =
  { accept: T; log?: Record<string, unknown> } | { reject: AssociationRejection };

/** Counts connections per source address (the gateway's `connectionLimiter`). */
export interface SourceLimiter {
  acquire(address: string): boolean;
  release(address: string): void;
}

export interface WorklistScpOptions<T> {
  port: number;
  host?: string;
  /** Our own AE title, for logs only: the called AE title routes to a tenant. */
  aeTitle?: string;
  resolveAssociation(peer: AssociationPeer): AssociationVerdict<T> | Promise<AssociationVerdict<T>>;
  /** The candidate items (and how the practice wants names matched); matching is done here. */
  findWorklist(
    context: T,
    query: WorklistQuery,
  ): Promise<WorklistItem[] | { items: WorklistItem[]; matching?: WorklistMatching }>;
  /** MPPS provider; without it the MPPS SOP class is not accepted at association. */
  onMpps?(context: T, event: MppsEvent): Promise<MppsResult>;
  /**
   * At most so many open connections per source address: a connection beyond it is answered
   * A-ASSOCIATE-RJ (rejected-transient, service-provider presentation, local-limit-exceeded) on
   * the plain port, and closed before the handshake on the TLS port.
   */
  limiter?: SourceLimiter;
  /** A connection that exchanges nothing for this long is closed (default 60 s). */
  idleTimeoutMs?: number;
  /**
   * DICOM over TLS on a second port (PS3.15 B.1, the "Basic TLS Secure Transport Connection
   * Profile"): a client certificate is asked for, not verified against a CA (modality
   * certificates are often self-signed); its fingerprint goes to `resolveAssociation`.
   */
  tls?: { port: number; key: Buffer | string; cert: Buffer | string };
  logger?: ScpLogger;
}

export interface WorklistScp {
  port: number;
  /** The TLS port, when one was asked for. */
  tlsPort?: number;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Character sets.
//
// dcmjs decodes the query with its SpecificCharacterSet but then rewrites that attribute to
// "ISO_IR 192", and it always encodes text as UTF-8. Two small, local workarounds:
// - we note the query's original (0008,0005) value when dcmjs-dimse builds a dataset from bytes;
// - a Latin-1 answer is serialised with dcmjs' UTF-8 writer swapped, synchronously, for a
//   Latin-1 one (the swap cannot leak: serialisation is synchronous).

const RAW_CHARSET = Symbol.for('rayon.dicom.rawSpecificCharacterSet');
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/** The raw SpecificCharacterSet of an encoded dataset (it precedes every other group ≥ 0008). */
export function rawSpecificCharacterSet(buf: Buffer, transferSyntaxUid: string): string | undefined {
  const explicit = transferSyntaxUid !== TransferSyntax.ImplicitVRLittleEndian;
  const be = transferSyntaxUid === TransferSyntax.ExplicitVRBigEndian;
  const u16 = (o: number) => (be ? buf.readUInt16BE(o) : buf.readUInt16LE(o));
  const u32 = (o: number) => (be ? buf.readUInt32BE(o) : buf.readUInt32LE(o));
  let off = 0;
  while (off + 8 <= buf.length) {
    const group = u16(off);
    const element = u16(off + 2);
    let length: number;
    let header: number;
    if (explicit) {
      const vr = buf.toString('latin1', off + 4, off + 6);
      if (LONG_VRS.has(vr)) {
        if (off + 12 > buf.length) return undefined;
        length = u32(off + 8);
        header = 12;
      } else {
        length = u16(off + 6);
        header = 8;
      }
    } else {
      length = u32(off + 4);
      header = 8;
    }
    if (group === 0x0008 && element === 0x0005) {
      return buf.toString('latin1', off + header, off + header + length).replace(/[\s\0]+$/, '');
    }
    if (group > 0x0008 || (group === 0x0008 && element > 0x0005) || length === 0xffffffff) return undefined;
    off += header + length;
  }
  return undefined;
}

let patched = false;
function patchDatasetReader(): void {
  if (patched) return;
  patched = true;
  const proto = Dataset.prototype as unknown as {
    _fromElementsBuffer(buf: Buffer, ts: string, opts: unknown): Record<string | symbol, unknown>;
  };
  const original = proto._fromElementsBuffer;
  if (typeof original !== 'function') return;
  proto._fromElementsBuffer = function (this: unknown, buf: Buffer, ts: string, opts: unknown) {
    const elements = original.call(this, buf, ts, opts);
    try {
      const cs = rawSpecificCharacterSet(buf, ts);
      if (cs !== undefined) Object.defineProperty(elements, RAW_CHARSET, { value: cs, enumerable: false });
    } catch {
      // a truncated header: leave the default character set
    }
    return elements;
  };
}

const LATIN1_FALLBACK: Record<string, string> = {
  Œ: 'OE',
  œ: 'oe',
  Ÿ: 'Y',
  '’': "'",
  '‘': "'",
  '“': '"',
  '”': '"',
  '–': '-',
  '—': '-',
};
export function toLatin1(value: string): string {
  return Array.from(value, (c) => ((c.codePointAt(0) ?? 0) <= 0xff ? c : (LATIN1_FALLBACK[c] ?? '?'))).join(
    '',
  );
}

/** A worklist entry encodes to about 1 KB: dcmjs' write stream grows by this much when needed. */
const RESPONSE_CHUNK_BYTES = 4096;

/**
 * A response dataset, written as dcmjs-dimse's Dataset writes one, but for two costs:
 * - dcmjs-dimse passes its `datasetNameMap` option (`{}` by default) to every dataset it writes,
 *   and a name map given, even empty, is merged into a copy of dcmjs' whole dictionary for each
 *   dataset: about 2 ms of CPU per worklist entry. An empty map is dropped here;
 * - dcmjs' write stream, not told a size, starts with a zeroed 256 KB buffer: most of the CPU of
 *   a worklist entry. Here it starts (and grows) by 4 KB.
 */
class ResponseDataset extends Dataset {
  override getDenaturalizedDataset(
    writeOptions?: Record<string, unknown>,
    nameMap?: Record<string, unknown>,
  ): Buffer {
    const { DicomMessage, DicomMetaDictionary, WriteBufferStream } = dcmjs.data;
    const map = nameMap && Object.keys(nameMap).length > 0 ? nameMap : undefined;
    const denaturalized = map
      ? DicomMetaDictionary.denaturalizeDataset(this.getElements(), {
          ...DicomMetaDictionary.nameMap,
          ...map,
        })
      : DicomMetaDictionary.denaturalizeDataset(this.getElements());
    const stream = new WriteBufferStream(RESPONSE_CHUNK_BYTES);
    DicomMessage.write(denaturalized, stream, this.getTransferSyntaxUid(), writeOptions);
    return Buffer.from(stream.getBuffer());
  }
}

class Latin1Dataset extends ResponseDataset {
  override getDenaturalizedDataset(
    writeOptions?: Record<string, unknown>,
    nameMap?: Record<string, unknown>,
  ): Buffer {
    const proto = dcmjs.data.WriteBufferStream.prototype;
    const original = proto.writeUTF8String;
    proto.writeUTF8String = function (this: typeof proto, value: string) {
      return this.writeAsciiString(toLatin1(value));
    };
    try {
      return super.getDenaturalizedDataset(writeOptions, nameMap);
    } finally {
      proto.writeUTF8String = original;
    }
  }
}

// ---------------------------------------------------------------------------------------------

const ACCEPTED = new Set([VERIFICATION_SOP_CLASS, MWL_FIND_SOP_CLASS, MPPS_SOP_CLASS]);
const MPPS_STATUSES = new Set<string>(['IN PROGRESS', 'COMPLETED', 'DISCONTINUED']);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Pending C-FIND responses written together between two reads of the connection (C-CANCEL). */
const PENDING_BATCH = 8;

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = (Array.isArray(v) ? String(v[0] ?? '') : String(v)).trim();
  return s === '' ? undefined : s;
}

/** The items of a Scheduled Step Attributes Sequence, empty ones (unscheduled procedure) left out. */
function stepRefs(seq: unknown): MppsStepRef[] {
  const refs: MppsStepRef[] = [];
  for (const item of Array.isArray(seq) ? (seq as Record<string, unknown>[]) : []) {
    const ref: MppsStepRef = {};
    const stepId = str(item?.ScheduledProcedureStepID);
    const requestedProcedureId = str(item?.RequestedProcedureID);
    const accessionNumber = str(item?.AccessionNumber);
    const studyInstanceUid = str(item?.StudyInstanceUID);
    if (stepId) ref.stepId = stepId;
    if (requestedProcedureId) ref.requestedProcedureId = requestedProcedureId;
    if (accessionNumber) ref.accessionNumber = accessionNumber;
    if (studyInstanceUid) ref.studyInstanceUid = studyInstanceUid;
    if (Object.keys(ref).length > 0) refs.push(ref);
  }
  return refs;
}

const silent: ScpLogger = { info() {}, warn() {}, error() {} };

/** How long a connection beyond the per-source limit may take to send its association request. */
const OVER_LIMIT_GRACE_MS = 5_000;

export async function startWorklistScp<T>(options: WorklistScpOptions<T>): Promise<WorklistScp> {
  patchDatasetReader();
  const logger = options.logger ?? silent;
  dimse.log.setLevel('silent');
  const accepted = new Set(ACCEPTED);
  if (!options.onMpps) accepted.delete(MPPS_SOP_CLASS);

  const REJECT_REASONS: Record<AssociationRejection, number> = {
    'called-ae': RejectReason.CalledAeNotRecognized,
    'calling-ae': RejectReason.CallingAeNotRecognized,
    'no-reason': RejectReason.NoReasonGiven,
  };

  class WorklistScpConnection extends Scp {
    /** Where the connection comes from; set by the listener before any PDU is read. */
    peer: { address: string; tls?: { fingerprint256: string | undefined }; overLimit: boolean } = {
      address: '',
      overLimit: false,
    };
    private context: { value: T } | undefined;
    private logFields: Record<string, unknown> = {};
    private readonly running = new Map<number, { cancelled: boolean }>();

    override associationRequested(association: Dimse.association.Association): void {
      void this.onAssociation(association);
    }

    private async onAssociation(association: Dimse.association.Association): Promise<void> {
      const called = association.getCalledAeTitle().trim();
      const calling = association.getCallingAeTitle().trim();
      const who = { calledAe: called, callingAe: calling, address: this.peer.address };
      if (this.peer.overLimit) {
        logger.warn(who, 'dicom: association rejected (too many connections from this address)');
        this.sendAssociationReject(
          RejectResult.Transient,
          RejectSource.ServiceProviderPresentation,
          RejectReason.LocalLimitExceeded,
        );
        return;
      }
      let verdict: AssociationVerdict<T> | undefined;
      try {
        verdict = await options.resolveAssociation({
          ...who,
          ...(this.peer.tls ? { tls: this.peer.tls } : {}),
        });
      } catch (err) {
        logger.error({ err, ...who }, 'dicom: resolving the association failed');
      }
      if (!verdict || 'reject' in verdict) {
        const reason = verdict?.reject ?? 'called-ae';
        logger.warn({ ...who, reason }, 'dicom: association rejected');
        this.sendAssociationReject(RejectResult.Permanent, RejectSource.ServiceUser, REJECT_REASONS[reason]);
        return;
      }
      this.context = { value: verdict.accept };
      this.logFields = verdict.log ?? {};
      for (const pc of association.getPresentationContexts()) {
        const context = association.getPresentationContext(pc.id);
        if (!accepted.has(context.getAbstractSyntaxUid())) {
          context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
          continue;
        }
        // One transfer syntax, chosen explicitly: Explicit VR LE, else Implicit VR LE.
        const offered = context.getTransferSyntaxUids();
        const ts = [TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian].find((t) =>
          offered.includes(t),
        );
        if (ts) context.setResult(PresentationContextResult.Accept, ts);
        else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      }
      logger.info({ ...who, ...this.logFields }, 'dicom: association accepted');
      this.sendAssociationAccept();
    }

    override associationReleaseRequested(): void {
      this.sendAssociationReleaseResponse();
    }

    override cEchoRequest(
      request: Dimse.requests.CEchoRequest,
      callback: (r: Dimse.responses.CEchoResponse) => void,
    ): void {
      const response = CEchoResponse.fromRequest(request);
      response.setStatus(Status.Success);
      callback(response);
    }

    override cCancelRequest(request: Dimse.requests.CCancelRequest): void {
      const op = this.running.get(request.getMessageIdBeingRespondedTo());
      if (op) op.cancelled = true;
    }

    override cFindRequest(
      request: Dimse.requests.CFindRequest,
      callback: (responses: Dimse.responses.CFindResponse[]) => void,
    ): void {
      void this.onFind(request, callback);
    }

    private async onFind(
      request: Dimse.requests.CFindRequest,
      callback: (responses: Dimse.responses.CFindResponse[]) => void,
    ): Promise<void> {
      const sopClass = request.getAffectedSopClassUid();
      const respond = (status: number, comment?: string) => {
        const r = CFindResponse.fromRequest(request);
        r.setAffectedSopClassUid(sopClass);
        r.setStatus(status);
        if (comment) r.setErrorComment(comment.slice(0, 64));
        // dcmjs-dimse accepts this callback once per request: it carries the final response.
        callback([r]);
      };
      const started = performance.now();
      const messageId = request.getMessageId();
      const op = { cancelled: false };
      this.running.set(messageId, op);
      try {
        if (sopClass !== MWL_FIND_SOP_CLASS)
          return respond(FindStatus.SopClassNotSupported, 'not a worklist query');
        const context = this.context;
        const dataset = request.getDataset();
        if (!context || !dataset) return respond(FindStatus.IdentifierDoesNotMatchSopClass, 'no identifier');
        const query = dataset.getElements() as WorklistQuery;
        const rawCharset = (query as Record<symbol, unknown>)[RAW_CHARSET];
        const utf8 = typeof rawCharset === 'string' && rawCharset.includes('ISO_IR 192');
        let matches: WorklistItem[];
        try {
          const found = await options.findWorklist(context.value, query);
          matches = Array.isArray(found)
            ? matchWorklist(query, found)
            : matchWorklist(query, found.items, found.matching);
        } catch (err) {
          if (err instanceof QueryError) {
            logger.warn({ ...this.logFields, reason: err.message }, 'dicom: malformed worklist query');
            return respond(FindStatus.IdentifierDoesNotMatchSopClass, err.message);
          }
          logger.error({ ...this.logFields, err }, 'dicom: worklist provider failed');
          return respond(FindStatus.UnableToProcess, 'unable to process');
        }
        const association = (this as unknown as { association?: Dimse.association.Association }).association;
        const pc = association?.getAcceptedPresentationContextFromRequest(request);
        const ts = pc?.getAcceptedTransferSyntaxUid() ?? TransferSyntax.ImplicitVRLittleEndian;
        const send = (this as unknown as { _sendDimse?: (m: { context: unknown; command: unknown }) => void })
          ._sendDimse;
        const socket = (this as unknown as { socket?: net.Socket }).socket;
        const pendings: Dimse.responses.CFindResponse[] = [];
        for (const [n, item] of matches.entries()) {
          if (op.cancelled) break;
          const elements = {
            SpecificCharacterSet: utf8 ? 'ISO_IR 192' : 'ISO_IR 100',
            ...buildResponse(query, item),
          };
          const r = CFindResponse.fromRequest(request);
          r.setAffectedSopClassUid(sopClass);
          r.setStatus(FindStatus.Pending);
          r.setDataset(utf8 ? new ResponseDataset(elements, ts) : new Latin1Dataset(elements, ts));
          if (pc && typeof send === 'function') {
            // Pending responses go out PENDING_BATCH at a time, each batch in one write (each
            // response is two PDUs, and a write costs much more than its bytes), with a turn of
            // the event loop in between, so that a C-CANCEL read there stops the stream
            // (dcmjs-dimse's own callback sends the whole answer at once).
            if (n % PENDING_BATCH === 0) socket?.cork();
            try {
              send.call(this, { context: pc, command: r });
            } catch (err) {
              socket?.uncork();
              throw err;
            }
            if (n % PENDING_BATCH === PENDING_BATCH - 1 || n === matches.length - 1) {
              socket?.uncork();
              await nextTurn();
            }
          } else {
            pendings.push(r);
          }
        }
        // durationMs: the server's own time, from the request to the last pending response sent.
        logger.info(
          {
            ...this.logFields,
            matches: matches.length,
            cancelled: op.cancelled,
            durationMs: Math.round((performance.now() - started) * 1000) / 1000,
          },
          'dicom: worklist query answered',
        );
        const final = CFindResponse.fromRequest(request);
        final.setAffectedSopClassUid(sopClass);
        final.setStatus(op.cancelled ? FindStatus.Cancel : FindStatus.Success);
        callback([...pendings, final]);
      } catch (err) {
        logger.error({ err }, 'dicom: C-FIND failed');
        respond(FindStatus.UnableToProcess, 'unable to process');
      } finally {
        this.running.delete(messageId);
      }
    }

    override nCreateRequest(
      request: Dimse.requests.NCreateRequest,
      callback: (r: Dimse.responses.NCreateResponse) => void,
    ): void {
      void this.onMpps('create', request, callback);
    }

    override nSetRequest(
      request: Dimse.requests.NSetRequest,
      callback: (r: Dimse.responses.NSetResponse) => void,
    ): void {
      void this.onMpps('set', request, callback);
    }

    private async onMpps(
      kind: 'create' | 'set',
      request: Dimse.requests.NCreateRequest | Dimse.requests.NSetRequest,
      callback: (r: Dimse.responses.NCreateResponse & Dimse.responses.NSetResponse) => void,
    ): Promise<void> {
      const response =
        kind === 'create'
          ? NCreateResponse.fromRequest(request as Dimse.requests.NCreateRequest)
          : NSetResponse.fromRequest(request as Dimse.requests.NSetRequest);
      const reply = (status: number, comment?: string) => {
        response.setStatus(status);
        if (comment) response.setErrorComment(comment.slice(0, 64));
        callback(response as Dimse.responses.NCreateResponse & Dimse.responses.NSetResponse);
      };
      try {
        const sopClass =
          kind === 'create' ? request.getAffectedSopClassUid() : request.getRequestedSopClassUid();
        if (sopClass !== MPPS_SOP_CLASS || !options.onMpps) return reply(MppsDimseStatus.NoSuchSopClass);
        const sopInstanceUid =
          (kind === 'create'
            ? request.getAffectedSopInstanceUid()
            : request.getRequestedSopInstanceUid()
          )?.trim() ?? '';
        if (kind === 'create') response.setAffectedSopInstanceUid(sopInstanceUid);
        const context = this.context;
        if (!context || !sopInstanceUid)
          return reply(MppsDimseStatus.MissingAttribute, 'no SOP instance UID');
        const elements = (request.getDataset()?.getElements() ?? {}) as Record<string, unknown>;
        const status = str(elements.PerformedProcedureStepStatus);
        let event: MppsEvent;
        if (kind === 'create') {
          if (status !== 'IN PROGRESS')
            return reply(MppsDimseStatus.InvalidAttributeValue, 'status must be IN PROGRESS');
          event = { kind, sopInstanceUid, status, steps: stepRefs(elements.ScheduledStepAttributesSequence) };
        } else {
          if (status !== undefined && !MPPS_STATUSES.has(status))
            return reply(MppsDimseStatus.InvalidAttributeValue, 'unknown status');
          event = { kind, sopInstanceUid, ...(status ? { status: status as MppsStatus } : {}) };
        }
        const result = await options.onMpps(context.value, event);
        const outcome = typeof result === 'string' ? result : result.outcome;
        const answer = MPPS_OUTCOMES[outcome];
        logger.info({ ...this.logFields, kind, status, outcome }, 'dicom: MPPS handled');
        reply(answer.status, typeof result === 'string' ? answer.comment : result.comment);
      } catch (err) {
        logger.error({ err, kind }, 'dicom: MPPS failed');
        reply(MppsDimseStatus.ProcessingFailure, 'processing failure');
      }
    }

    override abort(): void {
      for (const op of this.running.values()) op.cancelled = true;
    }
  }

  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const sockets = new Set<net.Socket>();

  /**
   * Every TCP connection, plain or TLS: counted against its source address until it closes, and
   * closed when it stays idle. `false` when the source is at its limit.
   */
  function track(raw: net.Socket): boolean {
    const address = raw.remoteAddress ?? '';
    sockets.add(raw);
    // Like dcmtk (TCP_NODELAY unless told otherwise): each PDU goes out at once.
    raw.setNoDelay(true);
    // A peer that resets the connection must not take the listener down.
    raw.on('error', () => raw.destroy());
    const counted = options.limiter ? options.limiter.acquire(address) : true;
    idleTimeout(raw, counted ? idleTimeoutMs : Math.min(idleTimeoutMs, OVER_LIMIT_GRACE_MS));
    raw.on('close', () => {
      sockets.delete(raw);
      if (counted) options.limiter?.release(address);
    });
    if (!counted) logger.warn({ address }, 'dicom: too many connections from this address');
    return counted;
  }

  /** Closes `socket` once it has been idle (nothing read or written) for `ms`. */
  function idleTimeout(socket: net.Socket, ms: number): void {
    socket.setTimeout(ms);
    socket.on('timeout', () => {
      logger.info({ address: socket.remoteAddress }, 'dicom: idle connection closed');
      socket.destroy();
    });
  }

  function serve(socket: net.Socket, peer: WorklistScpConnection['peer']): void {
    const scp = new WorklistScpConnection(socket, { associationTimeout: 30_000, pduTimeout: 60_000 });
    // dcmjs-dimse sets its own (3-minute) socket timeout: ours replaces it.
    socket.setTimeout(peer.overLimit ? Math.min(idleTimeoutMs, OVER_LIMIT_GRACE_MS) : idleTimeoutMs);
    scp.peer = peer;
    (scp as unknown as { connected: boolean }).connected = true;
    scp.on('networkError', (err: unknown) => {
      logger.warn(
        { address: peer.address, err: err instanceof Error ? err.message : String(err) },
        'dicom: network error',
      );
      socket.destroy();
    });
  }

  const server = net.createServer((raw) => {
    const counted = track(raw);
    serve(raw, { address: raw.remoteAddress ?? '', overLimit: !counted });
  });
  const listen = (srv: net.Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, options.host, () => {
        srv.off('error', reject);
        const address = srv.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const port = await listen(server, options.port);

  let tlsServer: tls.Server | undefined;
  let tlsPort: number | undefined;
  if (options.tls) {
    tlsServer = tls.createServer(
      {
        key: options.tls.key,
        cert: options.tls.cert,
        requestCert: true,
        // Modality certificates are often self-signed: the fingerprint registered on the
        // modality is what authenticates the peer, checked at association.
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
      },
      (socket) => {
        const fingerprint256 = socket.getPeerX509Certificate()?.fingerprint256;
        socket.on('error', () => socket.destroy());
        serve(socket, { address: socket.remoteAddress ?? '', tls: { fingerprint256 }, overLimit: false });
      },
    );
    // Counted before the handshake: a connection over the limit costs no TLS handshake.
    tlsServer.on('connection', (raw: net.Socket) => {
      if (!track(raw)) raw.destroy();
    });
    tlsServer.on('tlsClientError', (err, socket) => {
      logger.warn({ address: socket.remoteAddress, err: err.message }, 'dicom: TLS handshake failed');
      socket.destroy();
    });
    tlsPort = await listen(tlsServer, options.tls.port);
  }
  logger.info({ port, tlsPort, aeTitle: options.aeTitle }, 'dicom: worklist SCP listening');
  const closeServer = (srv: net.Server | undefined) =>
    new Promise<void>((resolve) => (srv ? srv.close(() => resolve()) : resolve()));
  return {
    port,
    ...(tlsPort !== undefined ? { tlsPort } : {}),
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([closeServer(server), closeServer(tlsServer)]);
    },
  };
}
