// Pages escape through escapeHtml (view-engine.ts), a faster stand-in for EJS's own escapeXML: it
// must give exactly what EJS gives, for every kind of value a template prints.
import ejs from 'ejs';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/web/view-engine.ts';

const VALUES: unknown[] = [
  '',
  'Build pipeline',
  `<script>alert("x")</script>`,
  `a & b's "c" > d < e`,
  '&amp; already escaped',
  'ünïcödé ✓ <b>',
  0,
  42,
  -1.5,
  Number.NaN,
  true,
  false,
  null,
  undefined,
  ['<a>', 'b'],
  { toString: () => '<object>' },
  new Date(0),
];

describe('escapeHtml', () => {
  it.each(VALUES.map((value) => [String(value), value]))('escapes %s exactly as EJS does', (_name, value) => {
    expect(escapeHtml(value)).toBe(ejs.escapeXML(value as string));
  });

  it('escapes every character that can break out of text or an attribute', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&#34;&#39;');
  });
});
