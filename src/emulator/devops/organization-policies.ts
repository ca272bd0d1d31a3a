// The Microsoft Entra tenant policies Azure DevOps applies to PAT creation and updates ("Restrict global
// personal access token creation", "Restrict full-scoped personal access token creation", "Enforce
// maximum personal access token lifespan"). The real ones are set per tenant for all its organizations;
// the emulator keeps them per organization so one demo tenant can show each case.

import { FULL_ACCESS_SCOPE } from './scope-catalog.ts';
import type { PatTokenError } from './pat-token-error.ts';

export interface OrganizationPolicies {
  restrictGlobalPats: boolean;
  restrictFullScopePats: boolean;
  /** Longest allowed lifetime in days from now; null when not enforced. */
  maxPatLifespanDays: number | null;
}

export const NO_POLICIES: OrganizationPolicies = {
  restrictGlobalPats: false,
  restrictFullScopePats: false,
  maxPatLifespanDays: null,
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

/**
 * The first policy the token breaks, in the order the service's controller checks its policy
 * errors (global, full scope, lifespan). `token` is the token as it would be after the call.
 */
export function policyViolation(
  policies: OrganizationPolicies,
  token: { scope: string; targetAccounts: readonly string[] | null; validTo: Date },
  now: Date,
): PatTokenError | undefined {
  if (policies.restrictGlobalPats && token.targetAccounts === null) return 'globalPatPolicyViolation';
  if (policies.restrictFullScopePats && token.scope === FULL_ACCESS_SCOPE) return 'fullScopePatPolicyViolation';
  const maxDays = policies.maxPatLifespanDays;
  if (maxDays !== null && token.validTo.getTime() - now.getTime() > maxDays * 86_400_000) return 'patLifespanPolicyViolation';
  return undefined;
}
