// The Key Vault data plane for secrets, answering for vault hosts `{name}.vault.localhost:{port}`
// (names under .localhost are loopback, RFC 6761): Set, Get, Versions, List and Update, behind the
// bearer challenge and RBAC-style roles. Shapes and codes follow Microsoft's secrets.json (7.4);
// where the reference is silent the choice is marked as a guess.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { findPerson, type Directory, type Person } from '../directory.ts';
import { KeyVaultApiError, secretBundle, secretItem, sendKeyVaultError, sendKeyVaultJson } from './wire.ts';
import type { StoredSecret, Vault, VaultRole, Vaults } from './vaults.ts';

const KEY_VAULT_AUDIENCE = 'https://vault.azure.net';
const VAULT_HOST = /^([0-9a-z-]{3,24})\.vault\.localhost$/i;
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const VERSION = /^[0-9a-f]{32}$/i;
const API_VERSION = /^(\d+\.\d+(-preview(\.\d+)?)?|\d{4}-\d{2}-\d{2}(-preview)?)$/;
const MAX_VALUE_BYTES = 25 * 1024;

export interface KeyVaultRouteOptions {
  vaults: Vaults;
  directory: Directory;
  origin: string;
  verifyAccessToken(
    authorizationHeader: string | undefined,
    audiences: string[],
  ): Promise<{ objectId: string; tenantId: string } | null>;
  vaultUrl(name: string): string;
}

type Action = 'getSecret' | 'setSecret' | 'readMetadata' | 'update';
/** What each built-in role may do (its data actions, Microsoft.KeyVault/vaults/secrets/...). */
const ALLOWED: Record<VaultRole, readonly Action[]> = {
  'Key Vault Secrets Officer': ['getSecret', 'setSecret', 'readMetadata', 'update'],
  'Key Vault Secrets User': ['getSecret', 'readMetadata'],
};

const attributesSchema = z
  .object({ enabled: z.boolean().optional(), nbf: z.number().int().optional(), exp: z.number().int().optional() })
  .passthrough();
const tagsSchema = z
  .record(z.string().max(512), z.string().max(256))
  .refine((tags) => Object.keys(tags).length <= 15, { message: 'at most 15 tags' });
const setSchema = z
  .object({
    value: z.string(),
    contentType: z.string().max(255).optional(),
    tags: tagsSchema.optional(),
    attributes: attributesSchema.optional(),
  })
  .passthrough();
const updateSchema = z
  .object({
    contentType: z.string().max(255).optional(),
    tags: tagsSchema.optional(),
    attributes: attributesSchema.optional(),
  })
  .passthrough();

interface Caller {
  vault: Vault;
  person: Person;
  vaultUrl: string;
}

/** Requests to a vault host go to the vault's routes; the others straight on (synchronously, so nothing else waits a turn). */
export function createKeyVaultRouter(options: KeyVaultRouteOptions): RequestHandler {
  const { vaults, directory } = options;
  const router = express.Router();
  const challenge = `Bearer authorization="${options.origin}/${directory.tenantId}", resource="${KEY_VAULT_AUDIENCE}"`;

  router.use((req, res, next) => {
    const name = VAULT_HOST.exec(req.hostname)![1]!;
    const vault = vaults.get(name);
    // Guess: a vault that does not exist has no DNS name on the real service (the client fails
    // to resolve it); here every .localhost name resolves, so the emulator answers 404 instead.
    if (!vault)
      return sendKeyVaultError(res, new KeyVaultApiError(404, 'VaultNotFound', `The vault '${name}' does not exist.`));
    res.locals.vault = vault;
    next();
  });

  router.use(async (req, res, next) => {
    if (!API_VERSION.test(String(req.query['api-version'] ?? ''))) {
      return sendKeyVaultError(
        res,
        new KeyVaultApiError(
          400,
          'BadParameter',
          'The request URI contains an invalid or missing api-version query parameter.',
        ),
      );
    }
    const header = req.get('authorization');
    if (!header)
      return sendKeyVaultError(
        res,
        new KeyVaultApiError(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.', {
          headers: { 'WWW-Authenticate': challenge },
        }),
      );
    const verified = await options.verifyAccessToken(header, [KEY_VAULT_AUDIENCE]);
    const person =
      verified && verified.tenantId === directory.tenantId ? findPerson(directory, verified.objectId) : undefined;
    if (!person)
      return sendKeyVaultError(
        res,
        new KeyVaultApiError(
          401,
          'Unauthorized',
          'AKV10032: Invalid issuer, audience or signature, or the token has expired.',
          { headers: { 'WWW-Authenticate': challenge } },
        ),
      );
    const vault = res.locals.vault as Vault;
    res.locals.caller = { vault, person, vaultUrl: options.vaultUrl(vault.name) } satisfies Caller;
    next();
  });
  router.use(express.json({ limit: '64kb', type: () => true }));

  function allow(res: Response, action: Action): Caller {
    const caller = res.locals.caller as Caller;
    const role = caller.vault.roles.get(caller.person.objectId);
    if (!role || !ALLOWED[role].includes(action)) {
      throw new KeyVaultApiError(
        403,
        'Forbidden',
        `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: oid=${caller.person.objectId}\r\nAction: 'Microsoft.KeyVault/vaults/secrets/${action}/action'\r\nResource: '/vaults/${caller.vault.name}/secrets'\r\nAssignment: (not found)\r\nVault: ${caller.vault.name}`,
        { innerCode: 'ForbiddenByRbac' },
      );
    }
    return caller;
  }

  function secretName(req: Request): string {
    const name = String(req.params.name);
    if (!SECRET_NAME.test(name))
      throw new KeyVaultApiError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`);
    return name;
  }

  function existing(caller: Caller, name: string): StoredSecret {
    const secret = caller.vault.secrets.get(name.toLowerCase());
    if (!secret || secret.deletedAt !== undefined || secret.versions.length === 0) {
      throw new KeyVaultApiError(
        404,
        'SecretNotFound',
        `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
      );
    }
    return secret;
  }

  function versionOf(secret: StoredSecret, version: string | undefined) {
    if (!version) return secret.versions.at(-1)!;
    const found = VERSION.test(version)
      ? secret.versions.find((candidate) => candidate.version === version.toLowerCase())
      : undefined;
    if (!found)
      throw new KeyVaultApiError(
        404,
        'SecretNotFound',
        `A secret with (name/id) ${secret.name}/${version} was not found in this key vault.`,
      );
    return found;
  }

  function parse<T>(schema: z.ZodType<T>, body: unknown): T {
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new KeyVaultApiError(
        400,
        'BadParameter',
        `The request body is not valid: ${parsed.error.issues[0]?.message ?? 'unreadable'}.`,
      );
    return parsed.data;
  }

  function page<T>(req: Request, res: Response, items: T[], path: string): void {
    const maxResults = Number(req.query.maxresults ?? 25);
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 25)
      throw new KeyVaultApiError(400, 'BadParameter', 'maxresults must be between 1 and 25.');
    const skip = Number(req.query.$skiptoken ?? 0) || 0;
    const rest = items.slice(skip + maxResults);
    const next = new URL(`${(res.locals.caller as Caller).vaultUrl}${path}`);
    next.searchParams.set('api-version', String(req.query['api-version']));
    next.searchParams.set('$skiptoken', String(skip + maxResults));
    next.searchParams.set('maxresults', String(maxResults));
    sendKeyVaultJson(res, 200, {
      value: items.slice(skip, skip + maxResults),
      nextLink: rest.length > 0 ? next.href : null,
    });
  }

  router.put('/secrets/:name', (req, res) => {
    const caller = allow(res, 'setSecret');
    const name = secretName(req);
    const body = parse(setSchema, req.body);
    if (Buffer.byteLength(body.value) > MAX_VALUE_BYTES)
      throw new KeyVaultApiError(400, 'BadParameter', 'The secret value is larger than 25 KB.');
    const stored = caller.vault.secrets.get(name.toLowerCase());
    if (stored?.deletedAt !== undefined) {
      throw new KeyVaultApiError(
        409,
        'Conflict',
        `Secret ${stored.name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
        { innerCode: 'ObjectIsDeletedButRecoverable' },
      );
    }
    const { secret, version } = vaults.setSecret(caller.vault, name, {
      value: body.value,
      contentType: body.contentType,
      tags: body.tags,
      ...body.attributes,
    });
    sendKeyVaultJson(res, 200, secretBundle(caller.vaultUrl, secret, version));
  });

  router.get('/secrets', (req, res) => {
    const caller = allow(res, 'readMetadata');
    const items = [...caller.vault.secrets.values()]
      .filter((secret) => secret.deletedAt === undefined)
      .map((secret) => secretItem(caller.vaultUrl, secret, secret.versions.at(-1)!));
    page(req, res, items, '/secrets');
  });

  router.get('/secrets/:name/versions', (req, res) => {
    const caller = allow(res, 'readMetadata');
    const secret = existing(caller, secretName(req));
    page(
      req,
      res,
      secret.versions.map((version) => secretItem(caller.vaultUrl, secret, version)),
      `/secrets/${secret.name}/versions`,
    );
  });

  router.get(['/secrets/:name', '/secrets/:name/:version'], (req, res) => {
    const caller = allow(res, 'getSecret');
    const secret = existing(caller, secretName(req));
    sendKeyVaultJson(
      res,
      200,
      secretBundle(caller.vaultUrl, secret, versionOf(secret, req.params.version as string | undefined)),
    );
  });

  router.patch(['/secrets/:name', '/secrets/:name/:version'], (req, res) => {
    const caller = allow(res, 'update');
    const secret = existing(caller, secretName(req));
    const version = versionOf(secret, req.params.version as string | undefined);
    const body = parse(updateSchema, req.body);
    if (body.contentType !== undefined) version.contentType = body.contentType;
    if (body.tags !== undefined) version.tags = body.tags;
    if (body.attributes?.enabled !== undefined) version.enabled = body.attributes.enabled;
    if (body.attributes?.nbf !== undefined) version.nbf = body.attributes.nbf;
    if (body.attributes?.exp !== undefined) version.exp = body.attributes.exp;
    version.updated = Math.floor(Date.now() / 1000);
    sendKeyVaultJson(res, 200, secretItem(caller.vaultUrl, secret, version));
  });

  router.use((_req, res) =>
    sendKeyVaultError(
      res,
      new KeyVaultApiError(404, 'NotFound', 'The requested operation is not supported by this vault.'),
    ),
  );
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof KeyVaultApiError) return sendKeyVaultError(res, error);
    if ((error as { type?: string }).type === 'entity.parse.failed')
      return sendKeyVaultError(res, new KeyVaultApiError(400, 'BadParameter', 'The request body is not valid JSON.'));
    next(error);
  });
  return (req, res, next) => (VAULT_HOST.test(req.hostname) ? router(req, res, next) : next());
}
