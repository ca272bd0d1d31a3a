// One-time messages: set before a redirect, shown once on the next page (POST-redirect-GET), or
// added to the page being rendered.
import type { Request, Response } from 'express';
import type { FlashMessage } from '../session/session-types.ts';

export function flash(req: Request, kind: FlashMessage['kind'], text: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, text }];
}

/** A message for the page being rendered now (its layout already took the ones set before). */
export function flashNow(res: Response, kind: FlashMessage['kind'], text: string): void {
  res.locals.flash = [...((res.locals.flash as FlashMessage[] | undefined) ?? []), { kind, text }];
}

export function takeFlash(req: Request): FlashMessage[] {
  const messages = req.session?.flash ?? [];
  if (req.session?.flash) delete req.session.flash;
  return messages;
}
