// A small browser for tests: a cookie jar, redirects followed across the app and the emulator, and
// forms read from the HTML it gets, over real HTTP(S). It trusts the emulator's CA only.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { CookieJar } from 'tough-cookie';

export interface Page {
  url: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Every URL visited on the way, redirects included. */
  trail: string[];
}

export class TestBrowser {
  readonly jar = new CookieJar();
  private readonly http: AxiosInstance;

  constructor(caCertificatePem: string) {
    this.http = axios.create({
      httpAgent: new HttpAgent({ keepAlive: false }),
      httpsAgent: new HttpsAgent({ ca: caCertificatePem, keepAlive: false }),
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: (body: unknown) => body,
      timeout: 15_000,
    });
  }

  async get(url: string, options: { follow?: boolean } = {}): Promise<Page> {
    return this.request('GET', url, undefined, options.follow ?? true);
  }

  /** `referer`: the page the form was on, as a browser sends it (same-origin); the URL posted to otherwise. */
  async post(
    url: string,
    form: Record<string, string | string[]>,
    options: { follow?: boolean; referer?: string } = {},
  ): Promise<Page> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) for (const item of [value].flat()) body.append(name, item);
    return this.request('POST', url, body.toString(), options.follow ?? true, options.referer);
  }

  /** Submits the form whose action ends with `action` on a page, with its hidden fields plus `fields`. */
  async submit(
    page: Page,
    action: string,
    fields: Record<string, string | string[]> = {},
    options: { follow?: boolean } = {},
  ): Promise<Page> {
    const form = findForm(page.body, action);
    if (!form) throw new Error(`no form with action ${action} on ${page.url}`);
    const posted = new URL(form.action, page.url);
    // A browser names the form's page as the referrer, when it is of the same origin (Referrer-Policy: same-origin).
    const referer = new URL(page.url).origin === posted.origin ? page.url : undefined;
    return this.post(posted.href, { ...form.hidden, ...fields }, { ...options, ...(referer ? { referer } : {}) });
  }

  async cookie(url: string, name: string): Promise<string | undefined> {
    return (await this.jar.getCookies(url)).find((cookie) => cookie.key === name)?.value;
  }

  private async request(
    method: 'GET' | 'POST',
    url: string,
    body: string | undefined,
    follow: boolean,
    referer?: string,
  ): Promise<Page> {
    const trail: string[] = [];
    let current = { method, url, body };
    for (let hop = 0; hop < 10; hop++) {
      trail.push(current.url);
      const cookie = await this.jar.getCookieString(current.url);
      const response = await this.http.request<string>({
        method: current.method,
        url: current.url,
        data: current.body,
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(current.body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...(current.method === 'POST' ? { referer: referer ?? current.url } : {}),
        },
      });
      for (const setCookie of [response.headers['set-cookie'] ?? []].flat()) {
        await this.jar.setCookie(setCookie, current.url, { ignoreError: true });
      }
      const headers = Object.fromEntries(
        Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
      const location = headers.location;
      if (!follow || !location || response.status < 300 || response.status >= 400) {
        return { url: current.url, status: response.status, headers, body: response.data, trail };
      }
      current = { method: 'GET', url: new URL(location, current.url).href, body: undefined };
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The first form whose action ends with `action`, with its hidden inputs. */
function findForm(
  html: string,
  action: string,
): { action: string; hidden: Record<string, string | string[]> } | undefined {
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const formAction = decode(/\baction="([^"]*)"/i.exec(match[1]!)?.[1] ?? '');
    if (!formAction.split('?')[0]!.endsWith(action) && formAction !== action) continue;
    const hidden: Record<string, string | string[]> = {};
    for (const input of match[2]!.matchAll(/<input\b[^>]*>/gi)) {
      const tag = input[0];
      if (!/type="hidden"/i.test(tag)) continue;
      const name = /\bname="([^"]*)"/i.exec(tag)?.[1];
      if (!name) continue;
      const value = decode(/\bvalue="([^"]*)"/i.exec(tag)?.[1] ?? '');
      const key = decode(name);
      const previous = hidden[key];
      // Repeated names (a list of ids) are sent as repeated fields, as a browser does.
      hidden[key] = previous === undefined ? value : [previous, value].flat();
    }
    return { action: formAction, hidden };
  }
  return undefined;
}
