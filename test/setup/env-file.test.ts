// The .env writer: settings set in place or appended, every other line kept, values dotenv reads
// back unchanged, and the file replaced with mode 0600.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { readEnvFile, withSettings, writeEnvFile } from '../../src/setup/env-file.ts';

describe('withSettings', () => {
  it('sets a setting where it is (export prefix and spaces too), appends new ones, keeps comments and blank lines', () => {
    const before = '# PAT Manager\nPORT=5000\n\n  export AZURE_CLIENT_ID = old # was here\nLOG_LEVEL=debug\n';
    const after = withSettings(before, {
      AZURE_CLIENT_ID: '6a1f0c1e-3a43-4a5e-9b0e-1f3c9d7e2b11',
      AZURE_TENANT_ID: 'bfdba499-d693-4004-a4d2-73a4133b66db',
    });
    expect(after).toBe(
      '# PAT Manager\nPORT=5000\n\nAZURE_CLIENT_ID=6a1f0c1e-3a43-4a5e-9b0e-1f3c9d7e2b11\nLOG_LEVEL=debug\n\nAZURE_TENANT_ID=bfdba499-d693-4004-a4d2-73a4133b66db\n',
    );
  });

  it('writes values dotenv reads back exactly: secrets with ~ . # and spaces, base64 keys', () => {
    const values = { AZURE_CLIENT_SECRET: 'abc8Q~x.y_z-0#1 2', TOKEN_CACHE_KEYS: 'q3+/w==', EMPTY: '' };
    expect(dotenv.parse(withSettings('', values))).toEqual(values);
  });

  it('refuses a value it could not write back unchanged', () => {
    expect(() => withSettings('', { A: "it's\nbroken" })).toThrow(/quote or a line break/);
  });
});

describe('writeEnvFile', () => {
  it('replaces the file in one step with mode 0600, even when it was readable by others', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pat-manager-env-'));
    const path = join(dir, '.env');
    writeFileSync(path, 'PORT=5000\n', { mode: 0o644 });
    writeEnvFile(readEnvFile(path), { AZURE_CLIENT_SECRET: 'secret-value' });
    expect(readFileSync(path, 'utf8')).toBe('PORT=5000\n\nAZURE_CLIENT_SECRET=secret-value\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
