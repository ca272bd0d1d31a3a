// The one-time forms of the token pages: a form that creates a token carries a key, so a reload or
// a second click never creates twice (on any instance: the claim is in the shared store).
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { GUID } from '../identifiers.ts';
import { saveSession } from '../session/save-session.ts';
import type { Claims } from '../storage/claims.ts';
import { PageError } from './errors.ts';
import { flash } from './flash.ts';

const REMEMBERED_FORMS = 20;

/** How long a one-time form stays claimed once handled, or if its handler never finishes (a crash mid-request). */
const CLAIM_TTL_MS = 60_000;

/** Forms that create a token carry a one-time key: a reload or a second click must not create twice. */
export interface OneTimeForms {
  newKey(): string;
  keyOf(body: Record<string, unknown>): string;
  /** When this form already created a token, sends the person to it (with `message`) and says so. */
  sentToEarlierResult(req: Request, res: Response, key: string, message: string): boolean;
  /** The same, as a guard before the handler (and before refusals the first result would now meet). */
  sentBefore(message: string): RequestHandler;
  /** Runs `work` unless the same form is being handled right now (on any instance); remembers what it created. */
  once<T extends { createdId: string }>(req: Request, key: string, work: () => Promise<T>): Promise<T>;
}

export function oneTimeForms(claims: Claims): OneTimeForms {
  const forms: OneTimeForms = {
    newKey: () => randomUUID(),

    keyOf(body) {
      const key = body.formKey;
      if (typeof key !== 'string' || !GUID.test(key))
        throw new PageError(
          400,
          'Form incomplete',
          'This form is missing part of what PAT Manager put in it, so nothing was created. Open it again from the token list.',
        );
      return key;
    },

    sentToEarlierResult(req, res, key, message) {
      const created = req.session.createdForms?.[key];
      if (!created) return false;
      flash(req, 'info', message);
      res.redirect(303, `/tokens/${created}`);
      return true;
    },

    sentBefore(message) {
      return (req, res, next) => {
        if (!forms.sentToEarlierResult(req, res, forms.keyOf(req.body as Record<string, unknown>), message)) next();
      };
    },

    async once(req, key, work) {
      const claim = `form:${req.sessionID}:${key}`;
      if (!(await claims.claim(claim, CLAIM_TTL_MS))) {
        throw new PageError(
          409,
          'Already being created',
          'This token is being created from your first click. Open your token list in a moment to see it.',
        );
      }
      const result = await work().catch(async (error: unknown) => {
        // Nothing was made (or the page says it cannot tell): the person may send the form again.
        await claims.release(claim).catch(() => undefined);
        throw error;
      });
      // Done: the claim is kept until it expires, because a second click whose request read the
      // session before this one saved it cannot see createdForms, only the claim.
      const remembered = Object.entries(req.session.createdForms ?? {}).slice(-(REMEMBERED_FORMS - 1));
      req.session.createdForms = Object.fromEntries([...remembered, [key, result.createdId]]);
      await saveSession(req.session);
      return result;
    },
  };
  return forms;
}
