// "Revoke tokens by scope and date" under /audit/rules, mounted by the audit router after its
// administrator check (asked afresh on every request, so also just before a rule is made).
import { Router } from 'express';
import { auditRulePages, type AuditRulePageDependencies } from '../pages/audit-rule-pages.ts';

export function auditRulesRoutes(deps: AuditRulePageDependencies): Router {
  const pages = auditRulePages(deps);
  const router = Router();
  router.get('/', pages.form);
  router.get('/count', pages.count);
  router.post('/', pages.create);
  router.get('/result', pages.result);
  return router;
}
