// EJS as Express's view engine, with includes written from the views folder (`/partials/...`):
// EJS then joins the path, where a relative include makes it check the file system on every
// include of every render (a fifth of the token list page's CPU, measured by npm run bench).
//
// Templates also get `fragment(name, locals)`: a small template rendered with only the locals it is
// passed, compiled once. An `include` copies every local of the page (and its own options) each
// time, which for a few cells on every row of a table was a third of the list page's rendering.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ejs from 'ejs';

type RenderCallback = (error: Error | null, html?: string) => void;

export function viewEngine(viewsDir: string, cache: boolean) {
  const options = { root: viewsDir, views: [viewsDir], cache };
  const fragments = new Map<string, ejs.TemplateFunction>();

  function fragment(name: string, locals: ejs.Data): string {
    let template = cache ? fragments.get(name) : undefined;
    if (!template) {
      const filename = join(viewsDir, `${name}.ejs`);
      template = ejs.compile(readFileSync(filename, 'utf8'), { ...options, filename, cache: false });
      if (cache) fragments.set(name, template);
    }
    return template(locals);
  }

  return (file: string, data: object, done: RenderCallback): void => {
    ejs.renderFile(file, { ...data, fragment }, options, (error, html) => done(error ?? null, html));
  };
}
