import { describe, expect, it } from 'vitest';
import { assertCleanQuery, findHostileText } from './input-guard.ts';

describe('findHostileText', () => {
  it('names the first NUL or unpaired surrogate, in keys and values, at any depth', () => {
    expect(findHostileText({ a: 'ok', b: { c: ['x', 'y\u0000'] } })).toMatchObject({ field: 'b.c.1' });
    expect(findHostileText({ name: 'a\uD800b' })).toMatchObject({ field: 'name' });
    expect(findHostileText({ name: 'a\uDC00' })).toMatchObject({ field: 'name' });
    expect(findHostileText({ ['k\u0000']: 1 })).toMatchObject({ field: 'k?' });
    expect(findHostileText('\u0000')).toMatchObject({ field: '' });
  });

  it('lets real text through, astral characters (a surrogate pair) included', () => {
    expect(findHostileText({ body: 'Épanchement 😀 — ok\n\t', n: 1, b: true, z: null })).toBeNull();
  });
});

describe('assertCleanQuery', () => {
  const refusal = (url: string) => {
    try {
      assertCleanQuery(url);
      return null;
    } catch (e) {
      return (e as { field: string }).field;
    }
  };
  it('names the parameter of a NUL, a surrogate or bytes that are not UTF-8', () => {
    expect(refusal('http://x/p?name=a%00b')).toBe('name');
    expect(refusal('http://x/p?a=1&name=%ED%A0%80')).toBe('name');
    expect(refusal('http://x/p?name=%FF')).toBe('name');
    expect(refusal('http://x/p?name=%C3%89lodie&x=%F0%9F%98%80')).toBeNull();
    expect(refusal('http://x/p')).toBeNull();
  });
});
