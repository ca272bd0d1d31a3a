// Automatic rotation's pages: turning it on for a linked token (its form is on the token's page),
// the Automation page listing the person's rotations, "Run now" and "Stop". Handlers parse, call
// the automation service and redirect; the service knows nothing of requests.
import type { RequestHandler } from 'express';
import type { Automation } from '../../automation/automations.ts';
import type { AutomationService } from '../../automation/automation-service.ts';
import { formatDate } from '../../days.ts';
import { GUID } from '../../identifiers.ts';
import { PageError } from '../errors.ts';
import { flash } from '../flash.ts';
import { parseAutomationForm } from '../forms/automation-form.ts';
import { loadedLink, loadedToken } from '../token-guards.ts';

/** What the Automation page and a token's page show of one rotation. */
export function automationView(automation: Automation) {
  const next = automation.nextRunAt ? new Date(automation.nextRunAt) : undefined;
  const words: Record<Automation['status'], string> = {
    scheduled: next ? `Rotates on ${formatDate(next)}` : 'Scheduled',
    rotating: 'Rotating now',
    'keeping-old': next ? `Rotated; the old token is revoked on ${formatDate(next)}` : 'Rotated; keeping the old token',
    needsYou: 'Needs you',
    failed: 'Failed',
  };
  return {
    ...automation,
    statusText: words[automation.status],
    attention: automation.status === 'needsYou' || automation.status === 'failed',
  };
}

export function automationPages(automation: AutomationService) {
  const person = (req: { session: { account?: { homeAccountId: string } } }) => req.session.account!.homeAccountId;

  async function owned(req: Parameters<RequestHandler>[0]): Promise<Automation> {
    const id = String(req.params.automationId ?? '');
    const found = GUID.test(id)
      ? await automation.list(person(req)).then((all) => all.find((item) => item.id === id))
      : undefined;
    // Someone else's, or none: the same answer, so ids cannot be probed.
    if (!found)
      throw new PageError(
        404,
        'Automatic rotation not found',
        'There is no automatic rotation of yours at this address.',
      );
    return found;
  }

  const list: RequestHandler = async (req, res) => {
    const rotations = (await automation.list(person(req))).map(automationView);
    res.render('automation/index', { title: 'Automation', rotations });
  };

  const turnOn: RequestHandler = async (req, res) => {
    const { token, view } = loadedToken(res);
    const form = parseAutomationForm(req.body as Record<string, unknown>);
    if (!form.ok) {
      res.status(400).render('tokens/details', { title: view.displayName, token: view, automationForm: form });
      return;
    }
    const turnedOn = await automation.turnOn(req.session, token, loadedLink(res), form.settings);
    flash(
      req,
      'success',
      `"${token.displayName}" rotates itself from now on: next on ${formatDate(new Date(turnedOn.nextRunAt!))}, whether or not you are signed in.`,
    );
    res.redirect(303, '/automation');
  };

  const runNow: RequestHandler = async (req, res) => {
    const found = await owned(req);
    await automation.runNow(req.session, found);
    flash(req, 'success', `The rotation of "${found.tokenName}" was started; its outcome shows here when it has run.`);
    res.redirect(303, '/automation');
  };

  const stop: RequestHandler = async (req, res) => {
    const found = await owned(req);
    const { offlineAccessDeleted } = await automation.stop(found);
    flash(
      req,
      'success',
      `"${found.tokenName}" no longer rotates itself.${offlineAccessDeleted ? ' PAT Manager deleted the offline access it kept for you.' : ''}`,
    );
    res.redirect(303, '/automation');
  };

  return { list, turnOn, runNow, stop };
}
