// Signing in at the emulator without a browser: open the authorize URL, read the sign-in form
// (its hidden fields carry the request), press the chosen person's button (or Decline), and hand
// back the emulator's answer to the application: for query/fragment, the redirect's Location.
import { formBody, httpsRequest, type HttpsAnswer } from './https-request.ts';

/** Who presses which button: a person by object id or username, or Decline. */
export type SignInChoice = { objectId: string } | { username: string } | 'decline';

export interface EmulatorSignInOptions {
  caCertificatePem: string;
  /**
   * The browser's emulator cookies (the sign-in session), sent with each request and updated from
   * the answers. Pass the same object to later calls to sign in with prompt=none.
   */
  session?: { cookie?: string };
}

export interface SignInForm {
  action: string;
  hidden: Record<string, string>;
  /** The people's buttons: object id and username. */
  people: { objectId: string; username: string }[];
}

/** Signs in and returns the redirect Location the emulator sends back to the application. */
export async function signInThroughEmulator(
  authorizeUrl: string,
  who: SignInChoice,
  options: EmulatorSignInOptions,
): Promise<string> {
  const answer = await submitSignIn(authorizeUrl, who, options);
  const location = answer.headers.location;
  if (answer.status !== 302 || !location)
    throw new Error(`expected a redirect to the application, got HTTP ${answer.status}: ${pageText(answer.body)}`);
  return location;
}

/** The same, returning the raw answer (a redirect, the form_post page, or an error page). */
export async function submitSignIn(
  authorizeUrl: string,
  who: SignInChoice,
  options: EmulatorSignInOptions,
): Promise<HttpsAnswer> {
  const page = await send(authorizeUrl, options);
  const form = readSignInForm(page.body);
  if (page.status !== 200 || !form) return page;
  const choice: Record<string, string> = who === 'decline' ? { decline: '1' } : { person: chooseButton(form, who) };
  return send(new URL(form.action, authorizeUrl).href, options, formBody({ ...form.hidden, ...choice }));
}

async function send(url: string, options: EmulatorSignInOptions, body?: string): Promise<HttpsAnswer> {
  const answer = await httpsRequest(url, {
    method: body === undefined ? 'GET' : 'POST',
    caCertificatePem: options.caCertificatePem,
    headers: {
      ...(options.session?.cookie ? { cookie: options.session.cookie } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...(body === undefined ? {} : { body }),
  });
  if (options.session) {
    for (const line of answer.setCookies) {
      const [pair] = line.split(';');
      const [name] = (pair ?? '').split('=');
      const others = (options.session.cookie ?? '')
        .split('; ')
        .filter((cookie) => cookie && !cookie.startsWith(`${name}=`));
      options.session.cookie = (/max-age=0/i.test(line) ? others : [...others, pair]).join('; ');
    }
  }
  return answer;
}

function chooseButton(form: SignInForm, who: { objectId: string } | { username: string }): string {
  const person = form.people.find((candidate) =>
    'objectId' in who
      ? candidate.objectId === who.objectId
      : candidate.username.toLowerCase() === who.username.toLowerCase(),
  );
  if (!person) throw new Error(`the sign-in page offers no button for ${JSON.stringify(who)}`);
  return person.objectId;
}

const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Reads the emulator's sign-in form; undefined when the page has none (an error page). */
export function readSignInForm(html: string): SignInForm | undefined {
  const form = /<form method="post" action="([^"]*)">([\s\S]*?)<\/form>/.exec(html);
  if (!form) return undefined;
  const inner = form[2]!;
  const hidden: Record<string, string> = {};
  for (const input of inner.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    hidden[decode(input[1]!)] = decode(input[2]!);
  const people = [
    ...inner.matchAll(
      /<button type="submit" name="person" value="([^"]*)"[^>]*>[\s\S]*?<span class="username">([^<]*)<\/span>[\s\S]*?<\/button>/g,
    ),
  ].map((button) => ({ objectId: decode(button[1]!), username: decode(button[2]!) }));
  return { action: decode(form[1]!), hidden, people };
}

function pageText(html: string): string {
  return decode(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}
