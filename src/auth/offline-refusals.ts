// Why the identity platform refused a background job's refresh token, in words for the person:
// by the AADSTS number its error carries (Microsoft's AADSTS reference).

const WORDS: Record<string, string> = {
  '50173':
    'Your sign-ins were revoked or your password changed, so PAT Manager can no longer act for you while you are away.',
  '700082': 'PAT Manager’s access expired after 90 days without use.',
  '50057': 'Your account is disabled.',
  '65001': 'You withdrew your consent for PAT Manager.',
  '50076': 'Your organization now asks for multi-factor authentication again.',
};

const AGAIN = ' Sign in and turn automatic rotation on again.';

export function offlineRefusalWords(errorMessage: string): string {
  const code = /AADSTS(\d+)/.exec(errorMessage)?.[1];
  const words = (code && WORDS[code]) ?? 'The Microsoft identity platform refused PAT Manager’s offline access.';
  return `${words}${AGAIN}${code ? ` (AADSTS${code})` : ''}`;
}
