// What the /tokens pages share before their handler runs: the token named in the URL, loaded once
// (router.param), and the named refusals that used to be written out in each handler.
import type { Request, RequestHandler, Response } from 'express';
import type { AuthService } from '../auth/auth-service.ts';
import { GUID } from '../identifiers.ts';
import type { VaultLink, VaultLinks } from '../keyvault/vault-links.ts';
import type { TokenLifecycle } from '../tokens/lifecycle.ts';
import type { PatToken } from '../devops/types.ts';
import { actorOf } from './actor.ts';
import { PageError } from './errors.ts';
import { changeRefusal, viewOf, type TokenView } from './token-view.ts';

export interface LoadedToken {
  token: PatToken;
  view: TokenView;
}

/** The token router.param loaded for this request. */
export function loadedToken(res: Response): LoadedToken {
  return res.locals.loadedToken as LoadedToken;
}

/** The vault link requireVaultLink found for this request's token. */
export function loadedLink(res: Response): VaultLink {
  return res.locals.loadedLink as VaultLink;
}

/**
 * For `router.param('authorizationId')`: loads the token and its status once. Something that is not
 * a GUID names no token, so the route is skipped (`/tokens/bulk` is not a token; `/tokens/x` is a 404).
 */
export function loadToken(options: { lifecycle: TokenLifecycle; auth: AuthService }) {
  return async (req: Request, res: Response, next: (error?: unknown) => void, id: string) => {
    if (!GUID.test(id)) return next('route');
    try {
      const { token, revoked } = await options.lifecycle.getToken(actorOf(req, options.auth), id);
      res.locals.loadedToken = {
        token,
        view: viewOf(token, {
          now: new Date(),
          listedAs: 'all',
          organizations: req.session.organizations ?? [],
          revokedIds: revoked ? new Set([id]) : undefined,
        }),
      } satisfies LoadedToken;
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Refuses (409) to touch a revoked token; `why` completes the sentence "… was revoked". */
export function refuseRevoked(title: string, why: string): RequestHandler {
  return (_req, res, next) => {
    const { view } = loadedToken(res);
    next(view.status === 'revoked' ? new PageError(409, title, `"${view.displayName}" was revoked${why}`) : undefined);
  };
}

/** Refuses (409) what Azure DevOps no longer lets be changed: a revoked, global or expired token. */
export const refuseUnchangeable: RequestHandler = (_req, res, next) => next(changeRefusal(loadedToken(res).view));

/** Refuses (409) a global token: Azure DevOps retired them, so none is made like it. */
export const refuseGlobal: RequestHandler = (_req, res, next) => {
  const { view } = loadedToken(res);
  next(view.status === 'global' ? changeRefusal(view) : undefined);
};

/** A token kept in Key Vault is rotated, never regenerated (that would leave the vault holding a revoked token). */
export function refuseInVault(vaultLinks: VaultLinks): RequestHandler {
  return async (req, res, next) => {
    const { view } = loadedToken(res);
    const link = await vaultLinks.link(req.session.account!.homeAccountId, view.authorizationId);
    if (!link) return next();
    next(
      new PageError(
        409,
        'Rotate this token instead',
        `The secret of "${view.displayName}" is kept in Key Vault (secret "${link.secretName}" in ${link.vaultUrl}). Regenerating it here would show the new secret once and leave the vault holding the old one, revoked, so nothing was changed. Rotate it from its page instead: the new secret goes straight into the vault.`,
      ),
    );
  };
}

/** Only a token linked to a vault secret can be rotated; the link is kept for the handler. */
export function requireVaultLink(vaultLinks: VaultLinks): RequestHandler {
  return async (req, res, next) => {
    const { view } = loadedToken(res);
    const link = await vaultLinks.link(req.session.account!.homeAccountId, view.authorizationId);
    if (!link)
      return next(
        new PageError(
          409,
          'Not in Key Vault',
          `"${view.displayName}" is not linked to a Key Vault secret. Link it first, from its page.`,
        ),
      );
    res.locals.loadedLink = link;
    next();
  };
}

/** Only a global token is replaced by tokens for named organizations; any other is changed in place. */
export const requireGlobal: RequestHandler = (_req, res, next) => {
  const { view } = loadedToken(res);
  next(
    view.status === 'global'
      ? undefined
      : new PageError(
          409,
          'Only global tokens are replaced',
          `"${view.displayName}" already works in named organizations only, so there is nothing to replace and nothing was changed. Extend, edit or regenerate it from its page.`,
        ),
  );
};

/** Only an expired token is renewed: an active one is extended, a revoked or global one is not made again. */
export const requireExpired: RequestHandler = (_req, res, next) => {
  const { view } = loadedToken(res);
  if (view.status === 'expired') return next();
  next(
    changeRefusal(view) ??
      new PageError(
        409,
        'Only expired tokens are renewed',
        `"${view.displayName}" has not expired, so nothing was created: extend or regenerate it from its page.`,
      ),
  );
};

/** The token's vault link when it has one (foundLink), for pages that work with or without a vault. */
export function findVaultLink(vaultLinks: VaultLinks): RequestHandler {
  return async (req, res, next) => {
    res.locals.foundLink = await vaultLinks.link(
      req.session.account!.homeAccountId,
      loadedToken(res).view.authorizationId,
    );
    next();
  };
}

export function foundLink(res: Response): VaultLink | undefined {
  return res.locals.foundLink as VaultLink | undefined;
}
