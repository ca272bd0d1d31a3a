// Sending one message through one of a person's channels while nobody is signed in: mail with a
// Graph token from their offline access, or a POST to their webhook (its address opened from its
// seal). A failure is the reason in words, returned, never thrown: the caller decides what to retry.
import { OfflineAccessRefusedError, type AuthService } from '../auth/auth-service.ts';
import type { Sealer } from '../storage/sealing.ts';
import type { Channel } from './deliveries.ts';
import { webhookContext, type NotificationSettings } from './notification-settings.ts';
import type { ReminderMessage } from './reminder-message.ts';
import { NotDeliveredError, type Senders } from './senders.ts';

/** Microsoft Graph's delegated permission to send mail as the person. */
export const MAIL_SEND_SCOPE = 'https://graph.microsoft.com/Mail.Send';

export async function sendThrough(
  deps: { auth: AuthService; senders: Senders; sealer: Sealer },
  chosen: NotificationSettings,
  channel: Channel,
  message: ReminderMessage,
): Promise<NotDeliveredError | undefined> {
  const person = chosen.account.homeAccountId;
  try {
    if (channel === 'mail') {
      const { token } = await deps.auth.acquireOffline(chosen.account, [MAIL_SEND_SCOPE]);
      await deps.senders.mail(token, { to: chosen.account.username, subject: message.subject, html: message.html });
    } else {
      const opened = chosen.webhook && deps.sealer.open(chosen.webhook.sealedUrl, webhookContext(person));
      if (!opened?.ok)
        throw new NotDeliveredError(
          'Webhook',
          'the webhook address PAT Manager kept could not be opened; give it again',
        );
      await deps.senders.webhook(opened.plaintext, chosen.webhook!.format === 'slack' ? message.slack : message.teams);
    }
    return undefined;
  } catch (error) {
    if (error instanceof NotDeliveredError) return error;
    if (error instanceof OfflineAccessRefusedError)
      return new NotDeliveredError(channel === 'mail' ? 'Microsoft Graph' : 'Webhook', error.userMessage);
    throw error;
  }
}
