// For every signed-in page: which tokens live in a vault, and whether their rotation is due.
import type { RequestHandler } from 'express';
import type { AppConfig } from '../config/config.ts';
import type { AutomationService } from '../automation/automation-service.ts';
import { rotationDue, type VaultLinks } from '../keyvault/vault-links.ts';
import { automationDefaults } from './forms/automation-form.ts';
import { automationView } from './pages/automation-pages.ts';
import type { TokenView } from './token-view.ts';

export function vaultLocals(options: {
  vaultLinks: VaultLinks;
  config: AppConfig;
  automation: AutomationService | undefined;
}): RequestHandler {
  return async (req, res, next) => {
    const person = req.session.account!.homeAccountId;
    const links = new Map((await options.vaultLinks.links(person)).map((link) => [link.authorizationId, link]));
    const rotations = new Map(
      (options.automation ? await options.automation.list(person) : []).map((item) => [
        item.authorizationId,
        automationView(item),
      ]),
    );
    res.locals.automationOf = (token: TokenView) => rotations.get(token.authorizationId);
    res.locals.automationDefaults = automationDefaults();
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
    res.locals.vaultRetirements =
      req.originalUrl.split('?')[0] === '/expiring' ? await options.vaultLinks.retirements(person) : [];
    next();
  };
}
