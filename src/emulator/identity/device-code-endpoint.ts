// The device code flow's two public faces: POST /{tenant}/oauth2/v2.0/devicecode, where an
// application asks for a code, and /devicelogin, where a person types the code, then picks an
// account (or declines) on the same page the authorize endpoint shows.
import express, { type Response, type Router } from 'express';
import { findPerson, type Directory } from '../directory.ts';
import type { ClientRegistry } from './clients.ts';
import type { DeviceCodes } from './device-codes.ts';
import { errorContext, IdentityError, missingParameter, tokenErrorBody, unknownClient } from './errors.ts';
import { html, sendPage } from './html.ts';
import { sendSignInPage } from './pages.ts';
import { firstValues } from './request-parameters.ts';
import { describeScopes, parseScopes } from './scopes.ts';
import { resolveTenant } from './tenants.ts';

const DEVICE_LOGIN_PATH = '/devicelogin';

export function deviceCodeEndpoint(options: {
  origin: string;
  directory: Directory;
  clients: ClientRegistry;
  deviceCodes: DeviceCodes;
}): Router {
  const { origin, directory, clients, deviceCodes } = options;
  const router = express.Router();
  const verificationUri = `${origin}${DEVICE_LOGIN_PATH}`;

  router.post('/:tenant/oauth2/v2.0/devicecode', express.urlencoded({ extended: false, limit: '64kb' }), (req, res) => {
    const form = firstValues(req.body);
    const context = errorContext(origin, req.get('client-request-id') ?? form['client-request-id']);
    try {
      const tenant = resolveTenant(String(req.params.tenant), directory);
      if (!form.client_id) throw missingParameter('client_id');
      if (!form.scope) throw missingParameter('scope');
      const client = clients.find(form.client_id);
      if (!client) throw unknownClient(form.client_id, tenant.tenantId);
      parseScopes(form.scope, tenant.tenantId); // refuses unknown resources and permissions now, as the service does
      const grant = deviceCodes.issue({ clientId: client.clientId, tenantId: tenant.tenantId, scope: form.scope });
      res.set('Cache-Control', 'no-store').json({
        user_code: grant.userCode,
        device_code: grant.deviceCode,
        verification_uri: verificationUri,
        expires_in: deviceCodes.lifetimeSeconds,
        interval: deviceCodes.intervalSeconds,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${grant.userCode} to authenticate.`,
      });
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      res.status(error.status).set('Cache-Control', 'no-store').json(tokenErrorBody(error, context));
    }
  });

  router.get(DEVICE_LOGIN_PATH, (_req, res) => sendCodeForm(res));
  router.post(DEVICE_LOGIN_PATH, express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    const { otc, person: chosen, decline } = firstValues(req.body);
    const grant = otc ? deviceCodes.byUserCode(otc) : undefined;
    if (!grant)
      return sendCodeForm(
        res,
        otc
          ? 'That code is not valid, or it has expired. Check it and try again.'
          : 'Enter the code your device shows.',
      );
    if (decline) {
      grant.state = { status: 'declined' };
      return sendPage(res, {
        heading: 'You declined',
        body: html`<p>You did not sign in to the application on your device. You may now close this window.</p>`,
      });
    }
    const person = chosen ? findPerson(directory, chosen) : undefined;
    if (person) {
      const now = Date.now();
      grant.state = {
        status: 'approved',
        signIn: {
          objectId: person.objectId,
          tenantId: grant.tenantId,
          clientId: grant.clientId,
          scope: grant.scope,
          authTimeSeconds: Math.floor(now / 1000),
          grantedAtMs: now,
        },
      };
      return sendPage(res, {
        heading: 'You have signed in',
        body: html`<p>${person.displayName} signed in to the application on your device. You may now close this window.</p>`,
      });
    }
    sendSignInPage(res, {
      action: DEVICE_LOGIN_PATH,
      parameters: { otc: grant.userCode },
      clientId: grant.clientId,
      tenantId: grant.tenantId,
      asksFor: describeScopes(parseScopes(grant.scope, grant.tenantId)),
      people: directory.people,
      signedInObjectId: undefined,
      loginHint: undefined,
      redirectUri: origin,
    });
  });
  return router;
}

function sendCodeForm(res: Response, problem?: string): void {
  sendPage(res, {
    status: problem ? 400 : 200,
    heading: 'Enter code',
    body: html`<p>Enter the code displayed on your app or device.</p>
${problem ? html`<p class="details" role="alert">${problem}</p>` : ''}
<form method="post" action="${DEVICE_LOGIN_PATH}">
<label for="otc">Code</label>
<input id="otc" name="otc" autocomplete="off" required>
<button type="submit">Next</button>
</form>`,
  });
}
