// The token pages: details, create (shown once, or straight into a vault), edit, extend, revoke.
// Each handler parses, calls the token lifecycle once and renders or redirects; the token named in
// the URL is already loaded (token-guards.ts), and errors go to the one error handler.
import type { Request, RequestHandler, Response } from 'express';
import type { AuthService } from '../../auth/auth-service.ts';
import { safeReturnTo } from '../../auth/return-to.ts';
import { formatDate } from '../../days.ts';
import { isDevOpsError } from '../../devops/errors.ts';
import type { Organization } from '../../devops/types.ts';
import { GUID } from '../../identifiers.ts';
import type { TokenLifecycle } from '../../tokens/lifecycle.ts';
import { actorOf } from '../actor.ts';
import { flash, flashNow } from '../flash.ts';
import { saveDraft, takeDraft } from '../form-drafts.ts';
import { emptyTokenForm, parseTokenForm } from '../forms/token-form.ts';
import { FORM_FIELD_OF, renderTokenForm, valuesOf, type TokenFormPage } from '../forms/token-form-view.ts';
import { parseVaultForm } from '../forms/vault-form.ts';
import type { OneTimeForms } from '../one-time-forms.ts';
import { isVaultError } from '../../keyvault/errors.ts';
import { loadedToken } from '../token-guards.ts';
import { shortenedExpiryNote, viewOf } from '../token-view.ts';
import { PageError } from '../errors.ts';
import { perOrganizationPages } from './per-organization-pages.ts';

const EXTEND_DAYS = [30, 90];

export interface TokenPageDependencies {
  lifecycle: TokenLifecycle;
  auth: AuthService;
  forms: OneTimeForms;
  baseUrl: URL;
  hostSuffixes: readonly string[];
}

/** Both forms of the new-token page, as sent: the token's and the "store it in Key Vault" part. */
export function parseCreateForms(
  body: Record<string, unknown>,
  hostSuffixes: readonly string[],
  known: readonly Organization[],
) {
  const form = parseTokenForm(body, { now: new Date(), editing: false, known: known.map((org) => org.accountName) });
  const vaultForm = parseVaultForm(body, { displayName: form.values.displayName, hostSuffixes });
  return { form, vaultForm };
}

/** Azure DevOps refused a field: the form again, with its words beside that field. */
function renderRefusal(res: Response, error: unknown, page: TokenFormPage): void {
  if (isDevOpsError(error) && error.kind === 'rejected' && error.field)
    return renderTokenForm(res, 422, { ...page, errors: { [FORM_FIELD_OF[error.field]]: error.userMessage } });
  throw error;
}

export function tokenPages({ lifecycle, auth, forms, baseUrl, hostSuffixes }: TokenPageDependencies) {
  const several = perOrganizationPages({ lifecycle, auth, forms });
  const actor = (req: Request) => actorOf(req, auth);
  const organizations = (req: Request) => req.session.organizations ?? [];

  const newForm: RequestHandler = (req, res) => {
    // Back from the sign-in for Key Vault, or "Try again" after the vault failed: the form as the person left it.
    const fields = takeDraft(req);
    if (!fields)
      return renderTokenForm(res, 200, { mode: 'create', values: emptyTokenForm(), formKey: forms.newKey() });
    const { form, vaultForm } = parseCreateForms(fields, hostSuffixes, organizations(req));
    flashNow(
      res,
      'info',
      req.query.again === '1'
        ? 'Your form is as you sent it. Nothing was created: the token from that attempt was revoked. Check the vault address, then choose Create token to try again.'
        : req.query.resumed === '1'
          ? 'Your sign-in had ended, so nothing was created: your form is as you left it. Check it, then choose Create token.'
          : 'You can now use Key Vault. Nothing was created yet: your form is as you left it. Check it, then choose Create token.',
    );
    renderTokenForm(res, 200, {
      mode: 'create',
      values: form.values,
      vaultValues: vaultForm.values,
      formKey: forms.newKey(),
    });
  };

  /** The secret goes straight into this one response and nowhere else: not the session, a URL or a log. */
  async function createShown(req: Request, res: Response, formKey: string) {
    const { form } = parseCreateForms(req.body as Record<string, unknown>, hostSuffixes, organizations(req));
    if (!form.ok)
      return renderTokenForm(res, 422, { mode: 'create', values: form.values, errors: form.errors, formKey });
    if (form.organizations)
      return several.createSeveral(req, res, formKey, form, {
        ok: true,
        values: { destination: 'show', vaultUrl: '', secretName: '' },
        vault: undefined,
        secretName: '',
      });
    try {
      const { created } = await forms.once(req, formKey, async () => {
        const created = await lifecycle.create(actor(req), { ...form.result, validTo: form.result.validTo! });
        return { created, createdId: created.token.authorizationId };
      });
      res.set('Cache-Control', 'no-store');
      res.render('tokens/created', {
        title: 'Token created',
        token: viewOf(created.token, { now: new Date(), listedAs: 'active', organizations: organizations(req) }),
        secret: created.secret,
        shortened: shortenedExpiryNote(form.result.validTo, created.token),
      });
    } catch (error) {
      renderRefusal(res, error, { mode: 'create', values: form.values, formKey });
    }
  }

  /** "Store it in Azure Key Vault": the secret goes to the vault and never to a page. */
  async function createIntoVault(req: Request, res: Response, formKey: string) {
    const { form, vaultForm } = parseCreateForms(req.body as Record<string, unknown>, hostSuffixes, organizations(req));
    if (!form.ok || !vaultForm.ok) {
      return renderTokenForm(res, 422, {
        mode: 'create',
        values: form.values,
        vaultValues: vaultForm.values,
        errors: form.ok ? {} : form.errors,
        vaultErrors: vaultForm.ok ? {} : vaultForm.errors,
        formKey,
      });
    }
    if (form.organizations) return several.createSeveral(req, res, formKey, form, vaultForm);
    const inUse = await lifecycle
      .secretInUse(actor(req), vaultForm.vault!, vaultForm.secretName)
      .catch((error: unknown) => (isVaultError(error) ? undefined : Promise.reject(error)));
    if (inUse)
      return renderTokenForm(res, 422, {
        mode: 'create',
        values: form.values,
        vaultValues: vaultForm.values,
        vaultErrors: {
          secretName: `The secret "${vaultForm.secretName}" already holds ${inUse}. Choose another name; to write a token into that secret, link the token to it from the token's page.`,
        },
        formKey,
      });
    let outcome;
    try {
      outcome = await forms.once(req, formKey, async () => {
        const outcome = await lifecycle.createIntoVault(
          actor(req),
          { ...form.result, validTo: form.result.validTo! },
          vaultForm.vault!,
          vaultForm.secretName,
        );
        return { ...outcome, createdId: outcome.created.token.authorizationId };
      });
    } catch (error) {
      return renderRefusal(res, error, { mode: 'create', values: form.values, vaultValues: vaultForm.values, formKey });
    }
    const { created, stored } = outcome;
    const now = new Date();
    const token = viewOf(created.token, {
      now,
      listedAs: stored.ok ? 'active' : 'revoked',
      organizations: organizations(req),
    });
    res.set('Cache-Control', 'no-store');
    if (stored.ok)
      return res.render('vault/stored', { title: 'Token created in Key Vault', token, written: stored.written });
    if (stored.retryAfterSeconds) res.set('Retry-After', String(stored.retryAfterSeconds));
    res.status(stored.status).render('vault/store-failed', {
      title: 'Not stored in Key Vault',
      token,
      steps: stored.steps,
      orphan: stored.orphan
        ? viewOf(stored.orphan, { now, listedAs: 'active', organizations: organizations(req) })
        : undefined,
      vaultUrl: vaultForm.vault!.url,
      // "Try again" opens the form as it was sent (never the secret: the form holds none).
      tryAgainHref: `/tokens/new?draft=${saveDraft(req, req.body as Record<string, unknown>)}&again=1`,
    });
  }

  const create: RequestHandler = async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const intoVault = body.destination === 'vault';
    const formKey = forms.keyOf(body);
    const again = intoVault
      ? 'This form was already sent: the token was created and its secret handled then. It is never shown.'
      : 'This token was already created. Its secret was shown once and cannot be shown again; if you did not copy it, revoke the token and create another.';
    if (forms.sentToEarlierResult(req, res, formKey, again)) return;
    await (intoVault ? createIntoVault(req, res, formKey) : createShown(req, res, formKey));
  };

  const details: RequestHandler = (_req, res) => {
    const { view } = loadedToken(res);
    res.render('tokens/details', { title: view.displayName, token: view });
  };

  const editForm: RequestHandler = (_req, res) => {
    const { token, view } = loadedToken(res);
    renderTokenForm(res, 200, { mode: 'edit', values: valuesOf(token), token: view });
  };

  const update: RequestHandler = async (req, res) => {
    const { token, view } = loadedToken(res);
    const form = parseTokenForm(req.body as Record<string, unknown>, { now: new Date(), editing: true });
    if (!form.ok)
      return renderTokenForm(res, 422, { mode: 'edit', values: form.values, errors: form.errors, token: view });
    try {
      const after = await lifecycle.update(actor(req), token, form.result);
      flash(req, 'success', `Saved the changes to "${form.result.displayName}".`);
      const shortened = shortenedExpiryNote(form.result.validTo, after);
      if (shortened) flash(req, 'info', shortened);
    } catch (error) {
      return renderRefusal(res, error, { mode: 'edit', values: form.values, token: view });
    }
    res.redirect(303, `/tokens/${view.authorizationId}`);
  };

  const extend: RequestHandler = async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const returnTo = safeReturnTo(body.returnTo, baseUrl);
    const days = Number(body.days);
    if (!EXTEND_DAYS.includes(days))
      throw new PageError(
        400,
        'Unknown extension',
        'Tokens can be extended by 30 or 90 days here; use Edit for another date.',
      );
    const { token, view } = loadedToken(res);
    const outcome = await lifecycle.extend(actor(req), token, days);
    if (outcome.ok) {
      flash(
        req,
        'success',
        `Extended "${view.displayName}" to ${formatDate(outcome.token.validTo)}${outcome.capped ? ' (the one-year limit Azure DevOps allows)' : ''}.`,
      );
      const shortened = shortenedExpiryNote(outcome.asked, outcome.token);
      if (shortened) flash(req, 'info', shortened);
    } else flash(req, 'error', `"${view.displayName}" was not extended: ${outcome.reason}`);
    res.redirect(303, returnTo);
  };

  const revokeConfirm: RequestHandler = (req, res) => {
    const { view } = loadedToken(res);
    const keptOf = res.locals.keptOf as ((token: typeof view) => unknown) | undefined;
    if (view.status !== 'revoked')
      return res.render('tokens/revoke', {
        title: `Revoke ${view.displayName}`,
        token: view,
        kept: keptOf?.(view),
        // A token listed from another organization is revoked there; back to the page it was listed on.
        organization: actor(req).organization === req.session.organization ? undefined : actor(req).organization,
        returnTo: safeReturnTo(req.query.returnTo, baseUrl),
      });
    flash(req, 'info', `"${view.displayName}" is already revoked.`);
    res.redirect(303, `/tokens/${view.authorizationId}`);
  };

  /** Loads its token itself: one already gone is not an error here, only "nothing changed". */
  const revoke: RequestHandler = async (req, res) => {
    const id = req.params.tokenId as string;
    const returnTo = safeReturnTo((req.body as Record<string, unknown>).returnTo, baseUrl);
    const gone = () => {
      flash(
        req,
        'info',
        'That token no longer exists (it may have been revoked and removed already); nothing changed.',
      );
      res.redirect(303, returnTo);
    };
    if (!GUID.test(id)) return gone();
    try {
      const { token, revoked } = await lifecycle.getToken(actor(req), id);
      if (revoked) {
        await lifecycle.forgetKept(actor(req), id);
        flash(req, 'info', `"${token.displayName}" was already revoked; nothing changed.`);
        return res.redirect(303, returnTo);
      }
      await lifecycle.revoke(actor(req), token);
      flash(
        req,
        'success',
        `Revoked "${token.displayName}". Anything still using it will now be refused by Azure DevOps.`,
      );
      res.redirect(303, returnTo);
    } catch (error) {
      if (isDevOpsError(error) && error.kind === 'notFound') {
        await lifecycle.forgetKept(actor(req), id);
        return gone();
      }
      throw error;
    }
  };

  return { newForm, create, details, editForm, update, extend, revokeConfirm, revoke };
}
