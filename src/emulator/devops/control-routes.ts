// The control API over HTTP (mounted at /_emulator/devops; the emulator core guards it), for tests
// and demos running in another process. JSON in, JSON out; errors are `{ "error": "..." }`.
//
//   GET    /people/:objectId/tokens            every token of the person, full state
//   POST   /people/:objectId/tokens            { tokens: TokenSeed[] }  adds
//   PUT    /people/:objectId/tokens            { tokens: TokenSeed[] }  replaces all
//   DELETE /people/:objectId/tokens            removes all
//   POST   /pats/authenticate                    { value, organization }: would this PAT authenticate there now?
//   GET    /organizations/:name/policies
//   PATCH  /organizations/:name/policies       { restrictGlobalPats?, restrictFullScopePats?, maxPatLifespanDays?, restrictPatCreation? }
//   GET    /organizations/:name/members        everyone Graph lists there, with their tokens
//   POST   /organizations/:name/members        { members: MemberSeed[] }  adds people who never sign in
//   PUT    /organizations/:name/administrators { objectIds: string[] }
//   POST   /organizations/:name/public-discoveries { authorizationId, repositoryUrl?, revoke? }  found in public
//   PUT    /organizations/:name/audit-log-denied { objectIds: string[] }  administrators without "View audit log"
//   POST   /faults                             { operation: get|create|update, patTokenError, times? }
//   POST   /reset                              back to the seed

import express, { type ErrorRequestHandler, type Router } from 'express';
import { ControlError, faultSchema, parse, type DevOpsControl } from './control.ts';

export function createControlRouter(control: DevOpsControl): Router {
  const router = express.Router();
  router.use(express.json());

  const seedsOf = (body: unknown) => {
    const tokens = (body as { tokens?: unknown } | undefined)?.tokens;
    if (!Array.isArray(tokens)) throw new ControlError(400, 'Expected a body { "tokens": [...] }');
    return tokens;
  };

  router.get('/people/:objectId/tokens', (req, res) => {
    res.json(control.tokens(req.params.objectId));
  });
  router.post('/people/:objectId/tokens', (req, res) => {
    res.status(201).json(control.addTokens(req.params.objectId, seedsOf(req.body)));
  });
  router.put('/people/:objectId/tokens', (req, res) => {
    res.json(control.replaceTokens(req.params.objectId, seedsOf(req.body)));
  });
  router.delete('/people/:objectId/tokens', (req, res) => {
    control.clearTokens(req.params.objectId);
    res.status(204).send();
  });

  router.get('/organizations/:organization/policies', (req, res) => {
    res.json(control.policies(req.params.organization));
  });
  router.patch('/organizations/:organization/policies', (req, res) => {
    res.json(control.setPolicies(req.params.organization, req.body ?? {}));
  });

  router.get('/organizations/:organization/members', (req, res) => {
    res.json(control.members(req.params.organization));
  });
  router.post('/organizations/:organization/members', (req, res) => {
    const members = (req.body as { members?: unknown } | undefined)?.members;
    if (!Array.isArray(members)) throw new ControlError(400, 'Expected a body { "members": [...] }');
    res.status(201).json(control.addMembers(req.params.organization, members));
  });
  router.put('/organizations/:organization/administrators', (req, res) => {
    const objectIds = (req.body as { objectIds?: unknown } | undefined)?.objectIds;
    if (!Array.isArray(objectIds) || !objectIds.every((id) => typeof id === 'string'))
      throw new ControlError(400, 'Expected a body { "objectIds": [...] }');
    control.setAdministrators(req.params.organization, objectIds);
    res.status(204).send();
  });

  router.post('/organizations/:organization/public-discoveries', (req, res) => {
    const body = (req.body ?? {}) as { authorizationId?: unknown; repositoryUrl?: unknown; revoke?: unknown };
    res.status(201).json(
      control.discoverInPublic(req.params.organization, String(body.authorizationId ?? ''), {
        ...(typeof body.repositoryUrl === 'string' ? { repositoryUrl: body.repositoryUrl } : {}),
        ...(typeof body.revoke === 'boolean' ? { revoke: body.revoke } : {}),
      }),
    );
  });
  router.put('/organizations/:organization/audit-log-denied', (req, res) => {
    const objectIds = (req.body as { objectIds?: unknown } | undefined)?.objectIds;
    if (!Array.isArray(objectIds) || !objectIds.every((id) => typeof id === 'string'))
      throw new ControlError(400, 'Expected a body { "objectIds": [...] }');
    control.denyAuditLog(req.params.organization, objectIds);
    res.status(204).send();
  });

  router.post('/pats/authenticate', (req, res) => {
    const body = (req.body ?? {}) as { value?: unknown; organization?: unknown };
    res.json(control.wouldAuthenticate(String(body.value ?? ''), String(body.organization ?? '')));
  });
  router.post('/faults', (req, res) => {
    const { operation, patTokenError, times } = parse(faultSchema, req.body);
    control.failNext(operation, patTokenError, times);
    res.status(204).send();
  });
  router.post('/reset', (_req, res) => {
    control.reset();
    res.status(204).send();
  });

  router.use(answerControlErrors);
  return router;
}

const answerControlErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (error instanceof ControlError) {
    res.status(error.status).json({ error: error.message });
    return;
  }
  if ((error as { type?: unknown } | null)?.type === 'entity.parse.failed') {
    res.status(400).json({ error: 'The body is not valid JSON' });
    return;
  }
  next(error);
};
