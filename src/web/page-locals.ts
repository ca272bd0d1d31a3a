// What every page's layout needs: who is signed in, the organization, the demo label, a CSRF
// token for its forms (made only when a form asks for one) and the one-time messages.
import type { RequestHandler } from 'express';
import type { AppConfig } from '../config/config.ts';
import { csrfTokenFor } from './csrf.ts';
import { takeFlash } from './flash.ts';

/** Set before anything can fail, so that even an error page before the session renders. */
export function baseLocals(config: AppConfig): RequestHandler {
  return (req, res, next) => {
    res.locals.demo = config.demo;
    res.locals.automationEnabled = config.automation.enabled;
    res.locals.account = undefined;
    res.locals.organization = undefined;
    res.locals.flash = [];
    res.locals.currentPath = req.path;
    res.locals.currentUrl = req.originalUrl;
    next();
  };
}

export function pageLocals(config: AppConfig): RequestHandler {
  return (req, res, next) => {
    res.locals.account = req.session.account;
    res.locals.organization = req.session.organization ?? config.devops.defaultOrganization;
    res.locals.csrfToken = () => csrfTokenFor(req);
    res.locals.flash = req.method === 'GET' ? takeFlash(req) : [];
    next();
  };
}
