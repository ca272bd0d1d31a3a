// Who calls Microsoft Graph: the bearer token checked for Graph's audience, and the person it names
// (none for an application's own token). Each route then asks for the permission it needs.
import type { Request } from 'express';
import { findPerson, type Directory, type Person } from '../directory.ts';
import type { VerifiedCaller } from '../identity/index.ts';
import { MICROSOFT_GRAPH_RESOURCE_ID } from '../identity/scopes.ts';
import { emptyToken, invalidToken } from './graph-errors.ts';

const GRAPH_AUDIENCES = [MICROSOFT_GRAPH_RESOURCE_ID, 'https://graph.microsoft.com'];

export async function graphCallerOf(
  options: {
    directory: Directory;
    identity: { verifyAccessToken(authorizationHeader?: string, audiences?: string[]): Promise<VerifiedCaller | null> };
  },
  req: Request,
): Promise<{ caller: VerifiedCaller; person: Person | undefined }> {
  const header = req.get('authorization');
  if (!header) throw emptyToken();
  const caller = await options.identity.verifyAccessToken(header, GRAPH_AUDIENCES);
  if (!caller) throw invalidToken();
  return { caller, person: caller.application ? undefined : findPerson(options.directory, caller.objectId) };
}
