// Vault links have a file of their own (VAULT_LINKS_SQLITE_FILE); those an older PAT Manager kept in
// the activity log's file are moved there once, and the activity log itself is left as it was.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging.ts';
import { createSqliteActivityLog } from '../../src/storage/activity-log.ts';
import { createSqlitePersonRecords } from '../../src/storage/person-records.ts';

const link = {
  authorizationId: '3d3aca0c-9ad3-4b07-8334-08ec8b1ddc32',
  tokenName: 'deploy',
  organization: 'contoso',
  vaultUrl: 'https://ada-pats.vault.azure.net',
  secretName: 'deploy-pat',
  version: 'v1',
  linkedAt: '2026-12-01T00:00:00.000Z',
};

describe('the vault links file', () => {
  it('moves links kept in the activity file into their own file, once, and leaves the activity entries where they are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vault-links-'));
    const activityFile = join(dir, 'activity.sqlite');
    const linksFile = join(dir, 'vault-links.sqlite');
    // What an older PAT Manager left: links and activity in one file.
    const activity = createSqliteActivityLog(activityFile, createLogger('silent'));
    await activity.record('ada', {
      action: 'create',
      organization: 'contoso',
      tokenId: link.authorizationId,
      tokenName: 'deploy',
      changes: ['scopes: vso.code'],
    });
    activity.close();
    const old = createSqlitePersonRecords(activityFile);
    await old.put('ada', 'vault-link', link.authorizationId, link);
    old.close();

    const records = createSqlitePersonRecords(linksFile, { movedFrom: activityFile });
    try {
      expect(await records.get('ada', 'vault-link', link.authorizationId)).toEqual(link);
    } finally {
      records.close();
    }
    const left = new DatabaseSync(activityFile, { readOnly: true });
    try {
      expect(
        left.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'person_records'").get(),
      ).toBeUndefined();
      expect(left.prepare('SELECT COUNT(*) AS n FROM activity').get()).toEqual({ n: 1 });
    } finally {
      left.close();
    }
    // Opening again finds nothing more to move and loses nothing.
    const again = createSqlitePersonRecords(linksFile, { movedFrom: activityFile });
    try {
      expect(await again.list('ada', 'vault-link')).toEqual([link]);
    } finally {
      again.close();
    }
  });
});
