// GET and POST /{tenant}/oauth2/v2.0/authorize. GET (or a POST without a choice) shows the sign-in
// page; the page posts the same parameters back with `person` or `decline`, and the emulator checks
// everything again before answering the application with a code or an error.
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { findPerson, type Directory, type Person } from '../directory.ts';
import type { AuthorizationCodes } from './authorization-codes.ts';
import { errorFields, sendReply } from './authorization-response.ts';
import { checkAuthorizeRequest, type AuthorizeRequest } from './authorize-request.ts';
import type { ClientRegistry } from './clients.ts';
import type { Consents } from './consents.ts';
import {
  errorContext,
  loginRequired,
  userDeclinedConsent,
  userNotInDirectory,
  accountDisabled,
  type ErrorContext,
} from './errors.ts';
import { clientInfo } from './id-tokens.ts';
import { sendErrorPage, sendSignInPage } from './pages.ts';
import { firstValues } from './request-parameters.ts';
import { describeScopes } from './scopes.ts';
import type { SsoSessions } from './sso-session.ts';

export interface AuthorizeEndpointOptions {
  /** The emulator's clock: when a grant was made, for revocations counted by it. */
  now: () => Date;
  origin: string;
  directory: Directory;
  clients: ClientRegistry;
  codes: AuthorizationCodes;
  sessions: SsoSessions;
  consents: Consents;
}

export function authorizeEndpoint(options: AuthorizeEndpointOptions): Router {
  const router = express.Router();
  const path = '/:tenant/oauth2/v2.0/authorize';
  router.get(path, (req, res) => handle(req, res, firstValues(req.query)));
  router.post(path, express.urlencoded({ extended: false, limit: '64kb' }), (req, res) =>
    handle(req, res, firstValues(req.body)),
  );

  function handle(req: Request, res: Response, received: Record<string, string>): void {
    const { person: chosen, decline, ...parameters } = received;
    const context = errorContext(options.origin, parameters['client-request-id']);
    const check = checkAuthorizeRequest(String(req.params.tenant), parameters, options);
    if (!check.ok) {
      if (check.reply) sendReply(res, check.reply, errorFields(check.error, context));
      else sendErrorPage(res, check.error, context);
      return;
    }
    const request = check.request;
    if (req.method === 'POST' && decline)
      return sendReply(res, request.reply, errorFields(userDeclinedConsent(), context));
    if (req.method === 'POST' && chosen) return signIn(res, request, chosen, context);
    const signedIn = signedInPerson(req);
    if (request.prompt === 'none') {
      if (signedIn) return signIn(res, request, signedIn.objectId, context);
      return sendReply(res, request.reply, errorFields(loginRequired(), context));
    }
    sendSignInPage(res, {
      action: `/${request.tenant.segment}/oauth2/v2.0/authorize`,
      parameters,
      clientId: request.client.clientId,
      tenantId: request.tenant.tenantId,
      asksFor: describeScopes(request.requested),
      people: options.directory.people,
      signedInObjectId: signedIn?.objectId,
      loginHint: request.loginHint,
      redirectUri: request.reply.redirectUri,
    });
  }

  function signIn(res: Response, request: AuthorizeRequest, objectId: string, context: ErrorContext): void {
    const person = findPerson(options.directory, objectId);
    if (!person) return sendErrorPage(res, userNotInDirectory(objectId, request.tenant.tenantId), context);
    if (person.accountEnabled === false) return sendErrorPage(res, accountDisabled(), context);
    const code = options.codes.issue({
      objectId: person.objectId,
      tenantId: request.tenant.tenantId,
      clientId: request.client.clientId,
      scope: request.scope,
      authTimeSeconds: Math.floor(Date.now() / 1000),
      grantedAtMs: options.now().getTime(),
      redirectUri: request.reply.redirectUri,
      nonce: request.nonce,
      codeChallenge: request.codeChallenge,
      codeChallengeMethod: request.codeChallengeMethod,
      tenantSegment: request.tenant.segment,
    });
    options.sessions.start(res, person.objectId);
    // Signing in with a resource's scopes is consenting to them (the emulator shows no separate step).
    for (const { resource, permissions } of request.requested.resources)
      options.consents.grant(person.objectId, request.client.clientId, resource.appId, permissions);
    sendReply(res, request.reply, {
      code,
      client_info: request.wantsClientInfo ? clientInfo(person, request.tenant.tenantId) : undefined,
      session_state: randomUUID(),
    });
  }

  function signedInPerson(req: Request): Person | undefined {
    const objectId = options.sessions.signedInAs(req);
    return objectId ? findPerson(options.directory, objectId) : undefined;
  }

  return router;
}
