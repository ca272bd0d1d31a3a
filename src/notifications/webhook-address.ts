// Which webhook addresses a person may give: https, no port, no user or password, on a host that
// WEBHOOK_HOSTS allows (a host exactly, or under a suffix that starts with a dot). Anything else
// is refused on the form, so reminders are only ever posted to Teams' or Slack's own hosts.

export type ParsedWebhookAddress = { ok: true; url: string; host: string } | { ok: false; message: string };

const MAX_LENGTH = 2048;

export function parseWebhookAddress(input: string, allowedHosts: readonly string[]): ParsedWebhookAddress {
  const allowed = `a webhook address of ${allowedHosts.join(', ')}`;
  const trimmed = input.trim();
  if (trimmed.length === 0) return { ok: false, message: 'Enter the webhook address Teams or Slack gave you.' };
  if (trimmed.length > MAX_LENGTH)
    return { ok: false, message: `A webhook address is at most ${MAX_LENGTH} characters.` };
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, message: `Enter ${allowed}, starting with https://.` };
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port)
    return { ok: false, message: `Enter ${allowed}: https, with no port, user or password.` };
  const host = url.hostname.toLowerCase();
  const permitted = allowedHosts.some((entry) =>
    entry.startsWith('.') ? host.endsWith(entry) && host.length > entry.length : host === entry,
  );
  if (!permitted) return { ok: false, message: `PAT Manager only posts to ${allowed}; ${host} is not one of them.` };
  return { ok: true, url: url.href, host };
}
