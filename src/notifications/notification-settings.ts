// A person's reminder settings: when to be told (days before a token expires; when an automatic
// rotation needs them), and where (mail through Microsoft Graph as themselves; a webhook whose
// address is kept sealed, shown only by its host). Kept in the person's records.
import type { SignedInAccount } from '../session/session-types.ts';
import type { PersonRecords } from '../storage/person-records.ts';

export interface NotificationSettings {
  account: SignedInAccount;
  /** Days before expiry, each 1-60, largest first. */
  thresholds: number[];
  onAutomationNeedsYou: boolean;
  mail: boolean;
  webhook?: { sealedUrl: string; host: string; format: 'teams' | 'slack' } | undefined;
  /** Administrators only: the organizations whose audit is summed up for them every week. */
  digest?: { organizations: string[] } | undefined;
  /** Why the last run could not look at the person's tokens (their offline access refused), in words. */
  problem?: string | undefined;
  updatedAt: string;
}

export const DEFAULT_THRESHOLDS = [14, 3];
const KIND = 'notifications';
const ID = 'settings';

export interface NotificationSettingsStore {
  get(person: string): Promise<NotificationSettings | undefined>;
  save(settings: NotificationSettings): Promise<void>;
  remove(person: string): Promise<void>;
}

export function notificationSettings(records: PersonRecords): NotificationSettingsStore {
  return {
    get: (person) => records.get<NotificationSettings>(person, KIND, ID),
    save: (settings) => records.put(settings.account.homeAccountId, KIND, ID, settings),
    remove: (person) => records.remove(person, KIND, ID),
  };
}

/** Sealing context of a person's webhook address: it opens for them only. */
export const webhookContext = (person: string) => `webhook:${person}`;
