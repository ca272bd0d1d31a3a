// What `npm start` shows a newcomer beyond the seed: each demo person's first global token is kept in
// their vault, and PAT Manager knows it, so replacing it shows its secret following. A real demo
// process, signed in to through its own emulator.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { TestBrowser } from '../support/browser.ts';
import { freePort } from '../support/harness.ts';
import { startChild, type ChildService } from '../support/processes.ts';
import { ADA, signIn } from '../support/sign-in.ts';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
let demo: ChildService | undefined;
afterAll(async () => demo?.stop(2000));

it("links each demo person's first global token to the vault secret that holds it, so its page offers to replace it into that secret", async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pat-manager-demo-data-'));
  const port = await freePort();
  demo = startChild('demo', process.execPath, [MAIN], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      DEMO_EMULATOR_PORT: String(await freePort()),
    },
  });
  await demo.waitForLine(/PAT Manager demo/, 30_000);
  const appUrl = `http://localhost:${port}`;
  const browser = new TestBrowser(readFileSync(join(cwd, '.data', 'emulator', 'ca-certificate.pem'), 'utf8'));
  await signIn(browser, appUrl, ADA);
  const list = await browser.get(`${appUrl}/?status=all`);
  expect(list.body).toMatch(/>npm-registry-read<\/a>[\s\S]{0,200}Key Vault: ada-pats\/npm-registry-read-pat/);
  const id = /href="\/tokens\/([0-9a-f-]{36})[^"]*">npm-registry-read</.exec(list.body)![1]!;
  const details = await browser.get(`${appUrl}/tokens/${id}`);
  expect(details.body).toContain('https://ada-pats.vault.localhost');
  expect(details.body).toContain('Global: stopped working on 1 December 2026');
});
