// A sink for incoming webhooks, standing in for a Teams Workflows or Slack webhook address: any
// POST to a host under `.hooks.localhost` (e.g. https://teams.hooks.localhost/workflows/...) is kept
// with its body, and answered as those services answer (202 for a Teams workflow, 200 "ok" for a
// Slack-style hook), unless a test asked for a failure. Read and steered through the control surface.
import express, { type RequestHandler } from 'express';

const HOOK_HOST = /^[a-z0-9-]+\.hooks\.localhost$/i;

interface ReceivedWebhook {
  host: string;
  path: string;
  contentType: string;
  body: unknown;
  receivedAt: string;
}

export interface WebhookControl {
  received(): ReceivedWebhook[];
  /** The next `times` webhook calls answer `status` (and keep nothing). */
  failNext(status: number, times?: number): void;
  clear(): void;
}

export function createWebhookSink(now: () => Date): { handler: RequestHandler; control: WebhookControl } {
  const received: ReceivedWebhook[] = [];
  let failures: { status: number; left: number } | undefined;
  const json = express.json({ limit: '256kb', type: () => true });
  const handler: RequestHandler = (req, res, next) => {
    if (!HOOK_HOST.test(req.hostname)) return next();
    if (req.method !== 'POST') return void res.status(405).end();
    json(req, res, (error?: unknown) => {
      if (error) return void res.status(400).type('text/plain').send('Invalid JSON');
      if (failures && failures.left > 0) {
        failures.left -= 1;
        return void res.status(failures.status).type('text/plain').send('failed');
      }
      received.push({
        host: req.hostname,
        path: req.path,
        contentType: req.get('content-type') ?? '',
        body: req.body as unknown,
        receivedAt: now().toISOString(),
      });
      if (req.hostname.startsWith('slack.')) res.status(200).type('text/plain').send('ok');
      else res.status(202).end();
    });
  };
  return {
    handler,
    control: {
      received: () => structuredClone(received),
      failNext(status, times = 1) {
        failures = { status, left: times };
      },
      clear() {
        received.splice(0);
        failures = undefined;
      },
    },
  };
}
