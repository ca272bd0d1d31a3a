// The Notifications page: what reminders a person gets and where, the last deliveries (sent or not
// delivered, with the reason), "Send a test" and "Turn off". Mail asks Graph's "Send mail as you"
// consent first (a sign-in that brings the person back to the form as they left it).
import type { Request, RequestHandler, Response } from 'express';
import { ConsentRequiredError, type AuthService } from '../../auth/auth-service.ts';
import { safeReturnTo } from '../../auth/return-to.ts';
import { formatDate } from '../../days.ts';
import { DEFAULT_THRESHOLDS, type NotificationSettings } from '../../notifications/notification-settings.ts';
import { MAIL_SEND_SCOPE } from '../../notifications/channels.ts';
import type { ReminderService } from '../../notifications/reminder-service.ts';
import { saveSession } from '../../session/save-session.ts';
import { flash } from '../flash.ts';
import { saveDraft, takeDraft } from '../form-drafts.ts';
import { parseNotificationsForm, type NotificationsForm } from '../forms/notifications-form.ts';
import type { PendingSignInCookie } from '../pending-sign-in-cookie.ts';
import type { AuditDigest } from '../../notifications/audit-digest.ts';
import type { AdministratorStatus } from '../administrator-status.ts';

export interface NotificationPageDependencies {
  reminders: ReminderService;
  digest: AuditDigest | undefined;
  /** Administrator rights, asked again before the digest of an organization is turned on. */
  administrators: AdministratorStatus;
  auth: AuthService;
  webhookHosts: readonly string[];
  baseUrl: URL;
  signIns: PendingSignInCookie;
}

export function notificationPages(deps: NotificationPageDependencies) {
  const { reminders, auth } = deps;
  const person = (req: Request) => req.session.account!.homeAccountId;

  async function render(req: Request, res: Response, status: number, form?: NotificationsForm) {
    const current = await reminders.get(person(req));
    const draft = form ? undefined : takeDraft(req);
    const parsedDraft =
      draft &&
      parseNotificationsForm(draft, { webhookHosts: deps.webhookHosts, hasWebhook: Boolean(current?.webhook) });
    const shown = form ?? (parsedDraft && !parsedDraft.ok ? parsedDraft : undefined);
    const values =
      shown && !shown.ok
        ? shown.values
        : draft
          ? {
              thresholds: String(draft.thresholds ?? ''),
              onAutomationNeedsYou: draft.onAutomationNeedsYou === 'on',
              mail: draft.mail === 'on',
              webhookUrl: '',
              webhookFormat: String(draft.webhookFormat ?? 'teams'),
              removeWebhook: false,
            }
          : {
              thresholds: (current?.thresholds ?? DEFAULT_THRESHOLDS).join(', '),
              onAutomationNeedsYou: current?.onAutomationNeedsYou ?? true,
              mail: current?.mail ?? true,
              webhookUrl: '',
              webhookFormat: current?.webhook?.format ?? 'teams',
              removeWebhook: false,
            };
    const deliveries = (await reminders.recent(person(req))).map((item) => ({
      ...item,
      when: formatDate(new Date(item.at)),
    }));
    res.status(status).render('notifications/index', {
      title: 'Notifications',
      current,
      nextRun: current ? formatDate(new Date(reminders.nextRun())) : undefined,
      values,
      errors: shown && !shown.ok ? shown.errors : {},
      deliveries,
      webhookHosts: deps.webhookHosts,
      afterConsent: Boolean(draft),
      digestOn: Boolean(current?.digest?.organizations.includes(req.session.organization ?? '')),
      digestNext: deps.digest ? formatDate(new Date(deps.digest.nextRun())) : undefined,
    });
  }

  const page: RequestHandler = (req, res) => render(req, res, 200);

  const save: RequestHandler = async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const current = await reminders.get(person(req));
    const form = parseNotificationsForm(body, {
      webhookHosts: deps.webhookHosts,
      hasWebhook: Boolean(current?.webhook),
    });
    if (!form.ok) return render(req, res, 400, form);
    if (form.settings.mail) {
      try {
        await auth.acquireTokenForScope(req.session, MAIL_SEND_SCOPE);
      } catch (error) {
        if (!(error instanceof ConsentRequiredError)) throw error;
        // The webhook address is a credential: it waits in no draft, and is asked again.
        const { webhookUrl: _address, _csrf: _token, ...rest } = body;
        const draft = saveDraft(req, rest);
        await saveSession(req.session);
        return res.redirect(
          303,
          `/notifications/consent?returnTo=${encodeURIComponent(`/notifications?draft=${draft}`)}`,
        );
      }
    }
    const saved = await reminders.save(req.session, { account: req.session.account!, ...form.settings });
    flash(
      req,
      'success',
      `Reminders saved: ${saved.thresholds.join(' and ')} days before a token expires, ${[saved.mail ? `by mail to ${saved.account.username}` : '', saved.webhook ? `by webhook (${saved.webhook.host})` : ''].filter(Boolean).join(' and ')}.`,
    );
    res.redirect(303, '/notifications');
  };

  const test: RequestHandler = async (req, res) => {
    const current = await reminders.get(person(req));
    if (!current) {
      flash(req, 'error', 'Save your reminders first; then a test can be sent.');
      return res.redirect(303, '/notifications');
    }
    for (const outcome of await reminders.sendTest(req.session, current as NotificationSettings))
      flash(req, outcome.ok ? 'success' : 'error', outcome.words);
    res.redirect(303, '/notifications');
  };

  const turnOff: RequestHandler = async (req, res) => {
    const unused = await reminders.turnOff(person(req));
    if (unused) await auth.forgetOfflineAccess(person(req));
    flash(
      req,
      'success',
      `Reminders are off: nothing more will be sent.${unused ? ' PAT Manager deleted the offline access it kept for you.' : ''}`,
    );
    res.redirect(303, '/notifications');
  };

  const consent: RequestHandler = async (req, res) => {
    const returnTo = safeReturnTo(req.query.returnTo, deps.baseUrl);
    const pending = deps.signIns.read(req);
    const authorizeUrl = await auth.beginSignIn(pending, returnTo, { extraScopes: [MAIL_SEND_SCOPE] });
    deps.signIns.write(res, pending);
    res.redirect(303, authorizeUrl);
  };

  /** Not consented to the audit's permissions yet: not known as an administrator (the page offered no digest). */
  const isAdministrator = (req: Request) =>
    deps.administrators.check(req, { fresh: true }).catch((error: unknown) => {
      if (error instanceof ConsentRequiredError) return false;
      throw error;
    });

  const chooseDigest: RequestHandler = async (req, res) => {
    const organization = req.session.organization!;
    const wanted = (req.body as Record<string, unknown>).digest === 'on';
    if (!deps.digest || !(await reminders.get(person(req)))) {
      flash(req, 'error', 'Save your reminders first: the digest is sent the same ways.');
      return res.redirect(303, '/notifications');
    }
    if (wanted && !(await isAdministrator(req))) {
      flash(req, 'error', `Only an administrator of ${organization} can have its audit digest.`);
      return res.redirect(303, '/notifications');
    }
    await deps.digest.choose(person(req), organization, wanted);
    flash(
      req,
      'success',
      wanted
        ? `A digest of ${organization}'s audit is sent to you every Monday.`
        : `No more weekly digest of ${organization}'s audit.`,
    );
    res.redirect(303, '/notifications');
  };

  return { page, save, test, turnOff, consent, chooseDigest };
}
