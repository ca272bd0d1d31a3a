// Where to send a person after sign-in. Only a path on this site is accepted: anything that a
// browser could read as another host (`//evil`, `/\evil`, `https://evil`, encoded or with control
// characters) falls back to the home page. That closes the open redirect a return URL invites.
const HOME = '/';
const MAX_LENGTH = 2048;

export function safeReturnTo(candidate: unknown, baseUrl: URL): string {
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > MAX_LENGTH) return HOME;
  // Browsers treat a backslash like a slash and drop tabs and newlines inside URLs.
  if (!candidate.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(candidate)) return HOME;
  if (candidate.startsWith('//')) return HOME;
  // Some proxies and frameworks decode once more; refuse what would be off-site after that too.
  let decoded: string;
  try {
    decoded = decodeURIComponent(candidate);
  } catch {
    return HOME;
  }
  if (/^\/[\\/]/.test(decoded) || /[\u0000-\u001f\u007f]/.test(decoded)) return HOME;
  let resolved: URL;
  try {
    resolved = new URL(candidate, baseUrl);
  } catch {
    return HOME;
  }
  if (resolved.origin !== baseUrl.origin) return HOME;
  // Never send anyone back into the sign-in machinery itself.
  if (['/login', '/getAToken', '/logout'].includes(resolved.pathname)) return HOME;
  return `${resolved.pathname}${resolved.search}`;
}
