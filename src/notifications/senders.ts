// Where a reminder goes: a mail through Microsoft Graph (`POST /me/sendMail`, as the person, with
// their delegated Mail.Send), or a POST of JSON to their webhook. Upstream calls have timeouts and
// follow no redirect; a failure becomes NotDeliveredError with the reason in words (never the
// webhook's address: it is a credential) and whether trying again may help.
import type { Agent } from 'node:https';
import axios from 'axios';
import { AppError, type ServiceName } from '../errors.ts';
import { parseRetryAfter } from '../devops/retry-after.ts';

export class NotDeliveredError extends AppError {
  override name = 'NotDeliveredError';
  readonly service: ServiceName;
  readonly retryAfterMs: number;
  constructor(service: 'Microsoft Graph' | 'Webhook', reason: string, retryAfterMs = 0) {
    super({ pageStatus: 502, title: 'Not delivered', userMessage: reason, message: `${service}: ${reason}` });
    this.service = service;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface Senders {
  mail(accessToken: string, message: { to: string; subject: string; html: string }): Promise<void>;
  webhook(url: string, body: unknown): Promise<void>;
}

function failureOf(service: 'Microsoft Graph' | 'Webhook', error: unknown, timeoutMs: number): NotDeliveredError {
  if (!axios.isAxiosError(error)) return new NotDeliveredError(service, 'it could not be sent');
  const status = error.response?.status;
  if (status === undefined)
    return new NotDeliveredError(
      service,
      error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT'
        ? `no answer within ${Math.round(timeoutMs / 1000)} seconds`
        : 'it could not be reached',
    );
  const retryAfterMs = (parseRetryAfter(String(error.response?.headers['retry-after'] ?? '') || undefined) ?? 0) * 1000;
  if (service === 'Microsoft Graph' && status === 403)
    return new NotDeliveredError(
      service,
      'Microsoft Graph refused to send mail as you (403): consent to "Send mail as you" was withdrawn. Turn mail on again.',
    );
  if (status === 401) return new NotDeliveredError(service, 'the sign-in PAT Manager keeps for you was refused (401)');
  if (status === 429) return new NotDeliveredError(service, 'too many requests (429)', retryAfterMs);
  if (status >= 500) return new NotDeliveredError(service, `the service failed (${status})`, retryAfterMs);
  return new NotDeliveredError(
    service,
    `refused (${status})${service === 'Webhook' ? ': check the webhook still exists' : ''}`,
  );
}

export function createSenders(options: { graphBaseUrl: string; agent: Agent; timeoutMs: number }): Senders {
  const http = axios.create({
    httpsAgent: options.agent,
    timeout: options.timeoutMs,
    maxRedirects: 0,
    maxContentLength: 64 * 1024,
    proxy: false,
  });
  return {
    async mail(accessToken, { to, subject, html }) {
      try {
        await http.post(
          `${options.graphBaseUrl}/v1.0/me/sendMail`,
          {
            message: {
              subject,
              body: { contentType: 'HTML', content: html },
              toRecipients: [{ emailAddress: { address: to } }],
            },
            saveToSentItems: false,
          },
          { headers: { authorization: `Bearer ${accessToken}` } },
        );
      } catch (error) {
        throw failureOf('Microsoft Graph', error, options.timeoutMs);
      }
    },
    async webhook(url, body) {
      try {
        await http.post(url, body, { headers: { 'content-type': 'application/json' } });
      } catch (error) {
        throw failureOf('Webhook', error, options.timeoutMs);
      }
    },
  };
}
