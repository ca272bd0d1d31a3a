// Tokens for several organizations: "Several organizations" on the new-token form, and replacing a
// retired global token (from its page, or all of them after one confirmation). The steps are the
// token lifecycle's (src/tokens/per-organization.ts); every outcome is shown on one page, the
// secrets once (no-store), never put in the session, a URL or a log.
import type { Request, RequestHandler, Response } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import type { Organization } from '../../devops/types.ts';
import { secretNameProblem, suggestSecretName } from '../../keyvault/vault-address.ts';
import type { TokenLifecycle } from '../../tokens/lifecycle.ts';
import type { OrganizationToken, PerOrganizationOutcome, VaultTarget } from '../../tokens/per-organization.ts';
import { actorOf } from '../actor.ts';
import { PageError } from '../errors.ts';
import { flash } from '../flash.ts';
import { takeDraft } from '../form-drafts.ts';
import { EXPIRY_PRESETS, GlobalTokenRequested, type ParsedTokenForm } from '../forms/token-form.ts';
import { renderTokenForm } from '../forms/token-form-view.ts';
import type { ParsedVaultForm } from '../forms/vault-form.ts';
import type { OneTimeForms } from '../one-time-forms.ts';
import { foundLink, loadedToken } from '../token-guards.ts';
import { viewOf, type TokenView } from '../token-view.ts';

export const REPLACE_ALL_PATH = '/tokens/replace-global';

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const list = (value: unknown) => [
  ...new Set((Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string')),
];

/** With several organizations, one secret each, `{name}-{organization}`: from the name given, else the token's. */
function perOrganizationSecrets(
  vaultForm: ParsedVaultForm & { ok: true },
  displayName: string,
  organizations: readonly string[],
): { ok: true; target: VaultTarget } | { ok: false; error: string } {
  // The vault form fills an empty name with its suggestion for one token; for several, the token's name is the start.
  const suggested = suggestSecretName(displayName);
  const base = vaultForm.values.secretName === suggested ? suggested.replace(/-pat$/, '') : vaultForm.values.secretName;
  const names = organizations.map((organization) => `${base}-${organization}`);
  const problem = names.map(secretNameProblem).find((found) => found !== undefined);
  if (problem)
    return {
      ok: false,
      error: `The secrets would be named ${names.map((name) => `"${name}"`).join(', ')}: ${problem}`,
    };
  return { ok: true, target: { vault: vaultForm.vault!, secretNameOf: (_organization, index) => names[index]! } };
}

/** The replace form, checked: the organizations (the person's own, at least one) and a lifetime. */
export function parseReplaceForm(
  body: Record<string, unknown>,
  known: readonly Organization[],
): { ok: true; organizations: string[]; days: number } | { ok: false; errors: Record<string, string> } {
  // Every replacement is for named organizations: a forged request for a global one gets the reason.
  if (body.allOrgs !== undefined || body.organizations === 'all') throw new GlobalTokenRequested();
  const chosen = list(body.targetOrganizations);
  const strangers = chosen.filter((name) => !known.some((org) => org.accountName === name));
  const errors: Record<string, string> = {};
  if (chosen.length === 0) errors.targetOrganizations = 'Choose at least one organization the new tokens must work in.';
  else if (strangers.length > 0)
    errors.targetOrganizations = `You are not a member of ${strangers.map((name) => `"${name.slice(0, 100)}"`).join(', ')}: choose among your own organizations.`;
  if (!(EXPIRY_PRESETS as readonly string[]).includes(text(body.expiry)))
    errors.expiry = 'Choose how long the new tokens last (7, 30, 60 or 90 days).';
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, organizations: chosen, days: Number(body.expiry) };
}

interface Dependencies {
  lifecycle: TokenLifecycle;
  auth: AuthService;
  forms: OneTimeForms;
}

export function perOrganizationPages({ lifecycle, auth, forms }: Dependencies) {
  const actor = (req: Request) => actorOf(req, auth);
  const known = (req: Request) => req.session.organizations ?? [];

  /** A made token as the result page shows it, linked through its own organization. */
  const resultOf = (req: Request, item: OrganizationToken) => ({
    ...item,
    token: viewOf(item.token, {
      now: new Date(),
      listedAs: 'active',
      organizations: known(req),
      via: item.organization === req.session.organization ? undefined : item.organization,
    }),
  });

  /** Nothing was made: an error page (the form may be sent again), since there is nothing to show once. */
  const refuseIfNothingMade = (outcome: PerOrganizationOutcome, title: string) => {
    if (outcome.made.length === 0)
      throw new PageError(
        502,
        title,
        `${outcome.steps.map((step) => `${step.label}: ${step.detail}`).join(' ')} Nothing was changed.`,
      );
  };

  const renderResults = (
    req: Request,
    res: Response,
    locals: {
      title: string;
      ok: boolean;
      groups: Array<{ old?: TokenView; outcome: PerOrganizationOutcome; oldRevoked?: boolean }>;
    },
  ) => {
    res.set('Cache-Control', 'no-store');
    res.status(locals.ok ? 200 : 502).render('tokens/per-organization', {
      ...locals,
      groups: locals.groups.map((group) => ({
        ...group,
        made: group.outcome.made.map((item) => resultOf(req, item)),
        steps: group.outcome.steps,
      })),
    });
  };

  /** The new-token form's "Several organizations": one token each, shown together or stored in Key Vault. */
  async function createSeveral(
    req: Request,
    res: Response,
    formKey: string,
    form: ParsedTokenForm & { ok: true },
    vaultForm: ParsedVaultForm & { ok: true },
  ) {
    const organizations = form.organizations!;
    let target: VaultTarget | undefined;
    if (vaultForm.values.destination === 'vault') {
      const secrets = perOrganizationSecrets(vaultForm, form.result.displayName, organizations);
      if (!secrets.ok)
        return renderTokenForm(res, 422, {
          mode: 'create',
          values: form.values,
          vaultValues: vaultForm.values,
          vaultErrors: { secretName: secrets.error },
          formKey,
        });
      target = secrets.target;
    }
    const outcome = await forms.once(req, formKey, async () => {
      const outcome = await lifecycle.createInOrganizations(
        actor(req),
        { ...form.result, validTo: form.result.validTo! },
        organizations,
        target,
      );
      refuseIfNothingMade(outcome, 'No token was created');
      return { ...outcome, createdId: outcome.made[0]!.token.authorizationId };
    });
    renderResults(req, res, {
      title: outcome.ok ? `${outcome.made.length} tokens created` : 'Not every token was created',
      ok: outcome.ok,
      groups: [{ outcome }],
    });
  }

  const renderReplace = (
    req: Request,
    res: Response,
    status: number,
    values: { targetOrganizations: string[]; expiry: string },
    errors: Record<string, string>,
  ) => {
    const { view } = loadedToken(res);
    res.status(status).render('tokens/replace', {
      title: `Replace ${view.displayName}`,
      token: view,
      link: foundLink(res),
      known: known(req).map((org) => org.accountName),
      presets: EXPIRY_PRESETS,
      values,
      errors,
      formKey: forms.newKey(),
    });
  };

  /** By default the new tokens work in every organization the person belongs to. */
  const replaceForm: RequestHandler = (req, res) => {
    const draft = takeDraft(req);
    renderReplace(
      req,
      res,
      200,
      draft
        ? { targetOrganizations: list(draft.targetOrganizations), expiry: text(draft.expiry) }
        : { targetOrganizations: known(req).map((org) => org.accountName), expiry: '30' },
      {},
    );
  };

  const replace: RequestHandler = async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const formKey = forms.keyOf(body);
    const choices = parseReplaceForm(body, known(req));
    if (!choices.ok)
      return renderReplace(
        req,
        res,
        422,
        {
          targetOrganizations: list(body.targetOrganizations).filter((name) =>
            known(req).some((org) => org.accountName === name),
          ),
          expiry: text(body.expiry),
        },
        choices.errors,
      );
    const { token, view } = loadedToken(res);
    const outcome = await forms.once(req, formKey, async () => {
      const outcome = await lifecycle.replaceGlobal(actor(req), token, choices);
      refuseIfNothingMade(outcome, 'Global token not replaced');
      return { ...outcome, createdId: outcome.made[0]!.token.authorizationId };
    });
    renderResults(req, res, {
      title: outcome.ok ? 'Global token replaced' : 'Global token not replaced',
      ok: outcome.ok,
      groups: [{ old: view, outcome, oldRevoked: outcome.oldRevoked }],
    });
  };

  const views = async (req: Request) => {
    const now = new Date();
    return (await lifecycle.globalTokens(actor(req))).map((token) => ({
      token,
      view: viewOf(token, { now, listedAs: 'all', organizations: known(req) }),
    }));
  };

  const replaceAllForm: RequestHandler = async (req, res) => {
    const globals = await views(req);
    res.render('tokens/replace-all', {
      title: 'Replace all my global tokens',
      tokens: globals.map((item) => item.view),
      known: known(req).map((org) => org.accountName),
      presets: EXPIRY_PRESETS,
      values: { targetOrganizations: known(req).map((org) => org.accountName), expiry: '30' },
      errors: {},
      formKey: forms.newKey(),
    });
  };

  /** One after another, each in full (create, store, revoke) before the next, so each one's outcome stands on its own. */
  const replaceAll: RequestHandler = async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const formKey = forms.keyOf(body);
    if (
      forms.sentToEarlierResult(
        req,
        res,
        formKey,
        'These global tokens were already replaced; the results were shown then.',
      )
    )
      return;
    const choices = parseReplaceForm(body, known(req));
    if (!choices.ok) {
      const globals = await views(req);
      return res.status(422).render('tokens/replace-all', {
        title: 'Replace all my global tokens',
        tokens: globals.map((item) => item.view),
        known: known(req).map((org) => org.accountName),
        presets: EXPIRY_PRESETS,
        values: {
          targetOrganizations: list(body.targetOrganizations).filter((name) =>
            known(req).some((org) => org.accountName === name),
          ),
          expiry: text(body.expiry),
        },
        errors: choices.errors,
        formKey,
      });
    }
    const { groups } = await forms.once(req, formKey, async () => {
      const groups = [];
      for (const { token, view } of await views(req))
        groups.push({ old: view, outcome: await lifecycle.replaceGlobal(actor(req), token, choices) });
      return { groups, createdId: REPLACE_ALL_PATH.slice('/tokens/'.length) };
    });
    if (groups.length === 0) {
      flash(req, 'info', 'You have no global tokens left to replace.');
      return res.redirect(303, '/expiring');
    }
    renderResults(req, res, {
      title: 'Global tokens replaced',
      ok: groups.every((group) => group.outcome.ok),
      groups: groups.map((group) => ({ ...group, oldRevoked: group.outcome.oldRevoked })),
    });
  };

  return { createSeveral, replaceForm, replace, replaceAllForm, replaceAll };
}
