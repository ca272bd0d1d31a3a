// For every signed-in page: which tokens live in a vault, and whether their rotation is due.
import type { RequestHandler } from 'express';
import type { AppConfig } from '../config/config.ts';
import type { AutomationService } from '../automation/automation-service.ts';
import { formatDate, isoDay } from '../days.ts';
import { rotationDue, type Retirement, type VaultLinks } from '../keyvault/vault-links.ts';
import { automationDefaults } from './forms/automation-form.ts';
import { automationView } from './pages/automation-pages.ts';
import type { TokenView } from './token-view.ts';

/** A kept old token in words: "Replaced; kept until 9 Dec 2026", and whether that day has passed. */
function keptView(retirement: Retirement, now: Date) {
  const until = formatDate(new Date(`${retirement.revokeAfter}T00:00:00Z`));
  const due = retirement.revokeAfter <= isoDay(now);
  return {
    replacedBy: retirement.replacedBy,
    until,
    due,
    text: due ? `Replaced; kept until ${until}, revoke it now` : `Replaced; kept until ${until}`,
  };
}

export function vaultLocals(options: {
  vaultLinks: VaultLinks;
  config: AppConfig;
  automation: AutomationService | undefined;
}): RequestHandler {
  // The same on every page: made once (read by the token page's "Rotate automatically" form).
  const defaults = Object.freeze(automationDefaults());
  return async (req, res, next) => {
    const person = req.session.account!.homeAccountId;
    const [linkList, retirements, automations] = await Promise.all([
      options.vaultLinks.links(person),
      options.vaultLinks.retirements(person),
      options.automation ? options.automation.list(person) : [],
    ]);
    const links = new Map(linkList.map((link) => [link.authorizationId, link]));
    const kept = new Map(retirements.map((retirement) => [retirement.authorizationId, retirement]));
    const rotations = new Map(automations.map((item) => [item.authorizationId, automationView(item)]));
    res.locals.automationOf = (token: TokenView) => rotations.get(token.authorizationId);
    res.locals.automationDefaults = defaults;
    res.locals.automationsNeedingYou = [...rotations.values()].filter((item) => item.attention);
    const now = new Date();
    res.locals.vaultHostSuffixes = options.config.keyVault.hostSuffixes;
    res.locals.vaultOf = (token: TokenView) => {
      const link = links.get(token.authorizationId);
      return (
        link && {
          vaultUrl: link.vaultUrl,
          secretName: link.secretName,
          version: link.version,
          rotationDue: token.status === 'active' && rotationDue(token.validFrom, token.validTo, now),
        }
      );
    };
    // An old token a rotation (or a regenerate) kept for a while: its row and page say so, beside the new one.
    res.locals.keptOf = (token: TokenView) => {
      const retirement = token.status === 'revoked' ? undefined : kept.get(token.authorizationId);
      return retirement && keptView(retirement, now);
    };
    res.locals.vaultRetirements =
      req.originalUrl.split('?')[0] === '/expiring'
        ? retirements.map((retirement) => ({ ...retirement, kept: keptView(retirement, now) }))
        : [];
    next();
  };
}
