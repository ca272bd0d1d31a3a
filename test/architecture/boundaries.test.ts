// The layout is the architecture: these rules keep it true as the code grows.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(join(ROOT, 'src')).map((path) => ({
  path: relative(ROOT, path),
  text: readFileSync(path, 'utf8'),
}));
const importsOf = (text: string) =>
  [
    ...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);

describe('module boundaries', () => {
  it('the app never imports the emulator (only the demo launcher starts it)', () => {
    const offenders = files
      .filter((file) => !file.path.startsWith('src/emulator/') && file.path !== 'src/demo/demo-environment.ts')
      .filter((file) => importsOf(file.text).some((target) => target.includes('emulator/')))
      .map((file) => file.path);
    expect(offenders).toEqual([]);
    expect(files.some((file) => file.path === 'src/demo/demo-environment.ts')).toBe(true);
  });

  it('the emulator never imports the app', () => {
    const offenders = files
      .filter((file) => file.path.startsWith('src/emulator/'))
      .filter((file) =>
        importsOf(file.text).some(
          (target) => target.startsWith('.') && !join(file.path, '..', target).startsWith('src/emulator/'),
        ),
      )
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it('only the configuration module reads process.env', () => {
    const offenders = files
      .filter((file) => file.path !== 'src/config/config.ts' && !file.path.startsWith('src/emulator/'))
      .filter((file) => /process\.env/.test(file.text))
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it('the audit client (src/admin) speaks HTTP only through the Azure DevOps transport, and never renders', () => {
    const admin = files.filter((file) => file.path.startsWith('src/admin/'));
    expect(admin.length).toBeGreaterThan(0);
    const offenders = admin
      .filter((file) =>
        importsOf(file.text).some(
          (target) =>
            target === 'axios' || target.startsWith('@azure/msal') || target === 'express' || target.includes('/web/'),
        ),
      )
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it('the token lifecycle (src/tokens) knows nothing of Express, sessions or pages', () => {
    const lifecycle = files.filter((file) => file.path.startsWith('src/tokens/'));
    expect(lifecycle.length).toBeGreaterThan(0);
    const offenders = lifecycle
      .filter((file) =>
        importsOf(file.text).some(
          (target) =>
            target === 'express' ||
            target.startsWith('express-') ||
            target.includes('/web/') ||
            target.includes('/auth/') ||
            target.includes('/session/'),
        ),
      )
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it("ownership runs downward: storage and the session's shape need nothing of auth, activity, tokens or web", () => {
    const lower = files.filter((file) => file.path.startsWith('src/storage/') || file.path.startsWith('src/session/'));
    expect(lower.length).toBeGreaterThan(0);
    const upward = ['/auth/', '/activity/', '/tokens/', '/web/', '/setup/'];
    const offenders = lower
      .filter((file) =>
        importsOf(file.text).some(
          (target) =>
            target.startsWith('.') && upward.some((folder) => join(file.path, '..', target).includes(folder.slice(1))),
        ),
      )
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it('no route module imports another: each router is a table of its own pages', () => {
    const routes = files.filter((file) => file.path.startsWith('src/web/routes/'));
    expect(routes.length).toBeGreaterThan(0);
    const offenders = routes
      .filter((file) =>
        importsOf(file.text).some(
          (target) => target.startsWith('.') && join(file.path, '..', target).startsWith('src/web/routes/'),
        ),
      )
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it('routes never call axios, msal-node or an Azure SDK directly', () => {
    const offenders = files
      .filter((file) => file.path.startsWith('src/web/'))
      .filter((file) => importsOf(file.text).some((target) => target === 'axios' || target.startsWith('@azure/')))
      .map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it('the setup commands (register, doctor) never import the web app, and call Graph only through their client module', () => {
    const setup = files.filter((file) => file.path.startsWith('src/setup/'));
    expect(setup.length).toBeGreaterThan(0);
    expect(
      setup.filter((file) => importsOf(file.text).some((target) => target.includes('/web/'))).map((file) => file.path),
    ).toEqual([]);
    const httpClients = ['src/setup/graph-client.ts', 'src/setup/identity-probes.ts'];
    expect(
      setup
        .filter((file) => !httpClients.includes(file.path) && importsOf(file.text).includes('axios'))
        .map((file) => file.path),
    ).toEqual([]);
  });

  it('only the Key Vault module uses the Key Vault SDK', () => {
    const users = files
      .filter((file) => importsOf(file.text).some((target) => target.startsWith('@azure/keyvault')))
      .map((file) => file.path);
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((path) => !path.startsWith('src/keyvault/'))).toEqual([]);
  });
});
