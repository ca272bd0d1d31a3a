// The one place that reads the environment. Everything the app can be told is declared and checked
// here at start-up, so a wrong setting stops the app with one line that names it, instead of a
// failure deep inside a request later.
import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { z } from 'zod';
import { GUID } from '../identifiers.ts';

export type ClientCredential =
  | { kind: 'secret'; clientSecret: string }
  | { kind: 'certificate'; thumbprintSha256: string; privateKey: string; certificateChain?: string };

export interface AppConfig {
  port: number;
  /** The address to listen on: loopback by default, 0.0.0.0 behind a load balancer. */
  host: string;
  /** The public address people use; the redirect URI is `${baseUrl}/getAToken`. */
  baseUrl: URL;
  /** True when the app talks to the local emulator with fake data; every page says so. */
  demo: boolean;
  /** Demo mode only: the emulator's port, where `*.localhost` names (its vaults) are reached. */
  demoEmulatorPort: number | undefined;
  production: boolean;
  /** Compile templates once (everywhere but development, where edits should show at once). */
  cacheViews: boolean;
  identity: {
    /** `${authorityHost}/${tenant}` is the msal-node authority. */
    authorityHost: string;
    tenant: string;
    clientId: string;
    credential: ClientCredential;
  };
  devops: {
    patsBaseUrl: string;
    profileBaseUrl: string;
    /** The Auditing API's host (https://auditservice.dev.azure.com): the organization's audit log. */
    auditBaseUrl: string;
    defaultOrganization: string | undefined;
  };
  keyVault: {
    /** Vault hosts PAT Manager may write to end in one of these, e.g. `.vault.azure.net`. */
    hostSuffixes: string[];
  };
  upstream: {
    timeoutMs: number;
    /** Extra certificate authority (PEM) to trust for upstream TLS, e.g. the emulator's. */
    ca: string | undefined;
  };
  session: {
    secret: string;
    store: 'sqlite' | 'memory' | 'redis';
    sqliteFile: string;
    /** Set when `store` is redis: sessions and msal-node token caches live there, shared by instances. */
    redis: RedisSettings | undefined;
    idleMinutes: number;
    /** However busy, a session ends this long after its sign-in; the person signs in again. */
    maxHours: number;
  };
  /** Per client address: at most `limit` requests to the sign-in routes in `windowMinutes`. */
  signInRateLimit: { limit: number; windowMinutes: number };
  /**
   * Keys (32 bytes each) that seal each person's token cache and remembered access token before any
   * store sees them: the first seals, all are tried to open, so a key can be rotated.
   */
  tokenCacheKeys: Buffer[];
  /** The SQLite file of the activity log (what people did through PAT Manager). */
  activityFile: string;
  /** The SQLite file of the vault links (which token's secret lives in which vault secret) and the old tokens a rotation kept. */
  vaultLinksFile: string;
  logLevel: string;
  trustProxy: boolean;
  /** How long a stopping instance lets requests in flight finish before it closes their connections. */
  shutdownTimeoutMs: number;
  /** The organization audit: at most this many token-administration calls at once, in the whole process. */
  auditConcurrency: number;
  /** The most people and tokens one audit keeps; the page says so when a limit is reached. */
  auditLimits: { people: number; tokens: number };
  /** Microsoft Graph (https://graph.microsoft.com): reminders by mail go to `${baseUrl}/v1.0/me/sendMail`. */
  graph: { baseUrl: string };
  /** Reminders: the webhook hosts people may give (a host, or a suffix starting with a dot), and the time of day (UTC) they are sent. */
  reminders: { webhookHosts: string[]; at: { hour: number; minute: number } };
  /** Rotation while nobody is signed in (AUTOMATION=false hides the feature). */
  automation: {
    enabled: boolean;
    /** How often the job engine looks for due jobs. */
    pollSeconds: number;
    /** The embedded job engine's SQLite file (jobs, and each person's sealed offline token cache); Redis holds both when instances share it. */
    jobsFile: string;
  };
}

export interface RedisSettings {
  url: string;
  /** Put before every key, so that several apps (or environments) can share one Redis. */
  keyPrefix: string;
  /** The longest any Redis command, connection attempt or readiness ping may take. */
  timeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'an http(s) URL such as https://example.com' });
const httpsUrl = z.url({ protocol: /^https$/, error: 'an https URL (msal-node and Azure DevOps require TLS)' });
const optionalText = z.string().trim().min(1).optional();
const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

/** Each setting, with the message that tells a person what to put there. */
const schema = z.object({
  PORT: z.coerce.number({ error: 'a port number, e.g. 5000' }).int().min(1).max(65535).default(5000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  BASE_URL: httpUrl.transform((v) => v.replace(/\/+$/, '')).optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DEMO_MODE: flag.default(false),
  DEMO_EMULATOR_PORT: z.coerce.number({ error: 'a port number, e.g. 5443' }).int().min(1).max(65535).optional(),
  AZURE_CLIENT_ID: z
    .string()
    .trim()
    .regex(GUID, 'the Application (client) ID GUID from the app registration')
    .optional(),
  AZURE_CLIENT_SECRET: optionalText,
  AZURE_CLIENT_CERTIFICATE_THUMBPRINT: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{64}$/i, "the certificate's SHA-256 thumbprint: 64 hex characters")
    .optional(),
  AZURE_CLIENT_CERTIFICATE_KEY_FILE: optionalText,
  AZURE_CLIENT_CERTIFICATE_FILE: optionalText,
  AZURE_TENANT_ID: z
    .string()
    .trim()
    .regex(
      /^([0-9a-f-]{36}|organizations|common|[a-z0-9-]+\.onmicrosoft\.com)$/i,
      'a tenant id GUID, a *.onmicrosoft.com domain, "organizations" or "common"',
    )
    .default('organizations'),
  IDENTITY_BASE_URL: httpsUrl.default('https://login.microsoftonline.com').transform((v) => v.replace(/\/+$/, '')),
  AZURE_DEVOPS_PATS_BASE_URL: httpsUrl.default('https://vssps.dev.azure.com').transform((v) => v.replace(/\/+$/, '')),
  AZURE_DEVOPS_PROFILE_BASE_URL: httpsUrl
    .default('https://app.vssps.visualstudio.com')
    .transform((v) => v.replace(/\/+$/, '')),
  AZURE_DEVOPS_AUDIT_BASE_URL: httpsUrl
    .default('https://auditservice.dev.azure.com')
    .transform((v) => v.replace(/\/+$/, '')),
  GRAPH_BASE_URL: httpsUrl.default('https://graph.microsoft.com').transform((v) => v.replace(/\/+$/, '')),
  AZURE_DEVOPS_DEFAULT_ORGANIZATION: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,49}$/, 'an organization name as in https://dev.azure.com/{name}')
    .optional(),
  UPSTREAM_TIMEOUT_MS: z.coerce
    .number({ error: 'milliseconds, e.g. 10000' })
    .int()
    .min(100)
    .max(120_000)
    .default(10_000),
  UPSTREAM_CA_FILE: optionalText,
  KEY_VAULT_HOST_SUFFIXES: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((suffix) => suffix.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z
            .string()
            .regex(/^(\.[a-z0-9-]+){2,}$/, 'host suffixes starting with a dot, comma-separated, e.g. .vault.azure.net'),
        )
        .min(1, 'host suffixes starting with a dot, comma-separated, e.g. .vault.azure.net'),
    )
    .default(['.vault.azure.net']),
  WEBHOOK_HOSTS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z
            .string()
            .regex(
              /^\.?[a-z0-9-]+(\.[a-z0-9-]+)+$/,
              'hosts (hooks.slack.com) or host suffixes starting with a dot (.logic.azure.com), comma-separated',
            ),
        )
        .min(1, 'hosts or host suffixes, comma-separated, e.g. hooks.slack.com,.logic.azure.com'),
    )
    .default(['.webhook.office.com', '.logic.azure.com', '.environment.api.powerplatform.com', 'hooks.slack.com']),
  REMINDERS_AT: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day in UTC, HH:MM, e.g. 08:00')
    .default('08:00'),
  SESSION_SECRET: z.string().min(32, 'at least 32 random characters, e.g. from `openssl rand -base64 48`').optional(),
  SESSION_STORE: z.enum(['sqlite', 'memory', 'redis'], { error: 'one of sqlite, memory, redis' }).default('sqlite'),
  SESSION_SQLITE_FILE: z.string().trim().min(1).default('.data/sessions.sqlite'),
  SESSION_IDLE_MINUTES: z.coerce
    .number({ error: 'minutes, e.g. 480' })
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(480),
  SESSION_MAX_HOURS: z.coerce
    .number({ error: 'hours, e.g. 12' })
    .int()
    .min(1)
    .max(30 * 24)
    .default(12),
  SIGN_IN_RATE_LIMIT: z.coerce
    .number({ error: 'a whole number of requests, e.g. 60' })
    .int()
    .min(1)
    .max(100_000)
    .default(60),
  SIGN_IN_RATE_WINDOW_MINUTES: z.coerce
    .number({ error: 'minutes, e.g. 5' })
    .int()
    .min(1)
    .max(24 * 60)
    .default(5),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'a redis:// or rediss:// URL' }).optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{0,64}$/, 'up to 64 letters, digits or : _ . - (e.g. patmanager:)')
    .default('patmanager:'),
  REDIS_TIMEOUT_MS: z.coerce.number({ error: 'milliseconds, e.g. 1000' }).int().min(50).max(30_000).default(1000),
  TOKEN_CACHE_KEYS: optionalText,
  ACTIVITY_SQLITE_FILE: z.string().trim().min(1).default('.data/activity.sqlite'),
  VAULT_LINKS_SQLITE_FILE: z.string().trim().min(1).default('.data/vault-links.sqlite'),
  JOBS_SQLITE_FILE: z.string().trim().min(1).default('.data/jobs.sqlite'),
  JOBS_POLL_SECONDS: z.coerce.number({ error: 'seconds, e.g. 60' }).min(0.05).max(3600).default(60),
  AUTOMATION: flag.default(true),
  AUDIT_MAX_PEOPLE: z.coerce
    .number({ error: 'a whole number of people, e.g. 5000' })
    .int()
    .min(1)
    .max(1_000_000)
    .default(5000),
  AUDIT_MAX_TOKENS: z.coerce
    .number({ error: 'a whole number of tokens, e.g. 50000' })
    .int()
    .min(1)
    .max(10_000_000)
    .default(50_000),
  AUDIT_CONCURRENCY: z.coerce.number({ error: 'a whole number from 1 to 32, e.g. 8' }).int().min(1).max(32).default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: flag.default(false),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ error: 'milliseconds, e.g. 10000' }).int().min(0).max(300_000).default(10_000),
});

type Settings = z.infer<typeof schema>;
type Environment = Record<string, string | undefined>;

/** Empty values count as unset, as they do in most .env files. */
function withoutEmptyValues(env: Environment): Environment {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
}

function readFileSetting(name: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`${name}: cannot read the file "${path}"; put the path of a readable PEM file there`);
  }
}

function clientCredential(settings: Settings): ClientCredential {
  if (settings.AZURE_CLIENT_CERTIFICATE_THUMBPRINT || settings.AZURE_CLIENT_CERTIFICATE_KEY_FILE) {
    if (!settings.AZURE_CLIENT_CERTIFICATE_THUMBPRINT || !settings.AZURE_CLIENT_CERTIFICATE_KEY_FILE) {
      throw new ConfigError(
        'AZURE_CLIENT_CERTIFICATE_THUMBPRINT and AZURE_CLIENT_CERTIFICATE_KEY_FILE: set both to sign in with a certificate',
      );
    }
    const chainFile = settings.AZURE_CLIENT_CERTIFICATE_FILE;
    return {
      kind: 'certificate',
      thumbprintSha256: settings.AZURE_CLIENT_CERTIFICATE_THUMBPRINT,
      privateKey: readFileSetting('AZURE_CLIENT_CERTIFICATE_KEY_FILE', settings.AZURE_CLIENT_CERTIFICATE_KEY_FILE),
      ...(chainFile ? { certificateChain: readFileSetting('AZURE_CLIENT_CERTIFICATE_FILE', chainFile) } : {}),
    };
  }
  if (settings.AZURE_CLIENT_SECRET) return { kind: 'secret', clientSecret: settings.AZURE_CLIENT_SECRET };
  throw new ConfigError(
    'AZURE_CLIENT_SECRET: set the client secret of the app registration (or a certificate: AZURE_CLIENT_CERTIFICATE_THUMBPRINT and AZURE_CLIENT_CERTIFICATE_KEY_FILE)',
  );
}

const TOKEN_CACHE_KEY_BYTES = 32;
const HOW_TO_MAKE_A_KEY = 'make one with `openssl rand -base64 32`';

/** One or more base64 keys of 32 bytes, comma-separated; a key's value never appears in a message. */
function tokenCacheKeys(value: string | undefined): Buffer[] {
  if (value === undefined) {
    throw new ConfigError(
      `TOKEN_CACHE_KEYS: missing; set it to a random base64 key of ${TOKEN_CACHE_KEY_BYTES} bytes (${HOW_TO_MAKE_A_KEY}), or several separated by commas, newest first`,
    );
  }
  const written = value.split(',').map((key) => key.trim());
  return written.map((key, index) => {
    const decoded = /^[A-Za-z0-9+/_-]+={0,2}$/.test(key) ? Buffer.from(key, 'base64') : Buffer.alloc(0);
    if (decoded.length !== TOKEN_CACHE_KEY_BYTES) {
      const which = written.length > 1 ? `key ${index + 1} of ${written.length}` : 'the key';
      throw new ConfigError(
        `TOKEN_CACHE_KEYS: ${which} is not ${TOKEN_CACHE_KEY_BYTES} bytes of base64 (${decoded.length === 0 ? 'not base64' : `${decoded.length} bytes`}); ${HOW_TO_MAKE_A_KEY}`,
      );
    }
    return decoded;
  });
}

function required<T>(value: T | undefined, name: string, what: string): T {
  if (value === undefined) throw new ConfigError(`${name}: missing; set it to ${what}`);
  return value;
}

/** One line naming the first bad setting and what to put there. */
function invalidSetting(error: z.ZodError): ConfigError {
  const issue = error.issues[0]!;
  return new ConfigError(`${String(issue.path[0] ?? 'configuration')}: invalid value; set it to ${issue.message}`);
}

/** Validates the environment; throws ConfigError with one line naming the first bad setting. */
export function loadConfig(env: Environment): AppConfig {
  const parsed = schema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) throw invalidSetting(parsed.error);
  const settings = parsed.data;
  const baseUrl = new URL(settings.BASE_URL ?? `http://localhost:${settings.PORT}`);
  const production = settings.NODE_ENV === 'production';
  if (production && baseUrl.protocol !== 'https:' && baseUrl.hostname !== 'localhost') {
    throw new ConfigError('BASE_URL: must be https in production, so the session cookie can be Secure');
  }
  if (settings.SESSION_STORE === 'redis' && !settings.REDIS_URL) {
    throw new ConfigError(
      'REDIS_URL: missing; SESSION_STORE=redis needs a redis:// URL such as redis://localhost:6379',
    );
  }
  return {
    port: settings.PORT,
    host: settings.HOST,
    baseUrl,
    demo: settings.DEMO_MODE,
    demoEmulatorPort: settings.DEMO_MODE ? settings.DEMO_EMULATOR_PORT : undefined,
    production,
    cacheViews: settings.NODE_ENV !== 'development',
    identity: {
      authorityHost: settings.IDENTITY_BASE_URL,
      tenant: settings.AZURE_TENANT_ID,
      clientId: required(
        settings.AZURE_CLIENT_ID,
        'AZURE_CLIENT_ID',
        'the Application (client) ID of your app registration',
      ),
      credential: clientCredential(settings),
    },
    devops: {
      patsBaseUrl: settings.AZURE_DEVOPS_PATS_BASE_URL,
      profileBaseUrl: settings.AZURE_DEVOPS_PROFILE_BASE_URL,
      auditBaseUrl: settings.AZURE_DEVOPS_AUDIT_BASE_URL,
      defaultOrganization: settings.AZURE_DEVOPS_DEFAULT_ORGANIZATION,
    },
    keyVault: { hostSuffixes: settings.KEY_VAULT_HOST_SUFFIXES },
    upstream: {
      timeoutMs: settings.UPSTREAM_TIMEOUT_MS,
      ca: settings.UPSTREAM_CA_FILE ? readFileSetting('UPSTREAM_CA_FILE', settings.UPSTREAM_CA_FILE) : undefined,
    },
    session: {
      secret: required(
        settings.SESSION_SECRET,
        'SESSION_SECRET',
        'at least 32 random characters, e.g. from `openssl rand -base64 48`',
      ),
      store: settings.SESSION_STORE,
      sqliteFile: settings.SESSION_SQLITE_FILE,
      redis: settings.REDIS_URL
        ? { url: settings.REDIS_URL, keyPrefix: settings.REDIS_KEY_PREFIX, timeoutMs: settings.REDIS_TIMEOUT_MS }
        : undefined,
      idleMinutes: settings.SESSION_IDLE_MINUTES,
      maxHours: settings.SESSION_MAX_HOURS,
    },
    signInRateLimit: { limit: settings.SIGN_IN_RATE_LIMIT, windowMinutes: settings.SIGN_IN_RATE_WINDOW_MINUTES },
    tokenCacheKeys: tokenCacheKeys(settings.TOKEN_CACHE_KEYS),
    activityFile: settings.ACTIVITY_SQLITE_FILE,
    vaultLinksFile: settings.VAULT_LINKS_SQLITE_FILE,
    logLevel: settings.LOG_LEVEL,
    trustProxy: settings.TRUST_PROXY,
    shutdownTimeoutMs: settings.SHUTDOWN_TIMEOUT_MS,
    auditConcurrency: settings.AUDIT_CONCURRENCY,
    auditLimits: { people: settings.AUDIT_MAX_PEOPLE, tokens: settings.AUDIT_MAX_TOKENS },
    graph: { baseUrl: settings.GRAPH_BASE_URL },
    reminders: {
      webhookHosts: settings.WEBHOOK_HOSTS,
      at: { hour: Number(settings.REMINDERS_AT.slice(0, 2)), minute: Number(settings.REMINDERS_AT.slice(3)) },
    },
    automation: {
      enabled: settings.AUTOMATION,
      pollSeconds: settings.JOBS_POLL_SECONDS,
      jobsFile: settings.JOBS_SQLITE_FILE,
    },
  };
}

/** The public base URL the settings give, before the rest is checked (the demo needs it first). */
export function baseUrlOf(env: Environment): URL {
  const settings = withoutEmptyValues(env);
  return new URL(settings.BASE_URL ?? `http://localhost:${settings.PORT ?? 5000}`);
}

/** With no app registration configured, `npm start` runs the demo against the local emulator. */
export function wantsDemo(env: Environment): boolean {
  return !withoutEmptyValues(env).AZURE_CLIENT_ID;
}

/** The process environment over a local `.env` file (the real environment wins, as with dotenv). */
export function readEnvironment(envFile = '.env'): Environment {
  const fromFile: Environment = {};
  dotenv.config({ path: envFile, processEnv: fromFile as dotenv.DotenvPopulateInput, quiet: true });
  return { ...fromFile, ...process.env };
}

/** What `npm run register` needs before an app registration exists: where Microsoft is, and how to reach it. */
export interface SetupConfig {
  baseUrl: URL;
  identityBaseUrl: string;
  /** Microsoft Graph (https://graph.microsoft.com); calls go to `${graphBaseUrl}/v1.0/...`. */
  graphBaseUrl: string;
  /** The tenant to sign in to: a tenant id or domain, or `organizations` when none is set. */
  tenant: string;
  upstream: AppConfig['upstream'];
}

/** The settings the setup commands share with the app, checked the same way (one line naming a bad one). */
export function loadSetupConfig(env: Environment): SetupConfig {
  const setupSchema = schema.pick({
    PORT: true,
    BASE_URL: true,
    IDENTITY_BASE_URL: true,
    GRAPH_BASE_URL: true,
    AZURE_TENANT_ID: true,
    UPSTREAM_TIMEOUT_MS: true,
    UPSTREAM_CA_FILE: true,
  });
  const parsed = setupSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) throw invalidSetting(parsed.error);
  const settings = parsed.data;
  return {
    baseUrl: new URL(settings.BASE_URL ?? `http://localhost:${settings.PORT}`),
    identityBaseUrl: settings.IDENTITY_BASE_URL,
    graphBaseUrl: settings.GRAPH_BASE_URL,
    tenant: settings.AZURE_TENANT_ID,
    upstream: {
      timeoutMs: settings.UPSTREAM_TIMEOUT_MS,
      ca: settings.UPSTREAM_CA_FILE ? readFileSetting('UPSTREAM_CA_FILE', settings.UPSTREAM_CA_FILE) : undefined,
    },
  };
}
