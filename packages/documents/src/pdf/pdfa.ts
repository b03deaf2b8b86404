/**
 * What makes a pdf-lib document PDF/A-1b (ISO 19005-1, level B): PDF 1.4 header, document
 * information dictionary and XMP metadata carrying the same values, sRGB output intent (GTS_PDFA1),
 * trailer /ID, CIDSet for every embedded font subset. The caller saves without object streams
 * (PDF 1.4 has none), draws nothing transparent and embeds every font.
 */
import {
  PDFArray,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFString,
  type PDFDocument,
  type PDFFont,
} from 'pdf-lib';
import { create } from 'xmlbuilder2';

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
  /** ICC v2 RGB profile of the output intent. */
  iccProfile: Uint8Array;
  outputCondition: string;
}

/**
 * Every `&` escaped before xmlbuilder2 sees it: the builder keeps reference-like text (`&p;`,
 * `&#0;`) as it is, so a title « A&p; » made the XMP unreadable (and the file not PDF/A).
 */
const amp = (value: string) => value.replace(/&/g, '&amp;');

const NS = {
  x: 'adobe:ns:meta/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  xml: 'http://www.w3.org/XML/1998/namespace',
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

export function xmpPacket(m: PdfAMetadata): string {
  const doc = create();
  doc.ins('xpacket', 'begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"');
  const rdf = doc.ele(NS.x, 'x:xmpmeta').ele(NS.rdf, 'rdf:RDF');
  const description = (prefix: keyof typeof NS) =>
    rdf
      .ele(NS.rdf, 'rdf:Description')
      .att(NS.rdf, 'rdf:about', '')
      .att('http://www.w3.org/2000/xmlns/', `xmlns:${prefix}`, NS[prefix]);

  const id = description('pdfaid');
  id.ele(NS.pdfaid, 'pdfaid:part').txt('1');
  id.ele(NS.pdfaid, 'pdfaid:conformance').txt('B');

  const dc = description('dc');
  dc.ele(NS.dc, 'dc:format').txt('application/pdf');
  dc.ele(NS.dc, 'dc:title')
    .ele(NS.rdf, 'rdf:Alt')
    .ele(NS.rdf, 'rdf:li')
    .att(NS.xml, 'xml:lang', 'x-default')
    .txt(amp(m.title));
  dc.ele(NS.dc, 'dc:creator').ele(NS.rdf, 'rdf:Seq').ele(NS.rdf, 'rdf:li').txt(amp(m.author));

  const xmp = description('xmp');
  xmp.ele(NS.xmp, 'xmp:CreateDate').txt(xmpDate(m.date));
  xmp.ele(NS.xmp, 'xmp:ModifyDate').txt(xmpDate(m.date));
  xmp.ele(NS.xmp, 'xmp:MetadataDate').txt(xmpDate(m.date));
  xmp.ele(NS.xmp, 'xmp:CreatorTool').txt(amp(m.creatorTool));

  description('pdf').ele(NS.pdf, 'pdf:Producer').txt(amp(m.producer));

  doc.ins('xpacket', 'end="w"');
  return doc.end({ headless: true, prettyPrint: true });
}

/** Sets everything PDF/A-1b asks of the document outside its pages. Call after drawing, before save. */
export async function makePdfA(pdf: PDFDocument, fonts: PDFFont[], m: PdfAMetadata): Promise<void> {
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

  const profile = context.flateStream(m.iccProfile, { N: 3 });
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

  // Embed the font subsets now, then give each its CIDSet (PDF/A-1, 6.3.5).
  await pdf.flush();
  for (const font of fonts) addCidSet(pdf, font);
}

function addCidSet(pdf: PDFDocument, font: PDFFont): void {
  const { context } = pdf;
  const type0 = context.lookup(font.ref, PDFDict);
  const cidFont = type0.lookup(PDFName.of('DescendantFonts'), PDFArray).lookup(0, PDFDict);
  const descriptor = cidFont.lookup(PDFName.of('FontDescriptor'), PDFDict);
  const widths = cidFont.lookup(PDFName.of('W'), PDFArray);

  const cids = new Set<number>([0]);
  for (let i = 0; i < widths.size(); i++) {
    const first = widths.lookup(i, PDFNumber).asNumber();
    const next = widths.lookup(i + 1);
    if (next instanceof PDFArray) {
      for (let k = 0; k < next.size(); k++) cids.add(first + k);
      i += 1;
    } else {
      // `first last width` form
      const last = widths.lookup(i + 1, PDFNumber).asNumber();
      for (let c = first; c <= last; c++) cids.add(c);
      i += 2;
    }
  }
  const bits = new Uint8Array(Math.floor(Math.max(...cids) / 8) + 1);
  for (const cid of cids) bits[cid >> 3]! |= 0x80 >> (cid & 7);
  descriptor.set(PDFName.of('CIDSet'), context.register(context.flateStream(bits)));
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
