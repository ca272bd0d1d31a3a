// Paging and sorting the token lists through the real app and emulator: the same words and controls
// on every list, "Page N" with Previous on the organization's list (Azure DevOps pages it with a
// continuation token and gives no total), "Page N of M" where the total is known, and Created
// sortable although Azure DevOps cannot sort by it.
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import type { Page, TestBrowser } from '../support/browser.ts';
import type { Harness } from '../support/harness.ts';
import { signedIn } from '../support/signed-in.ts';
import { ADA, signIn } from '../support/sign-in.ts';

let h: Harness;
let browser: TestBrowser;
signedIn({}, (session) => ({ h, browser } = session));

const namesOn = (page: Page) =>
  [...page.body.matchAll(/<td data-label="Name"><a href="\/tokens\/[0-9a-f-]+[^"]*">([^<]*)<\/a>/g)].map((m) => m[1]!);
const linkOf = (page: Page, name: string) =>
  new RegExp(`<a class="button secondary" href="([^"]+)"[^>]*>${name}</a>`)
    .exec(page.body)?.[1]
    ?.replace(/&amp;/g, '&');
const summaryOf = (page: Page) => /<p class="list-summary"[^>]*>([^<]*)<\/p>/.exec(page.body)?.[1];
const contosoTokens = () =>
  h.emulator.control.devops
    .tokens(ADA.objectId)
    .filter((token) => token.targetAccounts === null || token.targetAccounts.length > 0);
const sortOptions = (page: Page) =>
  [.../<select id="sort" name="sort">([\s\S]*?)<\/select>/.exec(page.body)![1]!.matchAll(/>([^<]+)<\/option>/g)].map(
    (m) => m[1],
  );
const headers = (page: Page) =>
  [.../<thead>([\s\S]*?)<\/thead>/.exec(page.body)![1]!.matchAll(/<th scope="col"[^>]*>(?:<a [^>]*>)?([^<]*)/g)]
    .map((m) => m[1])
    .filter((text) => text !== '');

describe('paging the organization list', () => {
  it('numbers its pages without a total and goes back a page at a time with Previous', async () => {
    const first = await browser.get(`${h.appUrl}/?status=all&size=10`);
    expect(summaryOf(first)).toBe('Page 1, 10 tokens on this page.');
    expect(linkOf(first, 'Previous page')).toBeUndefined();
    const second = await browser.get(`${h.appUrl}${linkOf(first, 'Next page')}`);
    expect(summaryOf(second)).toBe('Page 2, 10 tokens on this page.');
    const third = await browser.get(`${h.appUrl}${linkOf(second, 'Next page')}`);
    expect(summaryOf(third)).toBe('Page 3, 10 tokens on this page.');
    expect(linkOf(third, 'First page')).toBe('/?status=all&sort=displayName&order=asc&size=10');

    const back = await browser.get(`${h.appUrl}${linkOf(third, 'Previous page')}`);
    expect(summaryOf(back)).toBe('Page 2, 10 tokens on this page.');
    expect(namesOn(back)).toEqual(namesOn(second));
    const backAgain = await browser.get(`${h.appUrl}${linkOf(back, 'Previous page')}`);
    expect(linkOf(back, 'Previous page')).toBe('/?status=all&sort=displayName&order=asc&size=10');
    expect(namesOn(backAgain)).toEqual(namesOn(first));
  });

  it('offers the first page instead of Previous when this session never saw the page before', async () => {
    const first = await browser.get(`${h.appUrl}/?status=all&size=10`);
    const second = await browser.get(`${h.appUrl}${linkOf(first, 'Next page')}`);
    const thirdUrl = linkOf(second, 'Next page')!;
    const other = h.browser();
    await signIn(other, h.appUrl, ADA);
    const third = await other.get(`${h.appUrl}${thirdUrl}`);
    expect(summaryOf(third)).toBe('Page 3, 10 tokens on this page.');
    expect(linkOf(third, 'Previous page')).toBeUndefined();
    expect(linkOf(third, 'First page')).toBe('/?status=all&sort=displayName&order=asc&size=10');
  });

  it('keeps the address bounded: Previous carries one continuation token, however far the person pages', async () => {
    let page = await browser.get(`${h.appUrl}/?status=all&size=10`);
    for (let next = linkOf(page, 'Next page'); next; next = linkOf(page, 'Next page'))
      page = await browser.get(`${h.appUrl}${next}`);
    const previous = linkOf(page, 'Previous page')!;
    expect([...new URLSearchParams(previous.slice(2)).keys()].sort()).toEqual([
      'after',
      'order',
      'page',
      'size',
      'sort',
      'status',
    ]);
  });
});

describe('what a list page costs the session store', () => {
  /**
   * Changes committed to the session file by the app since the last call: SQLite's data_version,
   * read on a connection of the test's own, moves whenever another connection commits a write.
   */
  function sessionWrites(): () => boolean {
    const file = new DatabaseSync(h.config.session.sqliteFile, { readOnly: true });
    const version = () => (file.prepare('PRAGMA data_version').get() as { data_version: number }).data_version;
    const before = version();
    return () => {
      const wrote = version() !== before;
      file.close();
      return wrote;
    };
  }

  it('a list page view that changes nothing writes nothing: no save, no re-sealed token, no touch within the minute', async () => {
    await browser.get(`${h.appUrl}/`);
    const wrote = sessionWrites();
    for (const address of ['/', '/', '/?status=all&size=10', '/?sort=displayDate&order=desc', '/'])
      expect((await browser.get(`${h.appUrl}${address}`)).status).toBe(200);
    expect(wrote()).toBe(false);
  });

  it('a page opened with a continuation token is kept for Previous, and that is written', async () => {
    const first = await browser.get(`${h.appUrl}/?status=all&size=10`);
    const wrote = sessionWrites();
    await browser.get(`${h.appUrl}${linkOf(first, 'Next page')}`);
    expect(wrote()).toBe(true);
  });
});

describe('sorting by creation', () => {
  it('sorts the whole list by when each token was created, both ways, with a numbered page of a known total', async () => {
    const ascending: string[] = [];
    let page = await browser.get(`${h.appUrl}/?status=active&sort=created&order=asc&size=10`);
    expect(page.status).toBe(200);
    const total = Number(/of \d+, (\d+) tokens in all\./.exec(summaryOf(page) ?? '')?.[1]);
    const pageCount = Math.ceil(total / 10);
    expect(summaryOf(page)).toBe(`Page 1 of ${pageCount}, ${total} tokens in all.`);
    expect(pageCount).toBeGreaterThanOrEqual(2);
    expect(page.body).toContain(
      'aria-sort="ascending"><a href="/?status=active&amp;sort=created&amp;order=desc&amp;size=10">Created</a>',
    );
    for (let n = 1; ; n++) {
      expect(summaryOf(page)).toBe(`Page ${n} of ${pageCount}, ${total} tokens in all.`);
      ascending.push(...namesOn(page));
      const next = linkOf(page, 'Next page');
      if (!next) break;
      page = await browser.get(`${h.appUrl}${next}`);
    }
    expect(ascending).toHaveLength(total);
    expect(new Set(ascending).size).toBe(total);
    const created = (name: string) =>
      Date.parse(String(contosoTokens().find((token) => token.displayName === name)!.validFrom));
    expect(ascending.map(created)).toEqual([...ascending.map(created)].sort((a, b) => a - b));

    const back = await browser.get(`${h.appUrl}${linkOf(page, 'Previous page')}`);
    expect(summaryOf(back)).toBe(`Page ${pageCount - 1} of ${pageCount}, ${total} tokens in all.`);

    const descending = await browser.get(`${h.appUrl}/?status=active&sort=created&order=desc&size=100`);
    expect(namesOn(descending)).toEqual([...ascending].reverse());
  });

  it('sorts the export by creation too', async () => {
    const csv = await browser.get(`${h.appUrl}/export?format=json&status=all&sort=created&order=asc`);
    const rows = JSON.parse(csv.body) as Array<{ validFrom: string }>;
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.map((row) => row.validFrom)).toEqual(rows.map((row) => row.validFrom).sort());
  });
});

describe('the same words and controls on every list', () => {
  it('offers Name, Status, Created and Expiry date, as select and as column headers, on this organization and all organizations', async () => {
    for (const url of ['/?status=all', '/all?status=all']) {
      const page = await browser.get(`${h.appUrl}${url}`);
      expect(sortOptions(page), url).toEqual(['Name', 'Status', 'Created', 'Expiry date']);
      expect(headers(page), url).toEqual(['Name', 'Status', 'Scopes', 'Organizations', 'Created', 'Expiry date']);
    }
  });

  it('numbers the pages of all organizations with their total, and has the same Previous and Next', async () => {
    const first = await browser.get(`${h.appUrl}/all?status=all&size=10`);
    const total = Number(/, (\d+) tokens in all\./.exec(summaryOf(first) ?? '')?.[1]);
    expect(summaryOf(first)).toBe(`Page 1 of ${Math.ceil(total / 10)}, ${total} tokens in all.`);
    const second = await browser.get(`${h.appUrl}${linkOf(first, 'Next page')}`);
    expect(summaryOf(second)).toBe(`Page 2 of ${Math.ceil(total / 10)}, ${total} tokens in all.`);
    expect(namesOn(await browser.get(`${h.appUrl}${linkOf(second, 'Previous page')}`))).toEqual(namesOn(first));
  });

  it('numbers the activity log the same way, with Previous and Next', async () => {
    // 26 revokes at once: one page of 25 entries and a second one.
    const chosen = contosoTokens()
      .filter((token) => token.status !== 'revoked')
      .slice(0, 26);
    expect(chosen).toHaveLength(26);
    const confirm = await browser.get(
      `${h.appUrl}/tokens/bulk?${chosen.map((t) => `ids=${t.authorizationId}`).join('&')}`,
    );
    await browser.submit(confirm, '/tokens/bulk/revoke');
    const first = await browser.get(`${h.appUrl}/activity`);
    expect(summaryOf(first)).toBe('Page 1, 25 entries on this page.');
    expect(linkOf(first, 'Previous page')).toBeUndefined();
    const second = await browser.get(`${h.appUrl}${linkOf(first, 'Next page')}`);
    expect(summaryOf(second)).toBe('Page 2, 1 entry on this page.');
    expect(linkOf(second, 'Next page')).toBeUndefined();
    expect(linkOf(second, 'Previous page')).toBe('/activity?page=1');
  });
});

describe('scopes in the list', () => {
  it("says a token's scopes in words, counting a scope outside the catalogue instead of printing its id", async () => {
    const page = await browser.get(`${h.appUrl}/?status=all&size=100`);
    const scopes = /service-hook-relay<\/a>[\s\S]*?<td data-label="Scopes">([\s\S]*?)<\/td>/.exec(page.body)?.[1];
    expect(scopes?.replace(/<[^>]+>/g, '')).toBe('Work Items: Read; 1 other scope PAT Manager does not know');
    const text = page.body.replace(/<[^>]+>/g, ' ');
    expect(text).not.toMatch(/\bvso\.|app_token/);
  });
});
