// HTML for the emulator's pages: a tagged template that escapes every interpolated value unless it
// is already HTML, and one page layout served with a strict Content-Security-Policy (no script).
import type { Response } from 'express';

export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  return new SafeHtml(
    strings.reduce((out, text, index) => out + text + (index < values.length ? render(values[index]) : ''), ''),
  );
}

const PAGE_TITLE = 'Local Microsoft identity platform emulator — demo people, fake data';
export const STYLESHEET_PATH = '/emulator-assets/emulator.css';

export function sendPage(
  res: Response,
  page: { status?: number; heading: string; body: SafeHtml; formTargets?: string[] },
): void {
  const formAction = ["'self'", ...(page.formTargets ?? [])].join(' ');
  res
    .status(page.status ?? 200)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'self'; form-action ${formAction}; base-uri 'none'; frame-ancestors 'none'`,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    })
    .send(
      html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.heading} · ${PAGE_TITLE}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header><p class="banner">${PAGE_TITLE}. This is not Microsoft: nothing here is real.</p></header>
<main>
<h1>${page.heading}</h1>
${page.body}
</main>
</body>
</html>
`.value,
    );
}

export const STYLESHEET = `body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#f3f2f1}
header .banner{margin:0;padding:.5rem 1rem;background:#fff4ce;border-bottom:1px solid #c8a600}
main{max-width:34rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border:1px solid #d0d0d0}
h1{font-size:1.5rem}
ul.people{list-style:none;padding:0}
ul.people li{margin:.5rem 0}
button{font:inherit;width:100%;text-align:left;padding:.75rem;border:1px solid #8a8886;background:#fff;cursor:pointer}
button:hover,button:focus{background:#edebe9;outline:2px solid #0067b8}
button .username{display:block;color:#505050;font-size:.9rem}
button .role{display:block;color:#303030;font-size:.9rem;font-weight:normal;margin-top:.2rem}
button.secondary{text-align:center;margin-top:1rem}
fieldset{border:0;padding:0;margin:0}
legend{font-weight:600;margin-bottom:.5rem}
code{word-break:break-all}
.details{color:#505050;font-size:.85rem}
label{display:block;font-weight:600;margin-bottom:.25rem}
input{font:inherit;width:100%;box-sizing:border-box;padding:.6rem;margin-bottom:1rem;border:1px solid #8a8886}
input:focus{outline:2px solid #0067b8}
`;
