import { describe, expect, it } from 'vitest';
import { contentTypeParam, normaliseCid, parseMultipart } from './mtom.ts';

describe('MTOM parsing', () => {
  it('splits a multipart/related body and keeps binary parts intact', () => {
    const binary = Buffer.from([0, 1, 2, 0x0d, 0x0a, 0x2d, 0x2d, 255]);
    const body = Buffer.concat([
      Buffer.from(
        '--B\r\nContent-Type: application/xop+xml; type="application/soap+xml"\r\nContent-ID: <0.1>\r\n\r\n<a/>\r\n',
      ),
      Buffer.from('--B\r\nContent-Type: application/octet-stream\r\nContent-ID: <0.2>\r\n\r\n'),
      binary,
      Buffer.from('\r\n--B--\r\n'),
    ]);
    const parts = parseMultipart(body, 'B');
    expect(parts).toHaveLength(2);
    expect(parts[0]?.body.toString()).toBe('<a/>');
    expect(normaliseCid(parts[1]?.headers['content-id'] ?? '')).toBe('0.2');
    expect(parts[1]?.body.equals(binary)).toBe(true);
  });

  it('reads content-type parameters, quoted or not, and cid references', () => {
    const ct =
      'multipart/related; boundary="MIMEBoundary_x"; type="application/xop+xml"; start="<0.1>"; start-info="application/soap+xml"; action=urn:a';
    expect(contentTypeParam(ct, 'boundary')).toBe('MIMEBoundary_x');
    expect(contentTypeParam(ct, 'start')).toBe('<0.1>');
    expect(contentTypeParam(ct, 'start-info')).toBe('application/soap+xml');
    expect(contentTypeParam(ct, 'action')).toBe('urn:a');
    expect(normaliseCid('cid:0.2')).toBe('0.2');
    expect(normaliseCid('cid:doc%401')).toBe('doc@1');
  });

  it('refuses a body without its boundary or never closed', () => {
    expect(() => parseMultipart(Buffer.from('nothing'), 'B')).toThrow();
    expect(() => parseMultipart(Buffer.from('--B\r\nA: b\r\n\r\nx'), 'B')).toThrow();
  });
});
