// The policies Azure DevOps applies to PAT creation and updates: the Microsoft Entra tenant policies
// ("Restrict global personal access token creation", "Restrict full-scoped personal access token
// creation", "Enforce maximum personal access token lifespan") and the organization policy "Restrict
// personal access token (PAT) creation" (an allowlist, with an optional exception for packaging
// scopes). The tenant ones are real per tenant; the emulator keeps all per organization so one demo
// tenant can show each case. Since tokens 7.2, a `validTo` beyond the maximum lifespan is shortened to
// it (the file's PatTokenCreateRequest/UpdateRequest say so), not refused.

import { FULL_ACCESS_SCOPE } from './scope-catalog.ts';
import type { PatTokenError } from './pat-token-error.ts';

export interface OrganizationPolicies {
  restrictGlobalPats: boolean;
  restrictFullScopePats: boolean;
  /** Longest allowed lifetime in days (from now on create, from creation on update); null when not enforced. */
  maxPatLifespanDays: number | null;
  /** "Restrict personal access token (PAT) creation": who may still create; null when the policy is off. */
  restrictPatCreation: { allowlist: readonly string[]; allowPackagingScopes: boolean } | null;
}

const NO_POLICIES: OrganizationPolicies = {
  restrictGlobalPats: false,
  restrictFullScopePats: false,
  maxPatLifespanDays: null,
  restrictPatCreation: null,
};

export interface PolicyStore {
  policiesOf(accountId: string): OrganizationPolicies;
  set(accountId: string, changes: Partial<OrganizationPolicies>): OrganizationPolicies;
  clearAll(): void;
}

export function createPolicyStore(): PolicyStore {
  const byOrganization = new Map<string, OrganizationPolicies>();
  const policiesOf = (accountId: string) => byOrganization.get(accountId) ?? NO_POLICIES;
  return {
    policiesOf,
    set(accountId, changes) {
      const next = { ...policiesOf(accountId), ...changes };
      byOrganization.set(accountId, next);
      return next;
    },
    clearAll() {
      byOrganization.clear();
    },
  };
}

const PACKAGING_SCOPE = /^vso\.packaging(_write|_manage)?$/;

/** Whether the restrict-creation policy lets this person create this token (its packaging exception included). */
export function mayCreate(policies: OrganizationPolicies, creatorObjectId: string, scope: string): boolean {
  const policy = policies.restrictPatCreation;
  if (!policy || policy.allowlist.includes(creatorObjectId)) return true;
  return policy.allowPackagingScopes && scope.split(' ').every((name) => PACKAGING_SCOPE.test(name));
}

/** The latest `validTo` the lifespan policy allows, counted from `from`; undefined when not enforced. */
export function latestAllowed(policies: OrganizationPolicies, from: Date): Date | undefined {
  return policies.maxPatLifespanDays === null
    ? undefined
    : new Date(from.getTime() + policies.maxPatLifespanDays * 86_400_000);
}

/**
 * The first policy the token breaks, in the order the service's controller checks its policy
 * errors (global, full scope). `token` is the token as it would be after the call.
 */
export function policyViolation(
  policies: OrganizationPolicies,
  token: { scope: string; targetAccounts: readonly string[] | null },
): PatTokenError | undefined {
  if (policies.restrictGlobalPats && token.targetAccounts === null) return 'globalPatPolicyViolation';
  if (policies.restrictFullScopePats && token.scope === FULL_ACCESS_SCOPE) return 'fullScopePatPolicyViolation';
  return undefined;
}
