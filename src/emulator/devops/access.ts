// Who is calling and whether they may: the bearer token, the organization in the URL, membership.
//
// A missing or refused token is 401 with a `WWW-Authenticate: Bearer authorization_uri=...` challenge
// naming the tenant's authority and `X-VSS-ResourceTenant`, as Azure DevOps sends them. A signed-in
// person who is not a member of the organization also gets 401 (TF400813, "not authorized to access
// this resource"): Microsoft's "Troubleshoot connecting" page lists "your identity isn't a member of
// the organization" as the cause of 401, not 403. An organization that does not exist is 404.

import type { Request, RequestHandler, Response } from 'express';
import { findOrganization, findPerson, type Directory, type Organization, type Person } from '../directory.ts';
import { DevOpsApiError } from './devops-errors.ts';

export type VerifyAccessToken = (
  authorizationHeader?: string,
) => Promise<{ objectId: string; tenantId: string; scopes: string[] } | null>;

export interface AccessOptions {
  directory: Directory;
  verifyAccessToken: VerifyAccessToken;
  /** The emulator's origin; the identity platform's authority for the tenant is `${origin}/${tenantId}`. */
  origin: string;
}

/** Requires a valid bearer token of a person in the directory's tenant; sets the caller. */
export function authenticate(options: AccessOptions): RequestHandler {
  const { directory, verifyAccessToken } = options;
  return async (req, res, next) => {
    const verified = await verifyAccessToken(req.get('authorization'));
    if (!verified)
      throw unauthorized(
        options,
        'TF400813: Resource not available for anonymous access. Client authentication required.',
      );
    const person = verified.tenantId === directory.tenantId ? findPerson(directory, verified.objectId) : undefined;
    if (!person) {
      throw unauthorized(
        options,
        `TF400813: The user '${verified.tenantId}\\${verified.objectId}' is not authorized to access this resource.`,
      );
    }
    res.locals.caller = person;
    res.locals.scopes = verified.scopes;
    next();
  };
}

/**
 * The access token must carry one of `anyOf` (its `scp`), each API's "security" section in Microsoft's
 * OpenAPI files. Refused as OAuth 2.0 bearer tokens are (RFC 6750): 403 with
 * `WWW-Authenticate: Bearer error="insufficient_scope", scope="..."` naming the first; the status and
 * header are this emulator's reading (a guess: Azure DevOps does not document its answer).
 */
export function requirePermission(anyOf: (req: Request) => readonly string[]): RequestHandler {
  return (req, res, next) => {
    const wanted = anyOf(req);
    const carried = (res.locals.scopes as string[] | undefined) ?? [];
    if (wanted.some((scope) => carried.includes(scope))) return next();
    const needed = wanted[0]!;
    throw new DevOpsApiError(
      403,
      'UnauthorizedRequestException',
      `The access token does not carry the scope ${needed} that this request requires.`,
      {
        headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${needed}"` },
      },
    );
  };
}

/** Resolves `:organization` (any letter case); 404 when there is no such organization. */
export function resolveOrganization(directory: Directory): RequestHandler {
  return (req, res, next) => {
    const name = String(req.params.organization);
    const organization = findOrganization(directory, name);
    if (!organization) {
      throw new DevOpsApiError(
        404,
        'HostDoesNotExistException',
        `The organization '${name}' does not exist or is not available.`,
      );
    }
    res.locals.organization = organization;
    next();
  };
}

/** The caller must be a member of the resolved organization. */
export function requireMembership(options: Pick<AccessOptions, 'directory' | 'origin'>): RequestHandler {
  return (_req, res, next) => {
    const person = callerOf(res);
    const organization = organizationOf(res);
    const member = person.organizations.some((name) => name.toLowerCase() === organization.accountName.toLowerCase());
    if (!member) {
      throw unauthorized(
        options,
        `TF400813: The user '${options.directory.tenantId}\\${person.username}' is not authorized to access this resource.`,
      );
    }
    next();
  };
}

export function unauthorized(
  { directory, origin }: Pick<AccessOptions, 'directory' | 'origin'>,
  message: string,
): DevOpsApiError {
  return new DevOpsApiError(401, 'UnauthorizedRequestException', message, {
    headers: {
      'WWW-Authenticate': `Bearer authorization_uri=${origin}/${directory.tenantId}`,
      'X-VSS-ResourceTenant': directory.tenantId,
    },
  });
}

export function callerOf(res: Response): Person {
  return res.locals.caller as Person;
}

export function organizationOf(res: Response): Organization {
  return res.locals.organization as Organization;
}
