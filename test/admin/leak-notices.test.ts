// Who a leak notice goes to, on a crafted audit: an Entra owner by originId and the administrator's
// tenant; a Microsoft account, or an owner Graph sent no originId for, to no one.
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditResult } from '../../src/admin/gather.ts';
import { createLeakNotices } from '../../src/admin/leak-notices.ts';
import type { LeakedToken } from '../../src/admin/token-history.ts';
import type { AdminToken, OrgPerson } from '../../src/admin/types.ts';
import { createLogger } from '../../src/logging.ts';
import { createSqlitePersonRecords } from '../../src/storage/person-records.ts';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const records = createSqlitePersonRecords(':memory:');
afterEach(() => records.close());

const person = (origin: string, originId: string | null): OrgPerson => ({
  descriptor: `${origin}.x`,
  displayName: origin,
  principalName: '',
  origin,
  originId,
  deletedInOrigin: false,
});
const token = (authorizationId: string): AdminToken => ({
  authorizationId,
  displayName: `token-${authorizationId.slice(-1)}`,
  scopes: ['vso.code'],
  targetAccounts: null,
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validTo: new Date('2026-12-01T00:00:00Z'),
  isValid: true,
});
const leakOf = (owner: OrgPerson, held: AdminToken): LeakedToken => ({
  tokenName: held.displayName,
  ownerName: owner.displayName,
  holder: { person: owner, token: held },
  foundAt: new Date('2026-11-30T10:00:00Z'),
  location: 'https://github.com/x/y',
  revokedBySystemAt: null,
  state: 'stillValid',
});

describe('leak notices', () => {
  it('go to an Entra owner as <object id>.<tenant>, and to no Microsoft account or owner without originId', async () => {
    const entra = person('aad', 'C8F47BD0-54E5-415F-8D81-B7E3A2FADDFA');
    const leaks = [
      leakOf(entra, token('00000000-0000-4000-8000-000000000001')),
      leakOf(person('msa', '0003BFFD8C6D7D1E'), token('00000000-0000-4000-8000-000000000002')),
      leakOf(person('aad', null), token('00000000-0000-4000-8000-000000000003')),
    ];
    const written: string[] = [];
    const notices = createLeakNotices(
      { ...records, put: (who, kind, id, record) => (written.push(who), records.put(who, kind, id, record)) },
      createLogger('silent'),
    );
    await notices.record({ organization: 'contoso' } as AuditResult, leaks, TENANT);
    const ownerId = `c8f47bd0-54e5-415f-8d81-b7e3a2faddfa.${TENANT}`;
    expect(written).toEqual([ownerId]);
    const mine = await notices.of(ownerId);
    expect(mine).toEqual([
      {
        id: '00000000-0000-4000-8000-000000000001',
        tokenName: 'token-1',
        organization: 'contoso',
        foundAt: '2026-11-30T10:00:00.000Z',
        location: 'https://github.com/x/y',
        revokedBySystemAt: null,
      },
    ]);
  });
});
