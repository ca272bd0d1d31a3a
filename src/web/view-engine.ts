// EJS as Express's view engine, with includes written from the views folder (`/partials/...`):
// EJS then joins the path, where a relative include makes it check the file system on every
// include of every render (a fifth of the token list page's CPU, measured by npm run bench).
//
// Templates also get `fragment(name, locals)`, for what repeats (a table, a cell of every row): a
// template given only the locals it is passed, as plain variables. An `include` copies every local
// of the page (and its own options) each time, and EJS reads a page's locals through a `with`
// block, which V8 cannot optimize; a fragment is compiled once per set of names it is given,
// without `with`. Each took about a third of the token list's rendering (measured, same HTML).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';

type RenderCallback = (error: Error | null, html?: string) => void;
type Fragment = (name: string, locals: Record<string, unknown>) => string;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const NEEDS_ESCAPING = /[&<>"']/;
const TO_ESCAPE = /[&<>"']/g;

/**
 * EJS's own escaping, character for character, but most values (names, dates, ids) have nothing to
 * escape: a test first makes those about twice as fast, and a page escapes hundreds of them.
 */
export function escapeHtml(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return NEEDS_ESCAPING.test(text) ? text.replace(TO_ESCAPE, (character) => HTML_ESCAPES[character]!) : text;
}

export function viewEngine(viewsDir: string, cache: boolean) {
  const options = { root: viewsDir, views: [viewsDir], cache, escape: escapeHtml };
  const fragments = new Map<string, ejs.TemplateFunction>();

  const fragment: Fragment = (name, locals) => {
    const names = Object.keys(locals);
    const key = `${name}(${names.join(',')})`;
    let template = cache ? fragments.get(key) : undefined;
    if (!template) {
      const filename = join(viewsDir, `${name}.ejs`);
      // A fragment may use what it is passed, `locals`, and `fragment` for fragments of its own.
      template = ejs.compile(readFileSync(filename, 'utf8'), {
        ...options,
        filename,
        cache: false,
        _with: false,
        destructuredLocals: [...names, 'fragment'],
      });
      if (cache) fragments.set(key, template);
    }
    return template({ ...locals, fragment });
  };

  return (file: string, data: object, done: RenderCallback): void => {
    ejs.renderFile(file, { ...data, fragment }, options, (error, html) => done(error ?? null, html));
  };
}
