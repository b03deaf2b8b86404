import { describe, expect, it } from 'vitest';
import { encodeFrame, MllpDecoder, type MllpEvent } from './mllp.ts';

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;
const msg = (s: string) => Buffer.from(s, 'utf8');
const frames = (events: MllpEvent[]) =>
  events.filter((e) => e.type === 'frame').map((e) => (e.type === 'frame' ? e.payload.toString('utf8') : ''));

describe('encodeFrame', () => {
  it('wraps a payload in VT … FS CR', () => {
    const f = encodeFrame(msg('MSH|x'));
    expect([...f]).toEqual([VT, ...msg('MSH|x'), FS, CR]);
  });
});

describe('MllpDecoder', () => {
  it('decodes one frame', () => {
    const d = new MllpDecoder();
    expect(d.push(encodeFrame(msg('MSH|1\r')))).toEqual([{ type: 'frame', payload: msg('MSH|1\r') }]);
  });

  it('decodes several frames in one chunk', () => {
    const d = new MllpDecoder();
    const chunk = Buffer.concat([encodeFrame(msg('A')), encodeFrame(msg('B')), encodeFrame(msg('C'))]);
    expect(frames(d.push(chunk))).toEqual(['A', 'B', 'C']);
  });

  it('decodes frames split at every possible byte, including between FS and CR', () => {
    const stream = Buffer.concat([encodeFrame(msg('MSH|Gwénaëlle\r')), encodeFrame(msg('MSH|2\r'))]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new MllpDecoder();
      const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut)), ...d.end()];
      expect(frames(got)).toEqual(['MSH|Gwénaëlle\r', 'MSH|2\r']);
      expect(got.filter((e) => e.type !== 'frame')).toEqual([]);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const stream = Buffer.concat([encodeFrame(msg('MSH|a')), encodeFrame(msg('MSH|b'))]);
    const d = new MllpDecoder();
    const got: MllpEvent[] = [];
    for (const b of stream) got.push(...d.push(Buffer.from([b])));
    expect(frames(got)).toEqual(['MSH|a', 'MSH|b']);
  });

  it('reports and skips bytes outside frames', () => {
    const d = new MllpDecoder();
    const events = d.push(
      Buffer.concat([msg('\r\nnoise'), encodeFrame(msg('A')), msg('\n'), encodeFrame(msg('B'))]),
    );
    expect(events).toEqual([
      { type: 'junk', bytes: 7 },
      { type: 'frame', payload: msg('A') },
      { type: 'junk', bytes: 1 },
      { type: 'frame', payload: msg('B') },
    ]);
  });

  it('keeps a FS not followed by CR as payload', () => {
    const d = new MllpDecoder();
    const payload = Buffer.from([0x41, FS, 0x42]);
    expect(d.push(encodeFrame(payload))).toEqual([{ type: 'frame', payload }]);
  });

  it('reports a frame cut by a new VT and decodes the next one', () => {
    const d = new MllpDecoder();
    const events = d.push(Buffer.concat([Buffer.from([VT]), msg('MSH|cut'), encodeFrame(msg('MSH|ok'))]));
    expect(events).toEqual([
      { type: 'truncated', bytes: 7 },
      { type: 'frame', payload: msg('MSH|ok') },
    ]);
  });

  it('reports a frame left open at the end of the stream', () => {
    const d = new MllpDecoder();
    expect(d.push(Buffer.concat([Buffer.from([VT]), msg('MSH|half')]))).toEqual([]);
    expect(d.buffered).toBe(8);
    expect(d.end()).toEqual([{ type: 'truncated', bytes: 8 }]);
    expect(d.buffered).toBe(0);
  });

  it('refuses an oversize frame, keeps its head, then resynchronises', () => {
    const d = new MllpDecoder({ maxFrameSize: 100 });
    const big = Buffer.concat([msg('MSH|^~\\&|APP|FAC|||||ADT^A01|BIG1|P|2.5\r'), Buffer.alloc(200, 0x41)]);
    const events = [
      ...d.push(encodeFrame(big).subarray(0, 60)),
      ...d.push(encodeFrame(big).subarray(60)),
      ...d.push(encodeFrame(msg('MSH|small'))),
    ];
    expect(events.map((e) => e.type)).toEqual(['oversize', 'frame']);
    const over = events[0]!;
    expect(over.type === 'oversize' && over.head.toString('latin1').startsWith('MSH|^~\\&|APP|FAC')).toBe(
      true,
    );
    expect(over.type === 'oversize' && over.size).toBeGreaterThan(100);
    expect(frames(events)).toEqual(['MSH|small']);
  });

  it('accepts a frame of exactly the maximum size', () => {
    const d = new MllpDecoder({ maxFrameSize: 10 });
    expect(frames(d.push(encodeFrame(Buffer.alloc(10, 0x41))))).toHaveLength(1);
    expect(d.push(encodeFrame(Buffer.alloc(11, 0x41))).map((e) => e.type)).toEqual(['oversize']);
  });

  it('resynchronises on a VT inside an oversize frame', () => {
    const d = new MllpDecoder({ maxFrameSize: 5 });
    const events = d.push(Buffer.concat([Buffer.from([VT]), Buffer.alloc(20, 0x41), encodeFrame(msg('ok'))]));
    expect(events.map((e) => e.type)).toEqual(['oversize', 'frame']);
  });

  it('does not keep references to the caller’s chunks', () => {
    const d = new MllpDecoder();
    const chunk = Buffer.concat([Buffer.from([VT]), msg('MSH|abc')]);
    d.push(chunk);
    chunk.fill(0x30);
    expect(frames(d.push(Buffer.from([FS, CR])))).toEqual(['MSH|abc']);
  });

  // A quadratic scan of this chunk would take minutes: the test timeout is the guard.
  it('scans a chunk full of lone FS bytes in linear time', () => {
    const d = new MllpDecoder();
    const chunk = Buffer.alloc(200_000, FS);
    chunk[0] = VT;
    d.push(chunk);
    expect(d.end()).toEqual([{ type: 'truncated', bytes: 199_999 }]);
  });
});
