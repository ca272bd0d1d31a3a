// Signing people in through the real flow, as a browser does, without a browser: the app's /login,
// the emulator's authorize endpoint (the person's button), the app's /getAToken. What comes back
// is the session cookie the app set at the end. The sign-in in progress travels in a cookie of its
// own between /login and /getAToken (in the session cookie, for checkouts older than that cookie,
// so that bench/versus.ts can sign in to them too).
import { createHttpClient, form, setCookie, type HttpClient } from './http-client.ts';

const SESSION_COOKIE = 'patmanager.sid';
const SIGN_IN_COOKIE = 'patmanager.signin';

/**
 * `start`: where the sign-in begins (`/login`, or a consent sign-in such as `/audit/consent`, which
 * needs the signed-in session's `cookie`).
 */
export async function signIn(
  client: HttpClient,
  appUrl: string,
  objectId: string,
  { start = '/login', cookie }: { start?: string; cookie?: string } = {},
): Promise<string> {
  const login = await client.send('GET', `${appUrl}${start}`, cookie ? { headers: { cookie } } : undefined);
  const started = setCookie(login.headers, SIGN_IN_COOKIE) ?? setCookie(login.headers, SESSION_COOKIE);
  if (login.status !== 303 || !started || !login.headers.location) throw new Error(`${start} answered ${login.status}`);
  const authorize = new URL(login.headers.location);
  const reply = await client.send('POST', `${authorize.origin}${authorize.pathname}`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ ...Object.fromEntries(authorize.searchParams), person: objectId }),
  });
  if (reply.status !== 302 || !reply.headers.location)
    throw new Error(`the emulator's authorize answered ${reply.status}`);
  const back = await client.send('GET', reply.headers.location, {
    headers: { cookie: [cookie, started].filter(Boolean).join('; ') },
  });
  const session = setCookie(back.headers, SESSION_COOKIE);
  if (back.status !== 303 || !session) throw new Error(`/getAToken answered ${back.status}`);
  return session;
}

/** Signs `count` sessions in, `concurrency` at a time; `progress` hears how many are done. */
export async function signInMany(options: {
  appUrl: string;
  ca: string;
  objectId: string;
  count: number;
  concurrency: number;
  progress?: (done: number) => Promise<void> | void;
}): Promise<string[]> {
  const client = createHttpClient({ ca: options.ca, maxSockets: options.concurrency });
  const cookies: string[] = [];
  let started = 0;
  const worker = async () => {
    while (started < options.count) {
      started += 1;
      cookies.push(await signIn(client, options.appUrl, options.objectId));
      await options.progress?.(cookies.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    client.close();
  }
  return cookies;
}
