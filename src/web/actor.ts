// Who a page acts for, in the token lifecycle's plain terms: built from the request once.
import type { Request } from 'express';
import type { AuthService } from '../auth/auth-service.ts';
import { personCredential } from '../keyvault/person-credential.ts';
import type { Actor } from '../tokens/types.ts';
import { accessTokenOf } from './devops-context.ts';

/**
 * The organization to call Azure DevOps in: one of the person's own named by the page (the
 * all-organizations views link to a token through an organization it belongs to), else the chosen one.
 */
function organizationOf(req: Request): string {
  const body = req.body as Record<string, unknown> | undefined;
  const requested = [req.query.organization, body?.organization].find(
    (value): value is string => typeof value === 'string',
  );
  const known = req.session.organizations ?? [];
  return requested && known.some((org) => org.accountName === requested) ? requested : req.session.organization!;
}

const actors = new WeakMap<Request, Actor>();

/** The signed-in person of this request, their delegated access, and the organization the page works in. */
export function actorOf(req: Request, auth: AuthService): Actor {
  let actor = actors.get(req);
  if (!actor) {
    actor = {
      person: req.session.account!.homeAccountId,
      accessToken: accessTokenOf(req, auth),
      vaultCredential: personCredential(auth, req.session),
      organization: organizationOf(req),
    };
    actors.set(req, actor);
  }
  return actor;
}
