// express-session saves with a callback; the app awaits it.
import type { Session } from 'express-session';

/** Saves the session now (before a redirect that must find it saved, or after a one-time form). */
export function saveSession(session: Session): Promise<void> {
  return new Promise((resolve, reject) => session.save((error) => (error ? reject(error) : resolve())));
}
