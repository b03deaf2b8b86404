/**
 * What makes a pdf-lib document PDF/A-1b (ISO 19005-1, level B): PDF 1.4 header, document
 * information dictionary and XMP metadata carrying the same values, sRGB output intent (GTS_PDFA1),
 * trailer /ID (the fonts bring their CIDSet: `embedded-font.ts`). The caller saves without object streams
 * (PDF 1.4 has none), draws nothing transparent and embeds every font.
 */
import { PDFHexString, PDFName, PDFRawStream, PDFString, type PDFDocument } from 'pdf-lib';

export interface PdfAMetadata {
  title: string;
  author: string;
  /** The application that made the content (Info /Creator, xmp:CreatorTool). */
  creatorTool: string;
  producer: string;
  /** Creation and modification date (whole seconds, written in UTC). */
  date: Date;
  /** Natural language of the document (catalog /Lang), e.g. `fr-FR`. */
  lang: string;
  /** 16 bytes: both halves of the trailer /ID. */
  id: Uint8Array;
  /** ICC v2 RGB profile of the output intent, compressed (FlateDecode). */
  iccProfile: { flate: Uint8Array };
  outputCondition: string;
}

/** Text as XML character data (the values are cleaned of control characters before). */
const xmlText = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const NS = {
  pdfaid: 'http://www.aiim.org/pdfa/ns/id/',
  dc: 'http://purl.org/dc/elements/1.1/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
  pdf: 'http://ns.adobe.com/pdf/1.3/',
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `D:20261122094200+00'00'`, the Info dictionary form. */
export function pdfDate(d: Date): string {
  return `D:${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}+00'00'`;
}

/** `2026-11-22T09:42:00+00:00`, the same instant in the XMP form. */
export function xmpDate(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+00:00`;
}

/**
 * The XMP packet, written as text (an XML builder per document cost more than the rest of the
 * metadata): every value escaped (`&`, `<`, `>`), so a title « A&p; » stays text.
 */
export function xmpPacket(m: PdfAMetadata): string {
  const date = xmpDate(m.date);
  const description = (prefix: keyof typeof NS, body: string) =>
    `    <rdf:Description rdf:about="" xmlns:${prefix}="${NS[prefix]}">\n${body}    </rdf:Description>\n`;
  return (
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n' +
    '  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n' +
    description(
      'pdfaid',
      '      <pdfaid:part>1</pdfaid:part>\n      <pdfaid:conformance>B</pdfaid:conformance>\n',
    ) +
    description(
      'dc',
      '      <dc:format>application/pdf</dc:format>\n' +
        '      <dc:title>\n        <rdf:Alt>\n' +
        `          <rdf:li xml:lang="x-default">${xmlText(m.title)}</rdf:li>\n` +
        '        </rdf:Alt>\n      </dc:title>\n' +
        '      <dc:creator>\n        <rdf:Seq>\n' +
        `          <rdf:li>${xmlText(m.author)}</rdf:li>\n` +
        '        </rdf:Seq>\n      </dc:creator>\n',
    ) +
    description(
      'xmp',
      `      <xmp:CreateDate>${date}</xmp:CreateDate>\n` +
        `      <xmp:ModifyDate>${date}</xmp:ModifyDate>\n` +
        `      <xmp:MetadataDate>${date}</xmp:MetadataDate>\n` +
        `      <xmp:CreatorTool>${xmlText(m.creatorTool)}</xmp:CreatorTool>\n`,
    ) +
    description('pdf', `      <pdf:Producer>${xmlText(m.producer)}</pdf:Producer>\n`) +
    '  </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>'
  );
}

/** Sets everything PDF/A-1b asks of the document outside its pages. Call after drawing, before save. */
export function makePdfA(pdf: PDFDocument, m: PdfAMetadata): void {
  const { context, catalog } = pdf;

  const info = context.obj({
    Title: PDFHexString.fromText(m.title),
    Author: PDFHexString.fromText(m.author),
    Creator: PDFHexString.fromText(m.creatorTool),
    Producer: PDFHexString.fromText(m.producer),
    CreationDate: PDFString.of(pdfDate(m.date)),
    ModDate: PDFString.of(pdfDate(m.date)),
  });
  context.trailerInfo.Info = context.register(info);

  // PDF/A-1 (6.7.2): the metadata stream is not filtered
  const metadata = context.stream(new TextEncoder().encode(xmpPacket(m)), {
    Type: 'Metadata',
    Subtype: 'XML',
  });
  catalog.set(PDFName.of('Metadata'), context.register(metadata));

  const profile = PDFRawStream.of(context.obj({ N: 3, Filter: 'FlateDecode' }), m.iccProfile.flate);
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFHexString.fromText(m.outputCondition),
    Info: PDFHexString.fromText(m.outputCondition),
    RegistryName: PDFString.of('http://www.color.org'),
    DestOutputProfile: context.register(profile),
  });
  catalog.set(PDFName.of('OutputIntents'), context.obj([context.register(intent)]));
  catalog.set(PDFName.of('Lang'), PDFHexString.fromText(m.lang));

  const id = PDFHexString.of(Buffer.from(m.id).toString('hex').toUpperCase());
  context.trailerInfo.ID = context.obj([id, id]);
}

const PDF_1_7 = '%PDF-1.7';

/**
 * pdf-lib 1.17 always writes a `%PDF-1.7` header (PDFWriter ignores context.header); PDF/A-1 is
 * PDF 1.4. Both headers have the same length, so the cross-reference offsets stay right.
 */
export function withPdf14Header(bytes: Uint8Array): Uint8Array {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, PDF_1_7.length));
  if (head !== PDF_1_7) throw new Error(`unexpected PDF header from pdf-lib: ${JSON.stringify(head)}`);
  bytes.set(new TextEncoder().encode('%PDF-1.4'), 0);
  return bytes;
}
