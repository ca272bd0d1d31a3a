// Where to send a person after sign-in (or after consent, an organization switch, an extend). Only
// a path on this site is accepted. The check is made on what will actually be sent: the address is
// first resolved against the base URL exactly as it will be written into `Location` (dot segments
// removed, percent-encoding normalised), and then that result must be on this origin, must not
// start with `//` (a browser reads it as another host) and must hold no backslash (browsers treat it
// as a slash). Checking the raw input alone let `/..//evil.example` resolve to `//evil.example`.
const HOME = '/';
const MAX_LENGTH = 2048;
/** Control characters: browsers drop tabs and newlines inside URLs, which can join `/` and `/`. */
const CONTROL = /[\u0000-\u001f\u007f]/;

function decodedOrUndefined(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** A path is off-site or ambiguous when it (or its once-decoded form, for proxies that decode) could name another host. */
function namesAnotherHost(path: string): boolean {
  const decoded = decodedOrUndefined(path);
  if (decoded === undefined) return true;
  return [path, decoded].some(
    (form) => form.startsWith('//') || form.includes('\\') || CONTROL.test(form) || resolvesToAnotherHost(form),
  );
}

/** Dot segments removed, as a browser (or a proxy that decoded first) would: `/..//x` becomes `//x`. */
function resolvesToAnotherHost(form: string): boolean {
  try {
    return new URL(form, 'https://resolution.invalid').pathname.startsWith('//');
  } catch {
    return true;
  }
}

export function safeReturnTo(candidate: unknown, baseUrl: URL): string {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > MAX_LENGTH) return HOME;
  if (!candidate.startsWith('/') || namesAnotherHost(candidate)) return HOME;
  let resolved: URL;
  try {
    resolved = new URL(candidate, baseUrl);
  } catch {
    return HOME;
  }
  if (resolved.origin !== baseUrl.origin) return HOME;
  const sent = `${resolved.pathname}${resolved.search}`;
  // What resolution made of it is what the browser will follow: check that again.
  if (!sent.startsWith('/') || namesAnotherHost(resolved.pathname)) return HOME;
  // Never send anyone back into the sign-in machinery itself.
  if (['/login', '/getAToken', '/logout'].includes(resolved.pathname)) return HOME;
  return sent;
}
