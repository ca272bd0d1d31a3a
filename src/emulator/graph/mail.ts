// Microsoft Graph's `POST /me/sendMail` (v1.0): the signed-in person sends a message as themselves,
// with the delegated permission Mail.Send; the answer is 202 Accepted with no body. What was sent
// goes to an outbox that tests and the demo read through the control surface (no mail leaves).
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { GraphOptions } from './index.ts';
import { badRequest, invalidRecipients, mailAccessDenied } from './graph-errors.ts';
import { graphCallerOf } from './callers.ts';

interface SentMail {
  from: string;
  to: string[];
  subject: string;
  contentType: 'Text' | 'HTML';
  content: string;
  sentAt: string;
}

export interface Outbox {
  sent(): SentMail[];
  clear(): void;
  record(mail: SentMail): void;
}

export function createOutbox(): Outbox {
  const mails: SentMail[] = [];
  return {
    sent: () => structuredClone(mails),
    clear: () => void mails.splice(0),
    record: (mail) => void mails.push(mail),
  };
}

const recipient = z.object({ emailAddress: z.object({ address: z.string(), name: z.string().optional() }) });
const sendMailSchema = z.object({
  message: z.object({
    subject: z.string().max(255).optional(),
    body: z.object({ contentType: z.enum(['Text', 'HTML', 'text', 'html']), content: z.string() }),
    toRecipients: z.array(recipient).optional(),
  }),
  saveToSentItems: z.union([z.boolean(), z.string()]).optional(),
});

const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export function sendMail(options: GraphOptions, outbox: Outbox): RequestHandler {
  return async (req, res, next) => {
    try {
      const { caller, person } = await graphCallerOf(options, req);
      if (!person || !caller.scopes.includes('Mail.Send')) throw mailAccessDenied();
      const parsed = sendMailSchema.safeParse(req.body);
      if (!parsed.success) throw badRequest('Empty Payload. JSON content expected.');
      const { message } = parsed.data;
      const to = (message.toRecipients ?? []).map((item) => item.emailAddress.address);
      if (to.length === 0 || !to.every((address) => ADDRESS.test(address))) throw invalidRecipients();
      outbox.record({
        from: person.username,
        to,
        subject: message.subject ?? '',
        contentType: message.body.contentType.toLowerCase() === 'html' ? 'HTML' : 'Text',
        content: message.body.content,
        sentAt: options.now().toISOString(),
      });
      res.status(202).end();
    } catch (error) {
      next(error);
    }
  };
}
