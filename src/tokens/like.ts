// "A token like this one": what regenerate, rotate and (soon) renew ask Azure DevOps for.
import { daysAfter } from '../days.ts';
import type { CreateTokenRequest, PatToken } from '../devops/types.ts';

/** A new token like `old` (name, scopes, organizations), valid for `days` days from `from` (now). */
export function requestLike(old: PatToken, days: number, from: number = Date.now()): CreateTokenRequest {
  return {
    displayName: old.displayName,
    scope: old.scopes.join(' '),
    validTo: daysAfter(days, from),
    allOrgs: old.targetAccounts === null,
  };
}
