/**
 * A multipart/related (MTOM/XOP) body split into its parts. Written here because none of the
 * installed libraries parses multipart/related on raw bytes (fast-xml-parser and xmldom read XML
 * only); the format is the RFC 2046 boundary rule, nothing more.
 */
export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

export function contentTypeParam(contentType: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i');
  const m = re.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let index = body.indexOf(delimiter);
  if (index < 0) throw new Error('boundary not found');
  for (;;) {
    let start = index + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
    // skip transport padding and CRLF after the delimiter
    while (start < body.length && (body[start] === 0x20 || body[start] === 0x09)) start++;
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    else if (body[start] === 0x0a) start += 1;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new Error('multipart body not closed');
    let end = next;
    if (body[end - 1] === 0x0a) end--;
    if (body[end - 1] === 0x0d) end--;
    const part = body.subarray(start, end);
    let sep = part.indexOf('\r\n\r\n');
    let sepLength = 4;
    if (sep < 0) {
      sep = part.indexOf('\n\n');
      sepLength = 2;
    }
    if (sep < 0) throw new Error('part without headers');
    const headers: Record<string, string> = {};
    for (const line of part.subarray(0, sep).toString('utf8').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: part.subarray(sep + sepLength) });
    index = next;
  }
  return parts;
}

/** `<0.2>` or `0.2` → `0.2`; `cid:0.2` (URL-encoded, RFC 2392) → `0.2`. */
export function normaliseCid(value: string): string {
  const v = value.trim().replace(/^cid:/i, '');
  return decodeURIComponent(v.replace(/^<|>$/g, ''));
}
