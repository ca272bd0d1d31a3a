// EJS as Express's view engine, with includes written from the views folder (`/partials/...`):
// EJS then joins the path, where a relative include makes it check the file system on every
// include of every render (a fifth of the token list page's CPU, measured by npm run bench).
import ejs from 'ejs';

type RenderCallback = (error: Error | null, html?: string) => void;

export function viewEngine(viewsDir: string, cache: boolean) {
  return (file: string, data: object, done: RenderCallback): void => {
    ejs.renderFile(file, data as ejs.Data, { root: viewsDir, views: [viewsDir], cache }, (error, html) => done(error ?? null, html));
  };
}
