import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/auth/return-to.ts';

const base = new URL('https://pat.example.com');

describe('safeReturnTo', () => {
  it.each([
    ['/tokens?filter=expired&page=2', '/tokens?filter=expired&page=2'],
    ['/tokens/abc', '/tokens/abc'],
    ['/', '/'],
  ])('keeps a path on this site: %s', (input, expected) => {
    expect(safeReturnTo(input, base)).toBe(expected);
  });

  it.each([
    '//evil.example', '//evil.example/path', 'https://evil.example', 'http://evil.example/', '/\\evil.example', '\\\\evil.example',
    '/%5Cevil.example/..', 'javascript:alert(1)', 'evil.example', '/\t/evil.example', '/\n/evil.example', '%2F%2Fevil.example',
    '/login', '/getAToken?code=x', '/logout', '', undefined, 42, ['/'], '/'.padEnd(3000, 'a'),
  ])('falls back to the home page for %j', (input) => {
    expect(safeReturnTo(input, base)).toBe('/');
  });
});
