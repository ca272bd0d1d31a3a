// A person's automatic rotations: one per vault-linked token, kept in the person's records (no
// secret but the new token's, sealed, for the moment between its creation and its storing). The
// rotation's progress (its saga) is recorded here before each next step, so a run that stops at
// any point resumes where it stopped.
import type { SignedInAccount } from '../session/session-types.ts';
import type { PersonRecords } from '../storage/person-records.ts';

export interface AutomationSettings {
  /** Rotate when this many days of the token's life are left (1-60). */
  whenDaysLeft: number;
  /** The new token's lifetime in days (the organization's policy may shorten it). */
  lifetimeDays: number;
  /** Keep the old token this many days after the new one is in the vault (0-14). */
  keepOldDays: number;
}

export const SETTING_LIMITS = {
  whenDaysLeft: { min: 1, max: 60, default: 7 },
  lifetimeDays: { min: 1, max: 365, default: 30 },
  keepOldDays: { min: 0, max: 14, default: 0 },
} as const satisfies Record<keyof AutomationSettings, { min: number; max: number; default: number }>;

export interface SagaToken {
  authorizationId: string;
  displayName: string;
  validTo: string;
}

/** Where a rotation is: each phase is recorded before the step that follows it begins. */
type RotationSaga =
  /** About to create the new token (a crash here may have left one whose secret is lost). */
  | { phase: 'creating'; startedAt: string }
  /** Created; its secret sealed here until the vault holds it. */
  | { phase: 'created'; startedAt: string; newToken: SagaToken; sealedSecret: string }
  /** The vault's new version holds the new token; the links are moved next. */
  | { phase: 'stored'; startedAt: string; newToken: SagaToken; version: string }
  /** The old token is kept until `revokeAfter`, then revoked. */
  | { phase: 'keeping-old'; startedAt: string; newToken: SagaToken; version: string; revokeAfter: string };

type AutomationStatus = 'scheduled' | 'rotating' | 'keeping-old' | 'needsYou' | 'failed';

export interface Automation extends AutomationSettings {
  id: string;
  /** Whom jobs act for: msal-node's account, to find their offline token cache's tokens. */
  account: SignedInAccount;
  organization: string;
  /** The token rotated now, and its vault secret. */
  authorizationId: string;
  tokenName: string;
  tokenValidTo: string;
  vaultUrl: string;
  secretName: string;
  status: AutomationStatus;
  /** When the job runs next (ISO); none while it needs the person or has failed. */
  nextRunAt: string | undefined;
  /** Why it needs the person, or why it failed, in words. */
  problem?: string | undefined;
  lastRun?: { at: string; ok: boolean; words: string } | undefined;
  saga?: RotationSaga | undefined;
  createdAt: string;
}

const KIND = 'automation';

export interface Automations {
  forPerson(person: string): Promise<Automation[]>;
  get(person: string, id: string): Promise<Automation | undefined>;
  forToken(person: string, authorizationId: string): Promise<Automation | undefined>;
  save(automation: Automation): Promise<void>;
  remove(person: string, id: string): Promise<void>;
}

export function createAutomations(records: PersonRecords): Automations {
  return {
    forPerson: (person) => records.list<Automation>(person, KIND),
    get: (person, id) => records.get<Automation>(person, KIND, id),
    forToken: async (person, authorizationId) =>
      (await records.list<Automation>(person, KIND)).find((item) => item.authorizationId === authorizationId),
    save: (automation) => records.put(automation.account.homeAccountId, KIND, automation.id, automation),
    remove: (person, id) => records.remove(person, KIND, id),
  };
}

/** The rotation is due `whenDaysLeft` days before the token expires. */
export function dueAt(validTo: Date | string, whenDaysLeft: number): number {
  return new Date(validTo).getTime() - whenDaysLeft * 86_400_000;
}
