import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './return-path.ts';

describe('the path to go back to after signing in', () => {
  it('keeps a path of the portal', () => {
    expect(safeReturnPath('/invitation/abc_DEF-123')).toBe('/invitation/abc_DEF-123');
    expect(safeReturnPath('/t/imagerie-demo/equipe?x=1')).toBe('/t/imagerie-demo/equipe?x=1');
  });
  it('refuses another site, a scheme, backslashes and control characters', () => {
    for (const bad of [
      '',
      null,
      undefined,
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      '/\\/evil.example',
      'javascript:alert(1)',
      '/a\nb',
      '/a\tb',
      'invitation/abc',
    ]) {
      expect(safeReturnPath(bad)).toBeNull();
    }
  });
});
