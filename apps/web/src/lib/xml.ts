/**
 * A small, strict XML reader for the portal's CDA viewer: elements, attributes, namespaces,
 * text and CDATA; comments and processing instructions skipped. It refuses a DOCTYPE (a CDA has
 * none, and refusing it rules out entity expansion and external entities) and any entity other
 * than the five predefined ones and character references.
 *
 * Why our own: the portal has no XML parser among its dependencies and reads only the header of
 * one document kind; the XML builders and validators of the platform live in
 * `packages/documents`, which the portal does not import (it talks to the API only). This reader
 * is a tree of plain objects, no DOM, linear in the size of the input (a CDA of 20 MB is mostly
 * one base64 text node).
 */

export interface XmlElement {
  /** Local name (without prefix). */
  name: string;
  /** Namespace URI, or '' when none. */
  ns: string;
  /** Attributes by their qualified name as written (`root`, `xsi:type`). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), children's text excluded. */
  text: string;
}

export class XmlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at character ${offset})`);
    this.name = 'XmlError';
  }
}

const NAME = '[A-Za-z_][\\w.\\-]*(?::[A-Za-z_][\\w.\\-]*)?';
const START = new RegExp(`<(${NAME})`, 'y');
const ATTR = new RegExp(`\\s+(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'y');
const TAG_END = /\s*(\/?)>/y;
const END = new RegExp(`</(${NAME})\\s*>`, 'y');
const MAX_DEPTH = 256;

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string, offset: number): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new XmlError('unterminated entity reference', offset);
    if (ref in PREDEFINED) return PREDEFINED[ref]!;
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!m) throw new XmlError(`unknown entity &${ref};`, offset);
    const code = m[1] !== undefined ? parseInt(m[1], 16) : parseInt(m[2]!, 10);
    if (code > 0x10ffff || code === 0) throw new XmlError(`invalid character reference &${ref};`, offset);
    return String.fromCodePoint(code);
  });
}

const prefixOf = (qname: string) => (qname.includes(':') ? qname.slice(0, qname.indexOf(':')) : '');
const localOf = (qname: string) => (qname.includes(':') ? qname.slice(qname.indexOf(':') + 1) : qname);

interface Frame {
  element: XmlElement;
  qname: string;
  scope: Map<string, string>;
  parts: string[];
}

/** Parses a whole XML document into its root element; throws XmlError when it is not well-formed. */
export function parseXml(input: string): XmlElement {
  const xml = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const stack: Frame[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  const text = (chunk: string, at: number) => {
    const top = stack.at(-1);
    if (top) top.parts.push(chunk);
    else if (chunk.trim() !== '') throw new XmlError('text outside the root element', at);
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt === -1) {
      text(xml.slice(i), i);
      break;
    }
    if (lt > i) text(decode(xml.slice(i, lt), i), i);
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end === -1) throw new XmlError('unterminated comment', lt);
      i = end + 3;
    } else if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt + 2);
      if (end === -1) throw new XmlError('unterminated processing instruction', lt);
      i = end + 2;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end === -1) throw new XmlError('unterminated CDATA section', lt);
      if (stack.length === 0) throw new XmlError('CDATA outside the root element', lt);
      text(xml.slice(lt + 9, end), lt);
      i = end + 3;
    } else if (xml.startsWith('<!', lt)) {
      throw new XmlError('DOCTYPE and other declarations are not accepted', lt);
    } else if (xml.startsWith('</', lt)) {
      END.lastIndex = lt;
      const m = END.exec(xml);
      const top = stack.pop();
      if (!m || !top) throw new XmlError('unexpected end tag', lt);
      if (m[1] !== top.qname) throw new XmlError(`end tag </${m[1]}> does not close <${top.qname}>`, lt);
      top.element.text = top.parts.join('');
      i = lt + m[0].length;
    } else {
      START.lastIndex = lt;
      const m = START.exec(xml);
      if (!m) throw new XmlError('malformed start tag', lt);
      if (stack.length === 0 && root) throw new XmlError('more than one root element', lt);
      if (stack.length >= MAX_DEPTH) throw new XmlError('elements nested too deeply', lt);
      let at = lt + m[0].length;
      const attrs: Record<string, string> = {};
      for (;;) {
        ATTR.lastIndex = at;
        const a = ATTR.exec(xml);
        if (!a) break;
        if (a[1]! in attrs) throw new XmlError(`attribute ${a[1]} repeated`, at);
        attrs[a[1]!] = decode(a[2] ?? a[3] ?? '', at).replace(/[\t\n\r]/g, ' ');
        at += a[0].length;
      }
      TAG_END.lastIndex = at;
      const close = TAG_END.exec(xml);
      if (!close) throw new XmlError(`malformed start tag <${m[1]}>`, lt);
      i = at + close[0].length;
      const parentScope =
        stack.at(-1)?.scope ?? new Map<string, string>([['xml', 'http://www.w3.org/XML/1998/namespace']]);
      let scope = parentScope;
      for (const [name, value] of Object.entries(attrs)) {
        if (name === 'xmlns' || name.startsWith('xmlns:')) {
          if (scope === parentScope) scope = new Map(parentScope);
          scope.set(name === 'xmlns' ? '' : name.slice(6), value);
        }
      }
      const qname = m[1]!;
      const prefix = prefixOf(qname);
      const ns = scope.get(prefix);
      if (prefix && ns === undefined) throw new XmlError(`undeclared namespace prefix ${prefix}`, lt);
      const element: XmlElement = { name: localOf(qname), ns: ns ?? '', attrs, children: [], text: '' };
      const parent = stack.at(-1);
      if (parent) parent.element.children.push(element);
      else root = element;
      if (close[1] !== '/') stack.push({ element, qname, scope, parts: [] });
    }
  }
  if (stack.length > 0) throw new XmlError(`<${stack.at(-1)!.qname}> is not closed`, xml.length);
  if (!root) throw new XmlError('no root element', 0);
  return root;
}

/** The first child element of that local name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** The child elements of that local name. */
export function children(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Follows a path of local names, `a/b/c`, through first children. */
export function at(el: XmlElement | undefined, path: string): XmlElement | undefined {
  let current = el;
  for (const name of path.split('/')) current = child(current, name);
  return current;
}

/** The element's text, whitespace collapsed; null when empty or missing. */
export function textOf(el: XmlElement | undefined): string | null {
  const t = el?.text.replace(/\s+/g, ' ').trim();
  return t ? t : null;
}
