/**
 * MLLP framing (HL7 v2 Minimal Lower Layer Protocol, release 1 as used by every HIS):
 * <VT 0x0B> payload <FS 0x1C><CR 0x0D>. Pure: bytes in, frames out; the gateway owns sockets.
 */

export const MLLP_START = 0x0b;
export const MLLP_END = 0x1c;
export const MLLP_TRAILER = 0x0d;

/** Default largest accepted payload: 10 MB (an ORU/MDM with a base64 PDF report stays far below). */
export const DEFAULT_MAX_FRAME_SIZE = 10 * 1024 * 1024;

/** How many first bytes of an oversize frame are kept for the answer. */
const OVERSIZE_HEAD = 4096;

/** Wraps one HL7 message in an MLLP frame. */
export function encodeFrame(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(payload.length + 3);
  out[0] = MLLP_START;
  payload.copy(out, 1);
  out[payload.length + 1] = MLLP_END;
  out[payload.length + 2] = MLLP_TRAILER;
  return out;
}

/**
 * What the decoder reports, in stream order:
 * - `frame`: a complete payload (without VT / FS CR);
 * - `junk`: bytes seen outside any frame (ignored; e.g. a keep-alive newline between frames);
 * - `oversize`: a frame grew beyond `maxFrameSize`; it is dropped up to its FS CR, then the
 *   decoder resynchronises on the next VT (`size` = bytes received when reported; `head` = its
 *   first bytes, enough to read MSH and answer an AR with MSA-2 = MSH-10);
 * - `truncated`: a frame was cut by a new VT before its FS CR (the partial frame is dropped),
 *   or by the end of the stream (see {@link MllpDecoder.end}).
 */
export type MllpEvent =
  | { type: 'frame'; payload: Buffer }
  | { type: 'junk'; bytes: number }
  | { type: 'oversize'; size: number; head: Buffer }
  | { type: 'truncated'; bytes: number };

export interface MllpDecoderOptions {
  maxFrameSize?: number;
}

type State = 'idle' | 'frame' | 'skip';

/**
 * Streaming MLLP decoder: push chunks as they arrive, get events back. Handles frames split
 * across chunks, several frames in one chunk, FS and CR in different chunks. A FS that is not
 * followed by CR is kept as payload (lenient; HL7 content never holds FS). Memory is bounded by
 * `maxFrameSize` plus one chunk.
 */
export class MllpDecoder {
  readonly maxFrameSize: number;
  private state: State = 'idle';
  private parts: Buffer[] = [];
  private size = 0;
  /** The previous chunk ended with FS inside a frame: its CR may start the next chunk. */
  private pendingEnd = false;
  private junk = 0;

  constructor(options: MllpDecoderOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
  }

  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = [];
    let pos = 0;
    if (this.pendingEnd && chunk.length > 0) {
      this.pendingEnd = false;
      if (chunk[0] === MLLP_TRAILER) {
        this.finishFrame(events);
        pos = 1;
      } else {
        this.append(Buffer.from([MLLP_END]), events);
      }
    }
    // Next VT at or after `pos` (-1: none left in this chunk); cached so that a chunk full of
    // lone FS bytes is still scanned in linear time.
    let nextStart = chunk.indexOf(MLLP_START, pos);
    const startFrom = (p: number) => {
      if (nextStart !== -1 && nextStart < p) nextStart = chunk.indexOf(MLLP_START, p);
      return nextStart;
    };
    while (pos < chunk.length) {
      if (this.state === 'idle') {
        const start = startFrom(pos);
        this.junk += (start === -1 ? chunk.length : start) - pos;
        if (start === -1) break;
        this.flushJunk(events);
        this.begin();
        pos = start + 1;
        continue;
      }
      // In a frame (kept or skipped): look for the next FS or VT.
      const end = chunk.indexOf(MLLP_END, pos);
      const restart = startFrom(pos);
      if (restart !== -1 && (end === -1 || restart < end)) {
        // A new frame starts before this one ended: the current one is truncated.
        this.append(chunk.subarray(pos, restart), events);
        this.abandon(events);
        this.begin();
        pos = restart + 1;
        continue;
      }
      if (end === -1) {
        this.append(chunk.subarray(pos), events);
        break;
      }
      this.append(chunk.subarray(pos, end), events);
      if (end + 1 === chunk.length) {
        this.pendingEnd = true;
        break;
      }
      if (chunk[end + 1] === MLLP_TRAILER) {
        this.finishFrame(events);
        pos = end + 2;
      } else {
        this.append(chunk.subarray(end, end + 1), events);
        pos = end + 1;
      }
    }
    this.flushJunk(events);
    return events;
  }

  /** End of stream: reports a frame left unfinished, and resets the decoder. */
  end(): MllpEvent[] {
    const events: MllpEvent[] = [];
    if (this.pendingEnd) {
      this.pendingEnd = false;
      this.append(Buffer.from([MLLP_END]), events);
    }
    this.flushJunk(events);
    if (this.state !== 'idle') this.abandon(events);
    this.state = 'idle';
    return events;
  }

  /** Bytes currently held for an unfinished frame. */
  get buffered(): number {
    return this.size;
  }

  private begin(): void {
    this.state = 'frame';
    this.parts = [];
    this.size = 0;
  }

  private append(bytes: Buffer, events: MllpEvent[]): void {
    if (bytes.length === 0) return;
    if (this.state === 'skip') return;
    if (this.size + bytes.length > this.maxFrameSize) {
      events.push({ type: 'oversize', size: this.size + bytes.length, head: this.head(bytes) });
      this.parts = [];
      this.size = 0;
      this.state = 'skip';
      return;
    }
    // Copy: the caller may reuse its chunk buffers.
    this.parts.push(Buffer.from(bytes));
    this.size += bytes.length;
  }

  /** The first OVERSIZE_HEAD bytes of the current frame followed by `more`. */
  private head(more: Buffer): Buffer {
    const picked: Buffer[] = [];
    let n = 0;
    for (const part of [...this.parts, more]) {
      if (n >= OVERSIZE_HEAD) break;
      const take = part.subarray(0, OVERSIZE_HEAD - n);
      picked.push(take);
      n += take.length;
    }
    return Buffer.concat(picked);
  }

  private finishFrame(events: MllpEvent[]): void {
    if (this.state === 'frame') {
      events.push({
        type: 'frame',
        payload: this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts),
      });
    }
    this.parts = [];
    this.size = 0;
    this.state = 'idle';
  }

  private abandon(events: MllpEvent[]): void {
    if (this.state === 'frame') events.push({ type: 'truncated', bytes: this.size });
    this.parts = [];
    this.size = 0;
    this.state = 'idle';
  }

  private flushJunk(events: MllpEvent[]): void {
    if (this.junk > 0) {
      events.push({ type: 'junk', bytes: this.junk });
      this.junk = 0;
    }
  }
}
