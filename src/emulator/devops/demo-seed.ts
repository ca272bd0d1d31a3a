// The demo's tokens, dated relative to the moment of seeding. Ada has enough in contoso to page
// through (three pages at $top=10, for every filter that matters): active ones, some expiring within
// a week, expired and revoked ones, custom scopes and full access, single-organization and
// all-organization ("global") tokens, and a few that only work in fabrikam or northwind. Grace has a
// handful, one of them global; Alan one global token. Global tokens are kept to show what Azure DevOps
// did to them: listed with their old expiry, authenticating nowhere since 1 December 2026. Ids are
// derived from the names, so they are the same on every run.

import type { Directory } from '../directory.ts';
import { actorOf, AUDIT_RETENTION_DAYS, SERVICE_ACTOR, type AuditLog } from './audit-log.ts';
import { stableUuid } from './identifiers.ts';
import { addDays, toServiceTime } from './service-time.ts';
import type { PatRecord, TokenStore } from './token-store.ts';

interface DemoToken {
  name: string;
  scope: string;
  /** Days before now it was created. */
  created: number;
  /** Days from now it expires (negative: already expired). */
  expires: number;
  /** Organization name, or 'all' for a token valid in every organization of the person. */
  org: string;
  revoked?: boolean;
}

const DEMO_TOKENS: Record<string, readonly DemoToken[]> = {
  'ada@contoso.example': [
    { name: 'ci-pipeline', scope: 'vso.build_execute vso.code', created: 40, expires: 50, org: 'contoso' },
    { name: 'nuget-feed-publish', scope: 'vso.packaging_write', created: 20, expires: 70, org: 'contoso' },
    { name: 'npm-registry-read', scope: 'vso.packaging', created: 100, expires: 265, org: 'all' },
    { name: 'release-bot', scope: 'vso.release_execute vso.build', created: 10, expires: 80, org: 'contoso' },
    {
      name: 'terraform-state',
      scope: 'vso.code_write vso.variablegroups_read',
      created: 60,
      expires: 30,
      org: 'contoso',
    },
    { name: 'sonar-scanner', scope: 'vso.code vso.code_status', created: 25, expires: 5, org: 'contoso' },
    { name: 'work-item-sync', scope: 'vso.work_write', created: 84, expires: 6, org: 'contoso' },
    { name: 'wiki-export', scope: 'vso.wiki', created: 3, expires: 27, org: 'contoso' },
    { name: 'test-results-upload', scope: 'vso.test_write vso.build', created: 14, expires: 2, org: 'contoso' },
    { name: 'analytics-powerbi', scope: 'vso.analytics', created: 50, expires: 130, org: 'contoso' },
    { name: 'git-mirror-github', scope: 'vso.code_manage', created: 200, expires: 165, org: 'contoso' },
    { name: 'helm-chart-publish', scope: 'vso.packaging_manage', created: 30, expires: 60, org: 'all' },
    { name: 'admin-break-glass', scope: 'app_token', created: 7, expires: 23, org: 'contoso' },
    { name: 'dependency-bot', scope: 'vso.code_write vso.threads_full', created: 45, expires: 45, org: 'contoso' },
    { name: 'backlog-report', scope: 'vso.work vso.analytics', created: 12, expires: 18, org: 'contoso' },
    { name: 'vscode-azure-repos', scope: 'vso.code_write', created: 2, expires: 88, org: 'all' },
    { name: 'az-cli-local', scope: 'app_token', created: 1, expires: 1, org: 'all' },
    { name: 'graph-audit-script', scope: 'vso.graph vso.auditlog', created: 33, expires: 57, org: 'contoso' },
    { name: 'service-hook-relay', scope: 'vso.hooks_write vso.work', created: 70, expires: 110, org: 'contoso' },
    { name: 'variable-group-sync', scope: 'vso.variablegroups_manage', created: 16, expires: 74, org: 'contoso' },
    { name: 'pr-review-bot', scope: 'vso.code vso.threads_full', created: 9, expires: 4, org: 'contoso' },
    { name: 'agent-pool-maintenance', scope: 'vso.agentpools_manage', created: 120, expires: 245, org: 'contoso' },
    { name: 'legacy-jenkins', scope: 'vso.build_execute vso.code', created: 400, expires: -35, org: 'contoso' },
    { name: 'old-laptop', scope: 'app_token', created: 380, expires: -15, org: 'all' },
    { name: 'hackathon-2024', scope: 'vso.work_write vso.code_write', created: 95, expires: -5, org: 'contoso' },
    {
      name: 'onboarding-script',
      scope: 'vso.memberentitlementmanagement_write vso.graph',
      created: 200,
      expires: -110,
      org: 'contoso',
    },
    { name: 'docker-build-cache', scope: 'vso.packaging', created: 31, expires: -1, org: 'contoso' },
    { name: 'leaked-in-ci-logs', scope: 'app_token', created: 30, expires: 60, org: 'contoso', revoked: true },
    { name: 'contractor-access', scope: 'vso.code vso.work', created: 150, expires: 30, org: 'contoso', revoked: true },
    { name: 'security-scan-trial', scope: 'vso.advsec vso.code', created: 60, expires: -20, org: 'all', revoked: true },
    {
      name: 'pipeline-migration',
      scope: 'vso.build_execute vso.release_manage',
      created: 10,
      expires: 20,
      org: 'contoso',
      revoked: true,
    },
    { name: 'fabrikam-deploy', scope: 'vso.release_manage', created: 5, expires: 85, org: 'fabrikam' },
    { name: 'fabrikam-nuget', scope: 'vso.packaging_write', created: 200, expires: -10, org: 'fabrikam' },
    { name: 'northwind-boards', scope: 'vso.work_write', created: 15, expires: 45, org: 'northwind' },
  ],
  'grace@contoso.example': [
    { name: 'cobol-build', scope: 'vso.build_execute', created: 20, expires: 40, org: 'contoso' },
    { name: 'compiler-release', scope: 'app_token', created: 5, expires: 25, org: 'contoso' },
    { name: 'mark-i-archive', scope: 'vso.code', created: 200, expires: -30, org: 'contoso' },
    { name: 'bug-tracker', scope: 'vso.work', created: 40, expires: 20, org: 'contoso', revoked: true },
    { name: 'mainframe-nightly', scope: 'vso.code vso.build_execute', created: 150, expires: 120, org: 'all' },
  ],
  // Alan belongs to no organization, so no list shows his (a global token stops nowhere).
  'alan@contoso.example': [{ name: 'personal-scripts', scope: 'app_token', created: 60, expires: 200, org: 'all' }],
};

export function seedDemoTokens(store: TokenStore, directory: Directory, now: Date): void {
  for (const person of directory.people) {
    const demoTokens = DEMO_TOKENS[person.username] ?? [];
    store.setTokens(
      person.objectId,
      demoTokens.flatMap((token, index) => {
        const record = demoRecord(directory, person.username, token, index, now);
        return record ? [record] : [];
      }),
    );
  }
}

function demoRecord(
  directory: Directory,
  username: string,
  token: DemoToken,
  index: number,
  now: Date,
): PatRecord | undefined {
  const organization = directory.organizations.find((org) => org.accountName === token.org);
  if (token.org !== 'all' && !organization) return undefined;
  // A few hours' spread so that tokens made "the same day" still differ in time.
  const minutes = ((index * 173) % 720) * 60_000;
  return {
    authorizationId: stableUuid(`demo-pat:${username}:${token.name}`),
    displayName: token.name,
    scope: token.scope,
    targetAccounts: organization ? [organization.accountId] : null,
    validFrom: toServiceTime(new Date(addDays(now, -token.created).getTime() - minutes)),
    validTo: toServiceTime(new Date(addDays(now, token.expires).getTime() + minutes)),
    revoked: token.revoked ?? false,
  };
}

/**
 * Contoso's audit log as the demo starts: the creation of every demo token made in the last 90 days,
 * and two tokens of Ada's that Azure DevOps found in public repositories: one it revoked at once, one
 * it could not (the organization's automatic revocation of leaked tokens was off), still valid.
 */
const DEMO_DISCOVERIES = [
  {
    username: 'ada@contoso.example',
    name: 'leaked-in-ci-logs',
    daysAgo: 12,
    repositoryUrl: 'https://github.com/contoso-oss/build-scripts',
    systemRevoked: true,
  },
  {
    username: 'ada@contoso.example',
    name: 'dependency-bot',
    daysAgo: 3,
    repositoryUrl: 'https://github.com/ada-lovelace/dotfiles',
    systemRevoked: false,
  },
] as const;

export function seedDemoAudit(log: AuditLog, store: TokenStore, directory: Directory, now: Date): void {
  const contoso = directory.organizations.find((org) => org.accountName === 'contoso');
  if (!contoso) return;
  const oldest = addDays(now, -AUDIT_RETENTION_DAYS).getTime();
  for (const person of directory.people.filter((someone) => someone.organizations.includes('contoso'))) {
    const owner = { objectId: person.objectId, displayName: person.displayName };
    for (const token of store.tokensOf(person.objectId)) {
      if (token.validFrom.getTime() < oldest) continue;
      if (token.targetAccounts !== null && !token.targetAccounts.includes(contoso.accountId)) continue;
      log.record([contoso.accountId], {
        actionId: 'Token.PatCreateEvent',
        actor: actorOf(person),
        token,
        owner,
        at: token.validFrom,
        client: { ipAddress: '203.0.113.7', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' },
      });
    }
  }
  for (const discovery of DEMO_DISCOVERIES) {
    const person = directory.people.find((someone) => someone.username === discovery.username);
    const token = person && store.tokensOf(person.objectId).find((record) => record.displayName === discovery.name);
    if (!person || !token) continue;
    const owner = { objectId: person.objectId, displayName: person.displayName };
    const at = addDays(now, -discovery.daysAgo);
    log.record([contoso.accountId], {
      actionId: 'Token.PatPublicDiscoveryEvent',
      actor: SERVICE_ACTOR,
      token,
      owner,
      at,
      extra: { RepositoryUrl: discovery.repositoryUrl },
    });
    if (discovery.systemRevoked)
      log.record([contoso.accountId], {
        actionId: 'Token.PatSystemRevokeEvent',
        actor: SERVICE_ACTOR,
        token,
        owner,
        at: new Date(at.getTime() + 60_000),
      });
  }
}
