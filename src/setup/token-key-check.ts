// The doctor's token-cache keys check: TOKEN_CACHE_KEYS has already parsed (32-byte keys), so this
// asks what only the store can answer: do the token caches people have now open with these keys?
// A key removed too early, or instances given different keys, shows here before anyone is signed out.
import type { AppConfig } from '../config/config.ts';
import { createSealer } from '../storage/sealing.ts';
import {
  openStoredTokenCache,
  sampleStoredTokenCaches,
  type StoredTokenCache,
} from '../storage/stored-token-caches.ts';
import type { CheckResult } from './doctor-checks.ts';

/** Enough to tell whether the keys fit the store, without reading a large store whole. */
const SAMPLE = 1000;

export async function checkTokenCacheKeys(config: AppConfig): Promise<CheckResult> {
  const keys = config.tokenCacheKeys;
  const repeated = keys.findIndex((key, index) => keys.findIndex((other) => other.equals(key)) !== index);
  if (repeated >= 0) {
    return {
      status: 'fail',
      detail: `TOKEN_CACHE_KEYS: key ${repeated + 1} repeats an earlier one`,
      fix: 'List each key once, the newest first.',
    };
  }
  const described = keys.length === 1 ? 'one key' : `${keys.length} keys (the first seals, the others only open)`;
  let stored: StoredTokenCache[];
  try {
    stored = await sampleStoredTokenCaches(config, SAMPLE);
  } catch (error) {
    return {
      status: 'skip',
      detail: `${described}; the stored token caches could not be read (${(error as Error).message})`,
    };
  }
  if (stored.length === 0) return { status: 'pass', detail: `${described}; no token cache stored yet` };

  const sealer = createSealer(keys);
  let withFirst = 0;
  let withOlder = 0;
  for (const cache of stored) {
    const opened = openStoredTokenCache(sealer, cache);
    if (opened.ok && opened.sealedWithCurrentKey) withFirst += 1;
    else if (opened.ok) withOlder += 1;
  }
  const unopened = stored.length - withFirst - withOlder;
  const counted = `${stored.length}${stored.length === SAMPLE ? ' (a sample)' : ''} stored token caches`;
  if (withFirst + withOlder === 0) {
    return {
      status: 'fail',
      detail: `TOKEN_CACHE_KEYS: none of the ${counted} opens with these keys (everyone signed in would have to sign in again)`,
      fix: 'Use the keys the running instances use; to rotate, put the new key first and keep the old one second.',
    };
  }
  const older =
    withOlder > 0 ? `; ${withOlder} still sealed with an older key (remove it after SESSION_IDLE_MINUTES)` : '';
  const lost = unopened > 0 ? `; ${unopened} open with no key (those people sign in again)` : '';
  return { status: 'pass', detail: `${described}; ${withFirst + withOlder} of ${counted} open${older}${lost}` };
}
