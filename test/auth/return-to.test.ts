import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/auth/return-to.ts';

const base = new URL('https://pat.example.com');

describe('safeReturnTo', () => {
  it.each([
    ['/tokens?filter=expired&page=2', '/tokens?filter=expired&page=2'],
    ['/tokens/abc', '/tokens/abc'],
    ['/', '/'],
    ['/tokens/./abc', '/tokens/abc'],
    ['/tokens/x/../abc', '/tokens/abc'],
    ['/all?next=//elsewhere', '/all?next=//elsewhere'],
  ])('keeps a path on this site (as it will be sent): %s', (input, expected) => {
    expect(safeReturnTo(input, base)).toBe(expected);
  });

  it.each([
    '//evil.example',
    '//evil.example/path',
    'https://evil.example',
    'http://evil.example/',
    '/\\evil.example',
    '\\\\evil.example',
    '/%5Cevil.example/..',
    'javascript:alert(1)',
    'evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '%2F%2Fevil.example',
    '/login',
    '/getAToken?code=x',
    '/logout',
    '',
    undefined,
    42,
    ['/'],
    '/'.padEnd(3000, 'a'),
  ])('falls back to the home page for %j', (input) => {
    expect(safeReturnTo(input, base)).toBe('/');
  });

  // Forms that look like a path on this site until dot segments are removed or encoding is undone.
  it.each([
    ['dot segment then //', '/..//evil.example/phish'],
    ['dot segments climbing above the root', '/../..//evil.example'],
    ['single dot then //', '/.//evil.example'],
    ['encoded dot segment', '/%2e%2e//evil.example'],
    ['encoded dot segment, mixed case', '/%2E%2e//evil.example'],
    ['half-encoded dots', '/.%2e//evil.example'],
    ['dot segment then encoded slash', '/..%2F/evil.example'],
    ['dot segment then encoded slashes', '/../%2F%2Fevil.example'],
    ['deeper dot segments', '/a/b/../../..//evil.example'],
    ['dot segment then backslash', '/../\\evil.example'],
    ['dot segment then encoded backslash', '/../%5Cevil.example'],
    ['dot segment then tab between slashes', '/../\t/evil.example'],
    ['encoded tab between slashes', '/%09/evil.example'],
    ['dot segment to the sign-in route', '/tokens/../login'],
    ['encoded dot segment to the callback', '/x/%2e%2e/getAToken?code=x'],
  ])('falls back to the home page for a hostile form (%s): %j', (_what, input) => {
    expect(safeReturnTo(input, base)).toBe('/');
  });
});
