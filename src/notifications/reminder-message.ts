// One reminder, said four ways: a mail subject, its HTML body (every value escaped), a Teams
// Workflows message (an Adaptive Card) and a Slack-compatible `{ text }`. It names tokens, their
// organization and expiry and links to each token's page (where it is extended, renewed or
// rotated); it never holds a secret.
import ejs from 'ejs';
import { formatDate } from '../days.ts';

export type ReminderItem =
  | {
      kind: 'expiring';
      tokenName: string;
      organization: string;
      validTo: Date;
      /** The token rotates itself, but its last rotation failed (else it would not be listed). */
      rotationFailed: boolean;
      href: string;
    }
  | { kind: 'needsYou'; tokenName: string; organization: string; problem: string; href: string };

export interface ReminderMessage {
  subject: string;
  lines: string[];
  html: string;
  teams: unknown;
  slack: { text: string };
}

function lineOf(item: ReminderItem, now: Date): string {
  if (item.kind === 'needsYou')
    return `The automatic rotation of "${item.tokenName}" (${item.organization}) needs you: ${item.problem}`;
  const days = Math.max(0, Math.ceil((item.validTo.getTime() - now.getTime()) / 86_400_000));
  const when = days <= 1 ? 'tomorrow or sooner' : `in ${days} days`;
  return `"${item.tokenName}" (${item.organization}) expires on ${formatDate(item.validTo)}, ${when}${item.rotationFailed ? '; its automatic rotation failed' : ''}.`;
}

export function reminderMessage(items: readonly ReminderItem[], now: Date, settingsUrl: string): ReminderMessage {
  const expiring = items.filter((item) => item.kind === 'expiring').length;
  const needing = items.length - expiring;
  const subject = [
    expiring > 0 ? `${expiring} personal access token${expiring === 1 ? '' : 's'} expire soon` : '',
    needing > 0 ? `${needing} automatic rotation${needing === 1 ? ' needs' : 's need'} you` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return composeMessage(
    subject,
    items.map((item) => ({ line: lineOf(item, now), href: item.href, title: item.tokenName })),
    settingsUrl,
  );
}

/** A message of lines, each with a link, said for mail, Teams and Slack alike. */
export function composeMessage(
  subject: string,
  entries: ReadonlyArray<{ line: string; href: string; title: string }>,
  settingsUrl: string,
): ReminderMessage {
  const lines = entries.map((entry) => entry.line);
  const escape = ejs.escapeXML;
  const html = [
    '<p>PAT Manager:</p>',
    '<ul>',
    ...entries.map((entry) => `<li>${escape(entry.line)} <a href="${escape(entry.href)}">Open it</a></li>`),
    '</ul>',
    `<p>Change what you are told, or stop it: <a href="${escape(settingsUrl)}">${escape(settingsUrl)}</a></p>`,
  ].join('\n');
  const teams = {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: `PAT Manager: ${subject}`, wrap: true },
            ...lines.map((line) => ({ type: 'TextBlock', text: line, wrap: true })),
          ],
          actions: entries
            .slice(0, 5)
            .map((entry) => ({ type: 'Action.OpenUrl', title: `Open ${entry.title}`, url: entry.href })),
        },
      },
    ],
  };
  const slack = {
    text: [`PAT Manager: ${subject}`, ...entries.map((entry) => `• ${entry.line} <${entry.href}|Open it>`)].join('\n'),
  };
  return { subject: `PAT Manager: ${subject}`, lines, html, teams, slack };
}
