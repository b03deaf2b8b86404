import type { Hl7Charset } from './charset.ts';

/** ER7 delimiters: MSH-1 (field) and MSH-2 (component, repetition, escape, subcomponent). */
export interface EncodingCharacters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

export const DEFAULT_ENCODING: EncodingCharacters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
};

/** MSH-2 as written for these delimiters (`^~\&`). */
export function encodingCharactersField(enc: EncodingCharacters): string {
  return enc.component + enc.repetition + enc.escape + enc.subcomponent;
}

const HEX_RE = /^(?:[0-9A-Fa-f]{2})+$/;

function hexToText(hex: string, charset: Hl7Charset): string {
  const bytes = Buffer.from(hex, 'hex');
  if (charset === 'UNICODE UTF-8') return new TextDecoder('utf-8').decode(bytes);
  return bytes.toString('latin1');
}

/**
 * Resolves HL7 escape sequences (v2.5 §2.7): \F\ \S\ \T\ \R\ \E\ give the delimiters back,
 * \Xhh…\ gives the bytes hh… read in the message charset. Other sequences (\H\, \N\, \.br\,
 * \Cxxyy\, …: formatting and charset switches) and unterminated ones are kept as written, so
 * no text is ever lost.
 */
export function unescapeValue(raw: string, enc: EncodingCharacters, charset: Hl7Charset): string {
  const esc = enc.escape;
  let at = raw.indexOf(esc);
  if (at === -1) return raw;
  let out = '';
  let from = 0;
  while (at !== -1) {
    const close = raw.indexOf(esc, at + 1);
    if (close === -1) break;
    const seq = raw.slice(at + 1, close);
    let text: string | null = null;
    if (seq === 'F') text = enc.field;
    else if (seq === 'S') text = enc.component;
    else if (seq === 'T') text = enc.subcomponent;
    else if (seq === 'R') text = enc.repetition;
    else if (seq === 'E') text = enc.escape;
    else if (seq.length > 1 && seq[0] === 'X' && HEX_RE.test(seq.slice(1)))
      text = hexToText(seq.slice(1), charset);
    if (text === null) {
      // Not ours: keep the opening escape and look again from the closing one.
      out += raw.slice(from, close);
      from = close;
      at = close;
      continue;
    }
    out += raw.slice(from, at) + text;
    from = close + 1;
    at = raw.indexOf(esc, from);
  }
  return out + raw.slice(from);
}

/** Escapes text for an ER7 field value: delimiters and CR/LF become escape sequences. */
export function escapeValue(text: string, enc: EncodingCharacters): string {
  let out = '';
  for (const ch of text) {
    if (ch === enc.escape) out += `${enc.escape}E${enc.escape}`;
    else if (ch === enc.field) out += `${enc.escape}F${enc.escape}`;
    else if (ch === enc.component) out += `${enc.escape}S${enc.escape}`;
    else if (ch === enc.subcomponent) out += `${enc.escape}T${enc.escape}`;
    else if (ch === enc.repetition) out += `${enc.escape}R${enc.escape}`;
    else if (ch === '\r') out += `${enc.escape}X0D${enc.escape}`;
    else if (ch === '\n') out += `${enc.escape}X0A${enc.escape}`;
    else out += ch;
  }
  return out;
}
