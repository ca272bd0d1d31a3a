// The Notifications form: the days before expiry (1 to 60, comma-separated, at most five), whether
// to be told when an automatic rotation needs you, mail on or off, and a webhook (its address,
// checked against WEBHOOK_HOSTS; left empty, the one kept stays; "remove" forgets it).
import { parseWebhookAddress } from '../../notifications/webhook-address.ts';

interface NotificationsFormValues {
  thresholds: string;
  onAutomationNeedsYou: boolean;
  mail: boolean;
  webhookUrl: string;
  webhookFormat: string;
  removeWebhook: boolean;
}

interface ParsedNotifications {
  thresholds: number[];
  onAutomationNeedsYou: boolean;
  mail: boolean;
  webhook: { url: string; host: string; format: 'teams' | 'slack' } | 'keep' | undefined;
}

export type NotificationsForm =
  | { ok: true; settings: ParsedNotifications }
  | {
      ok: false;
      values: NotificationsFormValues;
      errors: Partial<Record<'thresholds' | 'webhookUrl' | 'channels', string>>;
    };

const MAX_THRESHOLDS = 5;
const text = (value: unknown) => (typeof value === 'string' ? value : '');

export function parseNotificationsForm(
  body: Record<string, unknown>,
  options: { webhookHosts: readonly string[]; hasWebhook: boolean },
): NotificationsForm {
  const values: NotificationsFormValues = {
    thresholds: text(body.thresholds).trim(),
    onAutomationNeedsYou: body.onAutomationNeedsYou === 'on',
    mail: body.mail === 'on',
    webhookUrl: text(body.webhookUrl).trim(),
    webhookFormat: text(body.webhookFormat),
    removeWebhook: body.removeWebhook === 'on',
  };
  const errors: Partial<Record<'thresholds' | 'webhookUrl' | 'channels', string>> = {};
  const parts = values.thresholds
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const thresholds = [...new Set(parts.map((part) => (/^\d{1,2}$/.test(part) ? Number(part) : NaN)))].sort(
    (a, b) => b - a,
  );
  if (
    parts.length === 0 ||
    parts.length > 200 ||
    thresholds.some((days) => !Number.isInteger(days) || days < 1 || days > 60)
  )
    errors.thresholds = 'Give the days before expiry as whole numbers from 1 to 60, separated by commas, e.g. 14, 3.';
  else if (thresholds.length > MAX_THRESHOLDS) errors.thresholds = `Give at most ${MAX_THRESHOLDS} numbers of days.`;
  let webhook: ParsedNotifications['webhook'];
  if (values.webhookUrl) {
    const parsed = parseWebhookAddress(values.webhookUrl, options.webhookHosts);
    if (!parsed.ok) errors.webhookUrl = parsed.message;
    else if (values.webhookFormat !== 'teams' && values.webhookFormat !== 'slack')
      errors.webhookUrl = 'Choose what the webhook is: Teams (Workflows) or Slack-compatible.';
    else webhook = { url: parsed.url, host: parsed.host, format: values.webhookFormat };
  } else if (options.hasWebhook && !values.removeWebhook) webhook = 'keep';
  if (!values.mail && !webhook && !errors.webhookUrl)
    errors.channels = 'Choose at least one way to be told: mail, or a webhook.';
  return Object.keys(errors).length > 0
    ? { ok: false, values, errors }
    : {
        ok: true,
        settings: { thresholds, onAutomationNeedsYou: values.onAutomationNeedsYou, mail: values.mail, webhook },
      };
}
