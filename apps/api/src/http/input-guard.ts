/**
 * Input no field may carry, checked once at the edge for every route (REST and tRPC) before any
 * schema runs: NUL characters (PostgreSQL text cannot hold them: the insert fails) and unpaired
 * UTF-16 surrogates (not Unicode text: they cannot be encoded in UTF-8), in any key or string of
 * a JSON body or a query; query bytes that are not UTF-8; and, on the public REST API, a body
 * that is not declared `application/json`. Each is answered 400 (415 for the Content-Type)
 * naming the field, instead of reaching the database and failing there as a 500.
 */
import { AppError } from '@rayon/domain';
import type { MiddlewareHandler } from 'hono';

const NUL = '\u0000';
/** A high surrogate not followed by a low one, or a low one not preceded by a high one (code units). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A refused name as it can be printed: NUL and unpaired surrogates replaced by `?`. */
const printable = (s: string) =>
  Array.from(s, (c) => (c === NUL || (c.length === 1 && c >= '\uD800' && c <= '\uDFFF') ? '?' : c)).join('');

/** Why a text is refused, or null. */
function textFault(s: string): string | null {
  if (s.includes(NUL)) return 'NUL characters are not allowed in text';
  if (LONE_SURROGATE.test(s)) return 'unpaired UTF-16 surrogates are not text';
  return null;
}

/**
 * The first string of a JSON value (object key or value) that is refused: its dotted path (the
 * API's field names, e.g. `traits.birthFamilyName`, `identifiers.0.value`) and why.
 */
export function findHostileText(
  value: unknown,
  path: readonly string[] = [],
): { field: string; why: string } | null {
  if (typeof value === 'string') {
    const why = textFault(value);
    return why ? { field: path.join('.'), why } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findHostileText(item, [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const why = textFault(key);
      // A refused key is named as written, minus what makes it unprintable.
      if (why) return { field: [...path, printable(key)].join('.'), why };
      const found = findHostileText(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** Throws BAD_INPUT naming the field when `value` holds a refused text. */
export function assertCleanInput(value: unknown, prefix: readonly string[] = []): void {
  const found = findHostileText(value, prefix);
  if (found) {
    const field = found.field || 'body';
    throw new AppError('BAD_INPUT', `${field}: ${found.why}`, { field });
  }
}

/**
 * The query string, decoded strictly: a name or value whose %-escapes are not UTF-8 (such as
 * `%ED%A0%80`, a surrogate) is refused naming it; NUL and lone surrogates as above.
 */
export function assertCleanQuery(url: string): void {
  const q = url.indexOf('?');
  if (q === -1) return;
  const raw = url.slice(q + 1).split('#')[0]!;
  for (const pair of raw.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const [rawName, rawValue] = eq === -1 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const decode = (s: string) => decodeURIComponent(s.replaceAll('+', ' '));
    let name: string;
    try {
      name = decode(rawName);
    } catch {
      throw new AppError('BAD_INPUT', 'query: a parameter name is not UTF-8', { field: 'query' });
    }
    const safeName = printable(name) || 'query';
    let value: string;
    try {
      value = decode(rawValue);
    } catch {
      throw new AppError('BAD_INPUT', `${safeName}: not UTF-8 text`, { field: safeName });
    }
    const why = textFault(name) ?? textFault(value);
    if (why) throw new AppError('BAD_INPUT', `${safeName}: ${why}`, { field: safeName });
  }
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * The public REST API's guard: query, Content-Type of a body, then its JSON. Runs after the body
 * limit (a body over the limit is a 413 before it is read here).
 */
export function restInputGuard(): MiddlewareHandler {
  return async (c, next) => {
    assertCleanQuery(c.req.url);
    const req = c.req.raw;
    if (WITH_BODY.has(req.method) && req.body !== null) {
      const text = await c.req.text();
      if (text.length > 0) {
        const type = c.req.header('content-type') ?? '';
        if (!JSON_TYPE.test(type)) {
          throw new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            `content-type: a body is sent as application/json${type ? `, not ${type.split(';')[0]}` : ''}`,
            { field: 'content-type' },
          );
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new AppError('BAD_INPUT', 'body: malformed JSON', { field: 'body' });
        }
        assertCleanInput(parsed);
      }
    }
    await next();
  };
}
