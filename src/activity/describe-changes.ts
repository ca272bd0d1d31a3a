// An edit's changes in words, for the activity log: names, scopes, expiry and organizations only.
import type { PatToken } from '../devops/types.ts';

const day = (date: Date) => date.toISOString().slice(0, 10);
const organizations = (targets: string[] | null) =>
  targets === null ? 'all organizations' : `${targets.length} organization${targets.length === 1 ? '' : 's'}`;

export function describeChanges(before: PatToken, after: PatToken): string[] {
  const changes: string[] = [];
  if (before.displayName !== after.displayName) changes.push(`name: ${before.displayName} → ${after.displayName}`);
  const scopesBefore = [...before.scopes].sort().join(' ');
  const scopesAfter = [...after.scopes].sort().join(' ');
  if (scopesBefore !== scopesAfter) changes.push(`scopes: ${scopesBefore} → ${scopesAfter}`);
  if (day(before.validTo) !== day(after.validTo))
    changes.push(`expires: ${day(before.validTo)} → ${day(after.validTo)}`);
  if ((before.targetAccounts === null) !== (after.targetAccounts === null))
    changes.push(`organizations: ${organizations(before.targetAccounts)} → ${organizations(after.targetAccounts)}`);
  return changes.length > 0 ? changes : ['nothing changed'];
}

export function describeToken(token: PatToken): string[] {
  return [
    `scopes: ${token.scopes.join(' ')}`,
    `expires: ${day(token.validTo)}`,
    `organizations: ${organizations(token.targetAccounts)}`,
  ];
}
