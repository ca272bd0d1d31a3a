// What tests and demos may do to the emulated Azure DevOps from outside: put tokens in place, read
// the full state back, set organization policies, queue domain faults, and go back to the seed.
// The same operations are offered over HTTP by control-routes.ts; inputs are checked here, with zod,
// so both doors accept exactly the same things.

import { z } from 'zod';
import { findOrganization, findPerson, type Directory, type Person } from '../directory.ts';
import { organizationsOfToken, SERVICE_ACTOR, type AuditLog } from './audit-log.ts';
import type { RevocationRules } from './revocation-rules.ts';
import { FAULTABLE_OPERATIONS, type FaultableOperation, type FaultQueue } from './fault-queue.ts';
import { isGuid, newAuthorizationId, stableUuid } from './identifiers.ts';
import type { OrganizationPolicies, PolicyStore } from './organization-policies.ts';
import { descriptorOf, type MemberStore } from './org-members.ts';
import { PAT_TOKEN_ERRORS, type PatTokenError } from './pat-token-error.ts';
import { toServiceTime } from './service-time.ts';
import { refusalOf, type PatRecord, type RefusedPat, type TokenStore } from './token-store.ts';
import { tokenState, type TokenState } from './wire.ts';

const tokenSeedSchema = z.object({
  authorizationId: z.string().refine(isGuid, 'authorizationId must be a GUID').optional(),
  displayName: z.string().min(1),
  /** Space-separated scope names or `app_token`; taken as given, so tests can plant odd data. */
  scope: z.string().min(1),
  validFrom: z.coerce.date().optional(),
  validTo: z.coerce.date(),
  /** accountIds, or null for a token valid in all the person's organizations. */
  targetAccounts: z.array(z.string().refine(isGuid, 'targetAccounts must hold GUIDs')).nullable(),
  revoked: z.boolean().optional(),
  /** The token's value, so that a test can ask whether it would still authenticate (wouldAuthenticate). */
  secret: z.string().min(20).max(200).optional(),
});

type TokenSeed = z.input<typeof tokenSeedSchema>;

/** Someone in an organization who never signs in here (Graph lists them; token administration sees their tokens). */
const memberSeedSchema = z.object({
  displayName: z.string().min(1),
  principalName: z.string().min(1),
  origin: z.enum(['aad', 'msa']).default('aad'),
  deletedInOrigin: z.boolean().default(false),
  tokens: z.array(tokenSeedSchema).default([]),
});

type MemberSeed = z.input<typeof memberSeedSchema>;

interface MemberState {
  descriptor: string;
  objectId: string;
  displayName: string;
  origin: string;
  deletedInOrigin: boolean;
  tokens: TokenState[];
}

const policiesSchema = z
  .object({
    restrictGlobalPats: z.boolean(),
    restrictFullScopePats: z.boolean(),
    maxPatLifespanDays: z.number().int().positive().nullable(),
    /** Object ids of the people still allowed to create; allowPackagingScopes: the policy's packaging exception. */
    restrictPatCreation: z
      .object({ allowlist: z.array(z.string()), allowPackagingScopes: z.boolean().default(false) })
      .nullable(),
  })
  .partial()
  .strict();

export const faultSchema = z.object({
  operation: z.enum(FAULTABLE_OPERATIONS),
  patTokenError: z.enum(PAT_TOKEN_ERRORS).exclude(['none']),
  times: z.number().int().positive().default(1),
});

export interface DevOpsControl {
  /** Every token of the person (all organizations, all statuses), for comparing final state. */
  tokens(objectId: string): TokenState[];
  /** Adds tokens to the person's. */
  addTokens(objectId: string, tokens: readonly TokenSeed[]): TokenState[];
  /** Replaces all of the person's tokens. */
  replaceTokens(objectId: string, tokens: readonly TokenSeed[]): TokenState[];
  clearTokens(objectId: string): void;
  policies(organization: string): OrganizationPolicies;
  setPolicies(organization: string, changes: Partial<OrganizationPolicies>): OrganizationPolicies;
  /** The next `times` (default 1) calls of the operation answer `{ patToken: null, patTokenError }`. */
  failNext(operation: FaultableOperation, patTokenError: PatTokenError, times?: number): void;
  /** Everyone Graph lists in the organization, with every token they hold (all statuses). */
  members(organization: string): MemberState[];
  /** Adds people to the organization (they cannot sign in; their tokens are theirs). */
  addMembers(organization: string, members: readonly MemberSeed[]): MemberState[];
  /** Who the organization's Project Collection Administrators are (objectIds of the directory's people). */
  setAdministrators(organization: string, objectIds: readonly string[]): void;
  /**
   * Whether this PAT value would authenticate in the organization now (Basic auth to its APIs):
   * `refused` says why not. Only values this run handed out are known.
   */
  wouldAuthenticate(value: string, organization: string): { authenticates: boolean; refused: RefusedPat | null };
  /**
   * Azure DevOps finds the token in a public repository (Token.PatPublicDiscoveryEvent in the
   * organization's audit log, with `RepositoryUrl`) and, unless `revoke` is false (the organization's
   * automatic revocation of leaked tokens off), revokes it (Token.PatSystemRevokeEvent).
   */
  discoverInPublic(
    organization: string,
    authorizationId: string,
    options?: { repositoryUrl?: string; revoke?: boolean },
  ): TokenState;
  /** These administrators of the organization lack "View audit log" (the audit log answers them 403). */
  denyAuditLog(organization: string, objectIds: readonly string[]): void;
  /** Back to the seed the emulator started with: tokens, no policies, no queued faults. */
  reset(): void;
}

/** A control call that names something that does not exist, or carries bad input. */
export class ControlError extends Error {
  override name = 'ControlError';
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export interface ControlDependencies {
  directory: Directory;
  tokens: TokenStore;
  policies: PolicyStore;
  faults: FaultQueue;
  members: MemberStore;
  audit: AuditLog;
  rules: RevocationRules;
  reset: () => void;
  now: () => Date;
}

export function createDevOpsControl({
  directory,
  tokens,
  policies,
  faults,
  members,
  audit,
  rules,
  reset,
  now,
}: ControlDependencies): DevOpsControl {
  const personOf = (objectId: string): Person => {
    const person = findPerson(directory, objectId);
    if (!person) throw new ControlError(404, `No person with objectId ${objectId} in the directory`);
    return person;
  };

  const organizationNamed = (organization: string) => {
    const found = findOrganization(directory, organization);
    if (!found) throw new ControlError(404, `No organization named ${organization}`);
    return found;
  };
  const accountIdOf = (organization: string): string => organizationNamed(organization).accountId;
  const memberStates = (organization: string): MemberState[] =>
    members.membersOf(organizationNamed(organization)).map((member) => ({
      descriptor: descriptorOf(member),
      objectId: member.objectId,
      displayName: member.displayName,
      origin: member.origin,
      deletedInOrigin: member.deletedInOrigin,
      tokens: tokens.tokensOf(member.objectId).map((record) => tokenState(record, now())),
    }));

  const statesOf = (objectId: string) => tokens.tokensOf(objectId).map((record) => tokenState(record, now()));

  const recordsFrom = (seeds: readonly TokenSeed[], replacing: string | undefined): PatRecord[] => {
    const parsed = seeds.map((seed) => parse(tokenSeedSchema, seed));
    const records = parsed.map(recordFrom);
    parsed.forEach((seed, index) => seed.secret && tokens.rememberSecret(records[index]!.authorizationId, seed.secret));
    for (const record of records) {
      const holder = tokens.find(record.authorizationId)?.ownerObjectId;
      const clash = holder !== undefined && holder !== replacing;
      const repeated = records.filter((other) => other.authorizationId === record.authorizationId).length > 1;
      if (clash || repeated) throw new ControlError(409, `authorizationId ${record.authorizationId} is already in use`);
    }
    return records;
  };

  return {
    tokens: (objectId) => statesOf(personOf(objectId).objectId),
    addTokens(objectId, seeds) {
      const person = personOf(objectId);
      for (const record of recordsFrom(seeds, undefined)) tokens.add(person.objectId, record);
      return statesOf(person.objectId);
    },
    replaceTokens(objectId, seeds) {
      const person = personOf(objectId);
      tokens.setTokens(person.objectId, recordsFrom(seeds, person.objectId));
      return statesOf(person.objectId);
    },
    clearTokens(objectId) {
      tokens.setTokens(personOf(objectId).objectId, []);
    },
    policies: (organization) => policies.policiesOf(accountIdOf(organization)),
    setPolicies: (organization, changes) => policies.set(accountIdOf(organization), parse(policiesSchema, changes)),
    members: memberStates,
    addMembers(organization, seeds) {
      const target = organizationNamed(organization);
      const parsed = seeds.map((seed) => parse(memberSeedSchema, seed));
      const added = parsed.map((seed) => {
        const objectId = stableUuid(`member-object:${target.accountId}:${seed.principalName}`);
        if (tokens.tokensOf(objectId).length > 0 || findPerson(directory, objectId))
          throw new ControlError(409, `${seed.principalName} is already a member`);
        return { seed, objectId };
      });
      for (const { seed, objectId } of added) tokens.setTokens(objectId, recordsFrom(seed.tokens, objectId));
      members.add(
        target,
        added.map(({ seed, objectId }) => ({
          objectId,
          displayName: seed.displayName,
          principalName: seed.principalName,
          origin: seed.origin,
          metaType: 'member' as const,
          storageKey: stableUuid(`member-storage:${target.accountId}:${seed.principalName}`),
          deletedInOrigin: seed.deletedInOrigin,
        })),
      );
      return memberStates(organization);
    },
    setAdministrators(organization, objectIds) {
      for (const objectId of objectIds) personOf(objectId);
      organizationNamed(organization).administrators = [...objectIds];
    },
    failNext(operation, patTokenError, times) {
      const fault = parse(faultSchema, { operation, patTokenError, times });
      faults.enqueue(fault.operation, fault.patTokenError, fault.times);
    },
    wouldAuthenticate(value, organization) {
      const owned = tokens.bySecret(z.string().min(1).max(200).parse(value));
      const accountId = accountIdOf(organization);
      const refusal = refusalOf(owned, accountId, now());
      const refused = refusal === null && owned && rules.rejects(accountId, owned.record) ? 'revocationRule' : refusal;
      return { authenticates: refused === null, refused };
    },
    discoverInPublic(organization, authorizationId, options = {}) {
      const target = organizationNamed(organization);
      const owned = tokens.find(parse(z.string().refine(isGuid, 'authorizationId must be a GUID'), authorizationId));
      const owner = owned && members.membersOf(target).find((member) => member.objectId === owned.ownerObjectId);
      if (!owned || !owner) throw new ControlError(404, `No token ${authorizationId} of a member of ${organization}`);
      const at = now();
      const where = organizationsOfToken(owned.record, target.accountId);
      const repositoryUrl = parse(z.url().optional(), options.repositoryUrl);
      audit.record(where, {
        actionId: 'Token.PatPublicDiscoveryEvent',
        actor: SERVICE_ACTOR,
        token: owned.record,
        owner,
        at,
        ...(repositoryUrl ? { extra: { RepositoryUrl: repositoryUrl } } : {}),
      });
      if (options.revoke !== false && !owned.record.revoked) {
        tokens.put({ ...owned.record, revoked: true });
        audit.record(where, {
          actionId: 'Token.PatSystemRevokeEvent',
          actor: SERVICE_ACTOR,
          token: owned.record,
          owner,
          at,
        });
      }
      return tokenState(tokens.find(owned.record.authorizationId)!.record, at);
    },
    denyAuditLog(organization, objectIds) {
      audit.denyReading(organizationNamed(organization).accountId, objectIds);
    },
    reset,
  };
}

function recordFrom(seed: z.output<typeof tokenSeedSchema>): PatRecord {
  return {
    authorizationId: (seed.authorizationId ?? newAuthorizationId()).toLowerCase(),
    displayName: seed.displayName,
    scope: seed.scope,
    targetAccounts: seed.targetAccounts === null ? null : seed.targetAccounts.map((id) => id.toLowerCase()),
    validFrom: toServiceTime(seed.validFrom ?? new Date()),
    validTo: toServiceTime(seed.validTo),
    revoked: seed.revoked ?? false,
  };
}

export function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new ControlError(400, z.prettifyError(result.error));
  return result.data;
}
