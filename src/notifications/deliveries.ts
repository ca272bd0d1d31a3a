// What was sent to whom, one record per (person, channel, key): a key names what a message was for
// ("a token crossing a threshold", "a rotation that needs you"), so it is sent once across restarts
// and instances. A record is claimed before the message goes (SQLite's INSERT OR IGNORE, Redis's
// HSETNX), settled after; one left pending (its run died, or the channel failed) goes with the next
// run, and after the last try reads "not delivered" with the reason.
import type { DatabaseSync } from 'node:sqlite';
import type { RedisConnection } from '../storage/redis-connection.ts';

export type Channel = 'mail' | 'webhook';

interface Delivery {
  channel: Channel;
  key: string;
  state: 'pending' | 'sent' | 'notDelivered';
  /** What the message said, in words (token names and dates; never a secret or an address). */
  summary: string;
  reason?: string | undefined;
  at: string;
}

export interface Deliveries {
  /** Records `key` as pending unless it is recorded already; true when this call recorded it. */
  claim(person: string, delivery: Omit<Delivery, 'state' | 'reason'>): Promise<boolean>;
  pending(person: string, channel: Channel): Promise<Delivery[]>;
  settle(
    person: string,
    channel: Channel,
    keys: readonly string[],
    outcome: { state: 'sent' } | { state: 'notDelivered'; reason: string },
    at: string,
  ): Promise<void>;
  /** The person's latest deliveries, newest first. */
  recent(person: string, limit: number): Promise<Delivery[]>;
}

/** After the last try: every pending delivery of the person that `belongs` names reads "not delivered", with the reason. */
export async function markNotDelivered(
  deliveries: Deliveries,
  person: string,
  reason: string,
  at: string,
  belongs: (key: string) => boolean,
): Promise<void> {
  for (const channel of ['mail', 'webhook'] as const) {
    const pending = (await deliveries.pending(person, channel)).filter((item) => belongs(item.key));
    await deliveries.settle(
      person,
      channel,
      pending.map((item) => item.key),
      { state: 'notDelivered', reason },
      at,
    );
  }
}

export function sqliteDeliveries(database: DatabaseSync): Deliveries {
  database.exec(`
    CREATE TABLE IF NOT EXISTS deliveries (
      person TEXT NOT NULL, channel TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL,
      summary TEXT NOT NULL, reason TEXT, at TEXT NOT NULL, PRIMARY KEY (person, channel, key)
    )`);
  const claim = database.prepare(
    "INSERT OR IGNORE INTO deliveries (person, channel, key, state, summary, at) VALUES (?, ?, ?, 'pending', ?, ?)",
  );
  const pending = database.prepare(
    "SELECT channel, key, state, summary, reason, at FROM deliveries WHERE person = ? AND channel = ? AND state = 'pending'",
  );
  const settle = database.prepare(
    'UPDATE deliveries SET state = ?, reason = ?, at = ? WHERE person = ? AND channel = ? AND key = ?',
  );
  const recent = database.prepare(
    'SELECT channel, key, state, summary, reason, at FROM deliveries WHERE person = ? ORDER BY at DESC LIMIT ?',
  );
  const row = (value: unknown) => {
    const { reason, ...rest } = value as Delivery & { reason: string | null };
    return { ...rest, reason: reason ?? undefined };
  };
  return {
    claim: async (person, delivery) =>
      claim.run(person, delivery.channel, delivery.key, delivery.summary, delivery.at).changes === 1,
    pending: async (person, channel) => pending.all(person, channel).map(row),
    async settle(person, channel, keys, outcome, at) {
      for (const key of keys)
        settle.run(outcome.state, outcome.state === 'notDelivered' ? outcome.reason : null, at, person, channel, key);
    },
    recent: async (person, limit) => recent.all(person, limit).map(row),
  };
}

export function redisDeliveries(connection: RedisConnection, keyOf: (person: string) => string): Deliveries {
  const { client, run } = connection;
  const field = (channel: Channel, key: string) => `${channel}|${key}`;
  const all = async (person: string) =>
    Object.values(await run('deliveries read', () => client.hGetAll(keyOf(person)))).map(
      (value) => JSON.parse(value) as Delivery,
    );
  return {
    claim: (person, delivery) =>
      run('delivery claim', async () =>
        Boolean(
          await client.hSetNX(
            keyOf(person),
            field(delivery.channel, delivery.key),
            JSON.stringify({ ...delivery, state: 'pending' }),
          ),
        ),
      ),
    pending: async (person, channel) =>
      (await all(person)).filter((item) => item.channel === channel && item.state === 'pending'),
    async settle(person, channel, keys, outcome, at) {
      const current = new Map((await all(person)).map((item) => [field(item.channel, item.key), item]));
      for (const key of keys) {
        const before = current.get(field(channel, key));
        if (!before) continue;
        const after: Delivery = {
          ...before,
          state: outcome.state,
          reason: outcome.state === 'notDelivered' ? outcome.reason : undefined,
          at,
        };
        await run('delivery settle', () => client.hSet(keyOf(person), field(channel, key), JSON.stringify(after)));
      }
    },
    recent: async (person, limit) => (await all(person)).sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit),
  };
}
