// The demo's large organization: a few hundred people who never sign in here but hold a few thousand
// tokens, so the audit page is tried at size. Generated from a fixed seed (the same people and
// tokens on every start, dated relative to the start) and cheaply: no hashing per token beyond the
// id, a few milliseconds in all.

import type { Organization } from '../directory.ts';
import { stableUuid } from './identifiers.ts';
import type { MemberStore, OrgMember } from './org-members.ts';
import { addDays, toServiceTime } from './service-time.ts';
import type { PatRecord, TokenStore } from './token-store.ts';
import { seededRandom } from '../seeded-random.ts';

export const DEMO_CROWD = { organization: 'contoso', people: 320, seed: 13 } as const;

const FIRST = [
  'Amara',
  'Bo',
  'Chidi',
  'Dana',
  'Eero',
  'Fatima',
  'Goran',
  'Hana',
  'Ines',
  'Jonas',
  'Kavya',
  'Liam',
  'Mei',
  'Nadia',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
];
const LAST = [
  'Okafor',
  'Lindqvist',
  'Nakamura',
  'Haddad',
  'Moreau',
  'Kowalski',
  'Silva',
  'Novak',
  'Mensah',
  'Fischer',
  'Oyelaran',
  'Duarte',
  'Rahman',
  'Ivanova',
  'Brennan',
  'Takahashi',
];
const PURPOSES = [
  'ci',
  'deploy',
  'nuget',
  'npm',
  'backup',
  'mirror',
  'report',
  'sync',
  'scanner',
  'bot',
  'cli',
  'migration',
  'dashboard',
  'import',
  'audit',
];
const SCOPES = [
  'vso.code',
  'vso.code_write',
  'vso.build_execute',
  'vso.build',
  'vso.packaging',
  'vso.packaging_write',
  'vso.work',
  'vso.work_write',
  'vso.release_execute',
  'vso.analytics',
  'vso.variablegroups_read',
  'vso.graph',
];
const LIFETIMES_DAYS = [7, 30, 30, 60, 90, 90, 180, 365];

export function seedDemoCrowd(members: MemberStore, tokens: TokenStore, organization: Organization, now: Date): void {
  const next = seededRandom(DEMO_CROWD.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const crowd: OrgMember[] = [];
  for (let i = 0; i < DEMO_CROWD.people; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const alias = `${first}.${last}.${i}`.toLowerCase();
    const member: OrgMember = {
      objectId: stableUuid(`crowd-object:${i}`),
      displayName: `${first} ${last}`,
      principalName: `${alias}@contoso.example`,
      origin: next() < 0.1 ? 'msa' : 'aad',
      metaType: next() < 0.08 ? 'guest' : 'member',
      storageKey: stableUuid(`crowd-storage:${i}`),
      // About one in thirty has left the company but still has tokens.
      deletedInOrigin: next() < 0.035,
    };
    crowd.push(member);
    const count = Math.floor(next() * 19);
    const records: PatRecord[] = [];
    for (let j = 0; j < count; j++) {
      const lifetime = pick(LIFETIMES_DAYS);
      const createdDaysAgo = Math.floor(next() * 400);
      const fullAccess = next() < 0.08;
      const validFrom = toServiceTime(addDays(now, -createdDaysAgo));
      records.push({
        authorizationId: stableUuid(`crowd-pat:${i}:${j}`),
        displayName: `${pick(PURPOSES)}-${pick(PURPOSES)}-${j}`,
        scope: fullAccess ? 'app_token' : [...new Set([pick(SCOPES), pick(SCOPES)])].join(' '),
        targetAccounts: next() < 0.15 ? null : [organization.accountId],
        validFrom,
        validTo: toServiceTime(addDays(validFrom, lifetime)),
        revoked: next() < 0.04,
      });
    }
    tokens.setTokens(member.objectId, records);
  }
  // Two of the service's own identities, as every organization has (Graph lists them; they hold no PATs).
  crowd.push(
    {
      objectId: stableUuid('crowd-service:build'),
      displayName: `Project Collection Build Service (${organization.accountName})`,
      principalName: stableUuid('crowd-service:build-principal'),
      origin: 'vsts',
      metaType: undefined,
      storageKey: stableUuid('crowd-service:build-key'),
      deletedInOrigin: false,
    },
    {
      objectId: stableUuid('crowd-service:tfs'),
      displayName: 'TeamFoundationService (TEAM FOUNDATION)',
      principalName: 'TeamFoundationService (TEAM FOUNDATION)',
      origin: 'vsts',
      metaType: 'member',
      storageKey: stableUuid('crowd-service:tfs-key'),
      deletedInOrigin: false,
    },
  );
  members.add(organization, crowd);
}
