// "Revoke tokens by scope and date": the form (scopes, a moment in UTC), the count of what the rule
// would revoke from the gathered audit (people and tokens named) with a reason and the count typed
// again, then the rule made through token administration, kept in the activity log, and the audit
// gathered again. Administrator rights are asked afresh by the audit router before any of these.
import type { Request, Response } from 'express';
import type { AuditResult } from '../../admin/gather.ts';
import { ruleMatchesIn, tokenCountOf, type RuleMatch } from '../../admin/revocation-rule.ts';
import type { TokenAdminClient } from '../../admin/token-admin-client.ts';
import type { AuthService } from '../../auth/auth-service.ts';
import { describeScopes } from '../../devops/scopes.ts';
import type { ActivityLog } from '../../storage/activity-log.ts';
import { auditTokenOf } from '../devops-context.ts';
import { PageError } from '../errors.ts';
import {
  MAX_RULE_REASON_LENGTH,
  momentText,
  parseRuleForm,
  ruleReasonError,
  typedCountOf,
  type RuleFormValues,
} from '../forms/revocation-rule-form.ts';
import { scopePicker } from '../forms/scope-picker.ts';
import { viewOf } from '../token-view.ts';
import type { GatheredAuditAccess } from '../routes/audit-routes.ts';

export interface AuditRulePageDependencies extends GatheredAuditAccess {
  tokenAdmin: TokenAdminClient;
  auth: AuthService;
  activity: ActivityLog;
  /** The app's clock (ms). */
  now: () => number;
}

/** Over this many tokens the count page names the people and how many each, not every token. */
const NAMED_TOKENS = 200;

const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function auditRulePages(deps: AuditRulePageDependencies) {
  const { tokenAdmin, auth, activity, now } = deps;

  const showForm = (res: Response, values: RuleFormValues, errors: string[] = []) => {
    res.status(errors.length > 0 ? 400 : 200);
    res.render('audit/rules', {
      title: 'Revoke tokens by scope and date',
      values,
      errors,
      scopePicker: scopePicker(values.scopes),
    });
  };

  const showCount = (
    req: Request,
    res: Response,
    audit: AuditResult,
    values: RuleFormValues,
    createdBefore: Date,
    matches: RuleMatch[],
    entered: { reason: string; confirmCount: string; errors: string[] },
  ) => {
    const at = new Date(now());
    const organizations = req.session.organizations ?? [];
    const count = tokenCountOf(matches);
    res.status(entered.errors.length > 0 ? 400 : 200);
    res.set('Cache-Control', 'no-store');
    res.render('audit/rule-count', {
      title: count === 0 ? 'Nothing to revoke' : `Revoke ${count} token${count === 1 ? '' : 's'} by scope and date?`,
      organization: audit.organization,
      values,
      scopesText: describeScopes(values.scopes).summary,
      createdBeforeText: utc(createdBefore),
      count,
      incomplete: audit.failures.length > 0 || Boolean(audit.limitsReached.people || audit.limitsReached.tokens),
      namesTokens: count <= NAMED_TOKENS,
      groups: matches.map(({ person, tokens }) => ({
        person,
        tokens: tokens.map((token) => viewOf(token, { now: at, listedAs: 'all', organizations })),
      })),
      maxReasonLength: MAX_RULE_REASON_LENGTH,
      ...entered,
    });
  };

  return {
    form(_req: Request, res: Response) {
      showForm(res, { scopes: [], before: momentText(new Date(now())) });
    },

    async count(req: Request, res: Response) {
      const parsed = parseRuleForm(req.query, new Date(now()));
      if (!parsed.ok) return showForm(res, parsed.values, parsed.errors);
      const audit = await deps.finishedAudit(req, res);
      if (!audit) return;
      const matches = ruleMatchesIn(
        audit,
        { scopes: parsed.values.scopes, createdBefore: parsed.createdBefore },
        new Date(now()),
      );
      showCount(req, res, audit, parsed.values, parsed.createdBefore, matches, {
        reason: '',
        confirmCount: '',
        errors: [],
      });
    },

    async create(req: Request, res: Response) {
      const body = req.body as Record<string, unknown>;
      const parsed = parseRuleForm(body, new Date(now()));
      if (!parsed.ok) return showForm(res, parsed.values, parsed.errors);
      const audit = await deps.gatheredAudit(req);
      if (!audit)
        throw new PageError(
          409,
          'Audit no longer open',
          'The audit this rule was counted from has closed (audits are kept for 15 minutes), so no rule was made. Count it again.',
        );
      const { scopes } = parsed.values;
      const { createdBefore } = parsed;
      // Counted again from the same audit: what the person confirms is what this request would revoke.
      const matches = ruleMatchesIn(audit, { scopes, createdBefore }, new Date(now()));
      const count = tokenCountOf(matches);
      const reason = typeof body.reason === 'string' ? body.reason : '';
      const confirmCount = typeof body.confirmCount === 'string' ? body.confirmCount.slice(0, 20) : '';
      const errors: string[] = [];
      if (count === 0) errors.push('No usable token matches these scopes and this moment, so no rule was made.');
      const reasonError = ruleReasonError(body.reason);
      if (reasonError) errors.push(reasonError);
      if (typedCountOf(confirmCount) !== count)
        errors.push(
          `Type ${count}, the number of tokens this rule revokes, to confirm: ${confirmCount.trim() === '' ? 'nothing was typed' : `“${confirmCount.trim()}” does not match`}, so no rule was made.`,
        );
      if (errors.length > 0)
        return showCount(req, res, audit, parsed.values, createdBefore, matches, {
          reason: reason.slice(0, MAX_RULE_REASON_LENGTH),
          confirmCount,
          errors,
        });

      await tokenAdmin.createRevocationRule(auditTokenOf(req, auth), audit.organization, { scopes, createdBefore });
      const who = req.session.account!;
      const people = matches.map(({ person, tokens }) => ({
        displayName: person.displayName,
        principalName: person.principalName,
        tokens: tokens.map((token) => token.displayName || '(no name)'),
      }));
      await activity.record(who.homeAccountId, {
        action: 'revocationRule',
        organization: audit.organization,
        tokenId: '',
        tokenName: `${count} token${count === 1 ? '' : 's'} of ${people.length} ${people.length === 1 ? 'person' : 'people'}`,
        changes: [
          `by ${who.name} (${who.username})`,
          `scopes: ${scopes.join(' ')}`,
          `created before ${utc(createdBefore)}`,
          `${count} token${count === 1 ? '' : 's'} counted, of ${people
            .slice(0, 20)
            .map((person) => `${person.displayName} (${person.tokens.length})`)
            .join(', ')}${people.length > 20 ? ` and ${people.length - 20} more people` : ''}`,
          `reason: ${reason.trim()}`,
        ],
      });
      await deps.gatherAgain(req);
      req.session.auditRuleOutcome = {
        organization: audit.organization,
        scopes,
        createdBefore: utc(createdBefore),
        reason: reason.trim(),
        people: people.slice(0, NAMED_TOKENS),
        tokenCount: count,
      };
      res.redirect(303, '/audit/rules/result');
    },

    result(req: Request, res: Response) {
      const outcome = req.session.auditRuleOutcome;
      if (!outcome) return res.redirect(303, '/audit');
      delete req.session.auditRuleOutcome;
      res.render('audit/rule-result', {
        title: 'Revocation rule made',
        ...outcome,
        scopesText: describeScopes(outcome.scopes).summary,
      });
    },
  };
}
