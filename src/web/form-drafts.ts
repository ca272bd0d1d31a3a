// A form's typed values kept in the session while the person signs in to consent to more (Key
// Vault), so they come back to the form as they left it. Only form fields, never a secret; a few at
// most, for a quarter of an hour, and only for the person who typed them.
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';

const DRAFT_TTL_MS = 15 * 60 * 1000;
const MAX_DRAFTS = 5;
const NOT_KEPT = new Set(['_csrf', 'formKey']);

export function saveDraft(req: Request, body: Record<string, unknown>): string {
  const fields = Object.fromEntries(
    Object.entries(body).filter(
      (entry): entry is [string, string | string[]] =>
        !NOT_KEPT.has(entry[0]) &&
        (typeof entry[1] === 'string' ||
          (Array.isArray(entry[1]) && entry[1].every((item) => typeof item === 'string'))),
    ),
  );
  const id = randomUUID();
  const now = Date.now();
  const kept = Object.entries(req.session.formDrafts ?? {})
    .filter(([, draft]) => now - draft.savedAt < DRAFT_TTL_MS)
    .slice(-(MAX_DRAFTS - 1));
  req.session.formDrafts = Object.fromEntries([
    ...kept,
    [id, { person: req.session.account!.homeAccountId, savedAt: now, fields }],
  ]);
  return id;
}

/** The draft named by `?draft=`, taken (once), if it is this person's and still fresh. */
export function takeDraft(req: Request): Record<string, string | string[]> | undefined {
  const id = req.query.draft;
  if (typeof id !== 'string') return undefined;
  const draft = req.session.formDrafts?.[id];
  if (draft) delete req.session.formDrafts![id];
  if (!draft || draft.person !== req.session.account?.homeAccountId || Date.now() - draft.savedAt >= DRAFT_TTL_MS)
    return undefined;
  return draft.fields;
}
