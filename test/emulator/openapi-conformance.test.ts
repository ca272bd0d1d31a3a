// The emulator held to Microsoft's OpenAPI files for Tokens, Profile, Accounts, Graph users, token
// administration and the audit log (Swagger 2.0, kept
// in test/reference with their MIT licence): live answers must validate against each operation's
// response schema and carry every property its example carries, with the example's JSON types. The examples are validated too,
// and a deliberately wrong object must fail, so a validator that accepts everything cannot pass.
//
// Two readings of the files, both forced by the service itself:
// - Swagger 2.0 cannot say "null", yet the service sends null for absent values (the examples have
//   `"token": null`, `"targetAccounts": null`), so every property also accepts null.
// - `additionalProperties: { type: object }` is .NET's `object` (any JSON value): the audit log's
//   `data` holds strings, numbers and objects in its own example.
// - The audit 7.2 examples write a single object as `{ "value": { ... } }`; the object is what is
//   validated (the query's answer is the AuditLogQueryResult itself).
// - Azure DevOps wraps every list as `{ count, value }` (VssJsonCollectionWrapper, as the Accounts
//   examples show); for an array response schema, `value` is validated and `count` checked.
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.ts';
import { devOpsApi, type DevOpsAnswer, type DevOpsApi } from './support/devops-api.ts';
import { ADA, GRACE, startTestEmulator } from './support/test-emulator.ts';

const SPECS = new URL('../reference/azure-devops-specs/', import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The files are UTF-8 with a byte order mark, which JSON.parse refuses. */
function readJson(relativePath: string): JsonObject {
  const file = new URL(relativePath, SPECS);
  return JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as JsonObject;
}

// Tokens and token administration at 7.2 (the version PAT Manager calls), with their own httpExamples.
const SPEC_FILES = {
  tokens: '7.2/tokens/tokens.json',
  profile: 'profile-7.1.json',
  account: 'account-7.1.json',
  graph: 'graph-7.1.json',
  tokenAdmin: '7.2/tokenAdmin/tokenAdmin.json',
  audit: '7.2/audit/audit.json',
} as const;
/** Where a 7.2 file's `./httpExamples/...` live; the 7.1 files' examples are kept flat in examples/. */
const EXAMPLE_ROOT: Partial<Record<SpecName, string>> = {
  tokens: '7.2/tokens/',
  tokenAdmin: '7.2/tokenAdmin/',
  audit: '7.2/audit/',
};
/** Files whose examples wrap a single object in `value`. */
const OBJECT_IN_VALUE: readonly SpecName[] = ['audit'];
/** Graph and TokenAdmin examples are kept with their area in front of the name the file gives. */
const EXAMPLE_PREFIX: Partial<Record<SpecName, string>> = { graph: 'Graph_' };
type SpecName = keyof typeof SPEC_FILES;
const specs = Object.fromEntries(Object.entries(SPEC_FILES).map(([name, file]) => [name, readJson(file)])) as Record<
  SpecName,
  JsonObject
>;

// Where each operation sits in its file. List is under x-ms-paths (its path ends in `?`).
const OPERATIONS = {
  list: { spec: 'tokens', section: 'x-ms-paths', path: '/{organization}/_apis/tokens/pats?', method: 'get' },
  get: { spec: 'tokens', section: 'paths', path: '/{organization}/_apis/tokens/pats', method: 'get' },
  create: { spec: 'tokens', section: 'paths', path: '/{organization}/_apis/tokens/pats', method: 'post' },
  update: { spec: 'tokens', section: 'paths', path: '/{organization}/_apis/tokens/pats', method: 'put' },
  revoke: { spec: 'tokens', section: 'paths', path: '/{organization}/_apis/tokens/pats', method: 'delete' },
  profile: { spec: 'profile', section: 'paths', path: '/_apis/profile/profiles/{id}', method: 'get' },
  accounts: { spec: 'account', section: 'paths', path: '/_apis/accounts', method: 'get' },
  graphUsers: { spec: 'graph', section: 'paths', path: '/{organization}/_apis/graph/users', method: 'get' },
  tokenAdminList: {
    spec: 'tokenAdmin',
    section: 'paths',
    path: '/{organization}/_apis/tokenadmin/personalaccesstokens/{subjectDescriptor}',
    method: 'get',
  },
  revocations: {
    spec: 'tokenAdmin',
    section: 'paths',
    path: '/{organization}/_apis/tokenadmin/revocations',
    method: 'post',
  },
  descriptor: {
    spec: 'graph',
    section: 'paths',
    path: '/{organization}/_apis/graph/descriptors/{storageKey}',
    method: 'get',
  },
  revocationRules: {
    spec: 'tokenAdmin',
    section: 'paths',
    path: '/{organization}/_apis/tokenadmin/revocationrules',
    method: 'post',
  },
  auditLog: { spec: 'audit', section: 'paths', path: '/{organization}/_apis/audit/auditlog', method: 'get' },
} as const satisfies Record<string, { spec: SpecName; section: string; path: string; method: string }>;
type OperationName = keyof typeof OPERATIONS;

function operationOf(name: OperationName): JsonObject {
  const { spec, section, path, method } = OPERATIONS[name];
  return (((specs[spec][section] as JsonObject)[path] as JsonObject)[method] as JsonObject) ?? {};
}

/** The 7.2 files name their example folders in another letter case than Microsoft's repository has them. */
function caseOfFolder(root: string, relativePath: string): string {
  let found = root;
  for (const part of relativePath.split('/')) {
    const entry = readdirSync(new URL(found, SPECS)).find((name) => name.toLowerCase() === part.toLowerCase()) ?? part;
    found += found.endsWith('/') ? entry : `/${entry}`;
  }
  return found;
}

/** The example files an operation names (`./httpExamples/Pats/GetPat.json` lives as examples/GetPat.json). */
function examplesOf(name: OperationName): { file: string; status: string; body: Json }[] {
  const named = Object.values(operationOf(name)['x-ms-examples'] as JsonObject) as { $ref: string }[];
  return named.map(({ $ref }) => {
    const root = EXAMPLE_ROOT[OPERATIONS[name].spec];
    const file = root
      ? caseOfFolder(root, $ref.replace(/^\.\//, ''))
      : `examples/${EXAMPLE_PREFIX[OPERATIONS[name].spec] ?? ''}${basename($ref)}`;
    const responses = readJson(file).responses as JsonObject;
    const [status, response] = Object.entries(responses)[0]!;
    const body = (response as JsonObject).body ?? null;
    const unwrapped = OBJECT_IN_VALUE.includes(OPERATIONS[name].spec) ? ((body as JsonObject).value ?? null) : body;
    return { file, status, body: unwrapped };
  });
}

// --- Swagger 2.0 schemas as ajv schemas -------------------------------------------------------

/** Copies a schema: `#/definitions/X` points into the named file, and every property may be null. */
function readable(schema: Json, spec: SpecName): Json {
  if (Array.isArray(schema)) return schema.map((item) => readable(item, spec));
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) copy[key] = `${spec}.json${value}`;
    else if (key === 'additionalProperties' && JSON.stringify(value) === '{"type":"object"}') copy[key] = {};
    else if (key === 'properties' && value && typeof value === 'object' && !Array.isArray(value)) {
      copy[key] = Object.fromEntries(
        Object.entries(value).map(([property, propertySchema]) => [
          property,
          { anyOf: [readable(propertySchema, spec), { type: 'null' }] },
        ]),
      );
    } else copy[key] = readable(value, spec);
  }
  return copy;
}

const ajv = new Ajv({ strict: false, allErrors: true });
// ajv-formats is CommonJS: under Node's ESM its default import is the module, the plugin its `default`.
ajvFormats.default(ajv);
// .NET type names the files use as "formats"; they constrain nothing.
for (const format of ['T', 'JToken', 'JTokenType', 'CultureInfo', 'TimeZoneInfo']) ajv.addFormat(format, true);
// The TokenAdmin example prints .NET DateTimes of unspecified kind, with no offset
// (`2018-07-19T00:00:00`): the service sends both forms, so a date-time may leave the offset out.
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})?$/i);
for (const spec of Object.keys(SPEC_FILES) as SpecName[]) {
  ajv.addSchema({ $id: `${spec}.json`, definitions: readable(specs[spec].definitions!, spec) });
}

interface ResponseCheck {
  validate: ValidateFunction | undefined;
  /** Array responses come wrapped as `{ count, value }`. */
  wrapped: boolean;
}

function responseCheckOf(name: OperationName): ResponseCheck {
  const schema = ((operationOf(name).responses as JsonObject)['200'] as JsonObject | undefined)?.schema as
    JsonObject | undefined;
  if (!schema) return { validate: undefined, wrapped: false };
  return {
    validate: ajv.compile(readable(schema, OPERATIONS[name].spec) as JsonObject),
    wrapped: schema.type === 'array',
  };
}

/** Validation errors for a body, `[]` when it conforms. */
function schemaErrors(name: OperationName, body: Json): string[] {
  const { validate, wrapped } = responseCheckOf(name);
  if (!validate) return [];
  if (wrapped) {
    const wrapper = body as { count?: unknown; value?: Json[] };
    if (!Array.isArray(wrapper?.value)) return ['expected { count, value } with an array value'];
    if (wrapper.count !== wrapper.value.length)
      return [`count ${String(wrapper.count)} is not value.length ${wrapper.value.length}`];
    body = wrapper.value;
  }
  return validate(body)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`);
}

// --- "Carries every property the example carries, with the same types" ---------------------------

const jsonType = (value: Json) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/** Every path in a JSON value (array elements as `[]`) with the JSON types seen there. */
function shapeOf(value: Json, path = '$', shape = new Map<string, Set<string>>()): Map<string, Set<string>> {
  shape.set(path, (shape.get(path) ?? new Set()).add(jsonType(value)));
  if (Array.isArray(value)) for (const item of value) shapeOf(item, `${path}[]`, shape);
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) shapeOf(item, `${path}.${key}`, shape);
  return shape;
}

/**
 * Paths of the example the live answer lacks, or holds with types the example never shows there. A
 * path the example only ever shows as null tells no type (the TokenAdmin example's `displayName`).
 */
function shapeDifferences(live: Json, example: Json): string[] {
  const liveShape = shapeOf(live);
  return [...shapeOf(example)].flatMap(([path, exampleTypes]) => {
    const liveTypes = liveShape.get(path);
    if (!liveTypes) return [`${path} is missing`];
    if (exampleTypes.size === 1 && exampleTypes.has('null')) return [];
    const foreign = [...liveTypes].filter((type) => !exampleTypes.has(type));
    return foreign.length ? [`${path} is ${foreign.join('/')}, the example has ${[...exampleTypes].join('/')}`] : [];
  });
}

// --- The checks ---------------------------------------------------------------------------------

describe('the OpenAPI files and their examples', () => {
  // Descriptors_Get names an example (GetDescriptorById.json) that is not among the files kept here.
  it.each((Object.keys(OPERATIONS) as OperationName[]).filter((name) => name !== 'descriptor'))(
    '%s: every example answer validates against the response schema',
    (name) => {
      const examples = examplesOf(name);
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) expect(schemaErrors(name, example.body), example.file).toEqual([]);
    },
  );

  it('the validator can fail: wrong objects are refused, with reasons', () => {
    const wrongResult = {
      patToken: { authorizationId: 'not-a-guid', validTo: 'tomorrow', targetAccounts: 'contoso' },
      patTokenError: 'oops',
    };
    const errors = schemaErrors('create', wrongResult);
    expect(errors.join('\n')).toMatch(/authorizationId/);
    expect(errors.join('\n')).toMatch(/validTo/);
    expect(errors.join('\n')).toMatch(/targetAccounts/);
    expect(errors.join('\n')).toMatch(/patTokenError/);
    expect(schemaErrors('list', { continuationToken: 5, patTokens: {} } as unknown as Json)).not.toEqual([]);
    expect(schemaErrors('accounts', [{ accountId: 'contoso' }])).not.toEqual([]);
    expect(schemaErrors('accounts', { count: 1, value: [{ accountId: 'not-a-guid' }] })).not.toEqual([]);
    expect(schemaErrors('profile', { id: 42, timeStamp: 'now' })).not.toEqual([]);
    const wrongTokens = schemaErrors('tokenAdminList', {
      continuationToken: 'not-a-uuid',
      value: [{ authorizationId: 'x', isValid: 'yes', validTo: 'soon' }],
    }).join('\n');
    for (const where of ['/continuationToken', '/value/0/authorizationId', '/value/0/isValid', '/value/0/validTo'])
      expect(wrongTokens).toContain(where);
    expect(schemaErrors('graphUsers', { count: 1, value: [{ descriptor: 7, isDeletedInOrigin: 'no' }] })).not.toEqual(
      [],
    );
    expect(schemaErrors('descriptor', { value: 42 })).not.toEqual([]);
    // And the shape comparison notices missing properties and changed types.
    expect(shapeDifferences({ a: '1' }, { a: 1, b: null })).toEqual([
      '$.a is string, the example has number',
      '$.b is missing',
    ]);
  });
});

describe('live answers of the emulator', () => {
  let emulator: RunningEmulator;
  let api: DevOpsApi;
  let token: string;
  const answers = new Map<OperationName, DevOpsAnswer[]>();

  beforeAll(async () => {
    emulator = await startTestEmulator({ seed: 'demo' });
    api = devOpsApi(emulator);
    token = await emulator.control.issueAccessToken(ADA.objectId);
    const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
      api.call(method, url, { token, body });
    const validTo = new Date(Date.now() + 30 * 86_400_000).toISOString();

    // Mirrors the examples: a list with single- and all-organization tokens, a full-access token
    // created for one organization, an update to all organizations, a revoke.
    answers.set('list', [await call('GET', api.patsUrl('contoso', { displayFilterOption: 'all', $top: 100 }))]);
    const created = await call('POST', api.patsUrl('contoso'), {
      displayName: 'new_token',
      scope: 'app_token',
      validTo,
      allOrgs: false,
    });
    answers.set('create', [created]);
    const id: string = created.body.patToken.authorizationId;
    answers.set('get', [await call('GET', api.patsUrl('contoso', { authorizationId: id }))]);
    answers.set('update', [
      await call('PUT', api.patsUrl('contoso'), {
        authorizationId: id,
        displayName: 'updated_token',
        scope: 'vso.analytics',
        validTo,
        allOrgs: false,
      }),
    ]);
    answers.set('revoke', [await call('DELETE', api.patsUrl('contoso', { authorizationId: id }))]);
    answers.set('profile', [await call('GET', api.profileUrl('/_apis/profile/profiles/me'))]);
    answers.set('accounts', [
      await call('GET', api.profileUrl('/_apis/accounts', { memberId: ADA.memberId })),
      await call('GET', api.profileUrl('/_apis/accounts', { ownerId: ADA.memberId })),
    ]);

    // Graph users and token administration, as contoso's administrator (Grace).
    const admin = await emulator.control.issueAccessToken(GRACE.objectId);
    const vssps = (path: string, query: string) => `${emulator.urls.pats}/contoso/_apis/${path}?${query}`;
    const users = await api.call('GET', vssps('graph/users', 'api-version=7.1-preview.1'), { token: admin });
    answers.set('graphUsers', [users]);
    const descriptor: string = users.body.value.find(
      (user: { originId: string }) => user.originId === ADA.objectId,
    ).descriptor;
    answers.set('descriptor', [
      await api.call('GET', vssps(`graph/descriptors/${ADA.memberId}`, 'api-version=7.1'), { token: admin }),
    ]);
    answers.set('tokenAdminList', [
      await api.call(
        'GET',
        vssps(`tokenadmin/personalaccesstokens/${descriptor}`, 'pageSize=20&isPublic=false&api-version=7.2-preview.1'),
        { token: admin },
      ),
    ]);
    answers.set('auditLog', [
      await api.call(
        'GET',
        `${emulator.urls.audit}/contoso/_apis/audit/auditlog?batchSize=50&api-version=7.2-preview.1`,
        { token: admin },
      ),
    ]);
    answers.set('revocationRules', [
      await api.call('POST', vssps('tokenadmin/revocationrules', 'api-version=7.2-preview.1'), {
        token: admin,
        body: { scopes: 'vso.code vso.packaging', createdBefore: new Date().toISOString() },
      }),
    ]);
    const listed: string = answers.get('tokenAdminList')![0]!.body.value[0].authorizationId;
    answers.set('revocations', [
      await api.call('POST', vssps('tokenadmin/revocations', 'isPublic=false&api-version=7.2-preview.1'), {
        token: admin,
        body: [{ authorizationId: listed }],
      }),
    ]);
  });
  afterAll(() => emulator.close());

  it.each([
    'list',
    'get',
    'create',
    'update',
    'profile',
    'accounts',
    'graphUsers',
    'tokenAdminList',
    'descriptor',
    'auditLog',
  ] as const)('%s: validates against the response schema', (name) => {
    for (const answer of answers.get(name)!) {
      expect(answer.status).toBe(200);
      expect(schemaErrors(name, answer.body)).toEqual([]);
    }
  });

  it.each(['list', 'get', 'create', 'update', 'profile', 'accounts', 'graphUsers', 'tokenAdminList'] as const)(
    '%s: carries every property of the example, with its types',
    (name) => {
      const live = answers.get(name)!;
      const examples = examplesOf(name);
      // The Accounts examples (by member, by owner) pair with the two live calls in order.
      examples.forEach((example, index) =>
        expect(shapeDifferences(live[Math.min(index, live.length - 1)]!.body, example.body), example.file).toEqual([]),
      );
    },
  );

  it('auditLog: carries every property of the example’s entries, with their types (data is each event’s own)', () => {
    const [answer] = answers.get('auditLog')!;
    const [example] = examplesOf('auditLog');
    expect(answer!.body.decoratedAuditLogEntries.length).toBeGreaterThan(1);
    const differences = shapeDifferences(answer!.body, example!.body).filter(
      (difference) => !difference.startsWith('$.decoratedAuditLogEntries[].data.'),
    );
    expect(differences).toEqual([]);
    expect(
      schemaErrors('auditLog', { decoratedAuditLogEntries: [{ timestamp: 'now', category: 'leak' }] }),
    ).not.toEqual([]);
  });

  it('revoke: answers as the example does (204, no body; the file’s 200 is also allowed)', () => {
    const [answer] = answers.get('revoke')!;
    const [example] = examplesOf('revoke');
    expect(example?.status).toBe('204');
    expect([200, 204]).toContain(answer!.status);
    expect(answer!.text).toBe('');
  });

  it('graph users: a further page is named by the X-MS-ContinuationToken header the file documents', () => {
    const [answer] = answers.get('graphUsers')!;
    const headers = ((operationOf('graphUsers').responses as JsonObject)['200'] as JsonObject).headers as JsonObject;
    expect(Object.keys(headers)).toEqual(['X-MS-ContinuationToken']);
    expect(answer!.headers['x-ms-continuationtoken']).toMatch(/\S/);
  });

  it('revocation rules: answers as the file and its example do (201, no body)', () => {
    const [answer] = answers.get('revocationRules')!;
    const [example] = examplesOf('revocationRules');
    expect(example?.status).toBe('201');
    expect(Object.keys((operationOf('revocationRules').responses as JsonObject) ?? {})).toContain('201');
    expect(answer!.status).toBe(201);
    expect(answer!.text).toBe('');
  });

  it('revocations: answers as the file and its example do (204, no body)', () => {
    const [answer] = answers.get('revocations')!;
    const [example] = examplesOf('revocations');
    expect(example?.status).toBe('204');
    expect(answer!.status).toBe(204);
    expect(answer!.text).toBe('');
  });

  it('refusals are PatTokenResults too: patToken null and an enum value', async () => {
    const refused = await api.call('POST', api.patsUrl('contoso'), {
      token,
      body: { displayName: 'x', scope: 'vso.nonsense' },
    });
    expect(refused.body).toEqual({ patToken: null, patTokenError: 'invalidScope' });
    expect(schemaErrors('create', refused.body)).toEqual([]);
  });
});
