// Microsoft's facts that the app and the emulator both rely on, read from test/reference/ (kept as
// Microsoft publishes them), so each is tested against the same list rather than against itself.
import { readFileSync } from 'node:fs';

const REFERENCE = new URL('../reference/', import.meta.url);

/** "Azure DevOps OAuth scopes": category and name of every scope, as Microsoft lists them. */
export function microsoftScopeList(): Array<{ category: string; name: string }> {
  return readFileSync(new URL('azure-devops-scopes.txt', REFERENCE), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [category = '', name = ''] = line.split('\t');
      return { category, name: name.trim() };
    });
}

/** The `patTokenError` enum of PatTokenResult in Microsoft's tokens OpenAPI file (7.2, the version the app calls). */
export function patTokenErrorEnum(): string[] {
  const text = readFileSync(new URL('azure-devops-specs/7.2/tokens/tokens.json', REFERENCE), 'utf8');
  const spec = JSON.parse(text.replace(/^\uFEFF/, '')) as {
    definitions: { PatTokenResult: { properties: { patTokenError: { enum: string[] } } } };
  };
  return spec.definitions.PatTokenResult.properties.patTokenError.enum;
}
