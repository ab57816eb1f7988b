/**
 * The service's configuration, read from the environment once at start and checked as a whole:
 * every problem is reported at once, naming the variable, the value and what is allowed.
 * Secret values (keys) are never echoed in these messages.
 */
import { MODELS, getModel, isV1ApiVersion, lifecycleOf } from '@aoai-media/core';

export interface TenantKey {
  tenant: string;
  /** SHA-256 of the key, 32 bytes. */
  hash: Buffer;
}

/** What one process does: answer requests, run the video and webhook queues, or both. */
export type ServiceRole = 'api' | 'worker' | 'all';
export const SERVICE_ROLES: readonly ServiceRole[] = ['api', 'worker', 'all'];

/** Which @azure/identity credential signs in when Entra ID is used (Azure OpenAI or Blob Storage). */
export type CredentialKind =
  'default' | 'managed-identity' | 'workload-identity' | 'environment' | 'azure-cli';
export const CREDENTIAL_KINDS: readonly CredentialKind[] = [
  'default',
  'managed-identity',
  'workload-identity',
  'environment',
  'azure-cli',
];

/** Entra ID's scope for Azure OpenAI (Cognitive Services) tokens. */
export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

export type StorageConfig =
  | { backend: 'local'; dir: string; retentionHours: number }
  | {
      backend: 'azure-blob';
      retentionHours: number;
      connectionString?: string;
      accountUrl?: string;
      container: string;
      prefix: string;
    };

export interface ServiceConfig {
  host: string;
  port: number;
  role: ServiceRole;
  logLevel: string;
  azure: {
    endpoint: string;
    /** An API key, or Entra ID tokens for `tokenScope` from `credential`. */
    auth: { kind: 'api-key'; apiKey: string } | { kind: 'entra'; tokenScope: string };
    apiVersion: string;
    deployments: Record<string, string>;
    /** Retired models still called (all, or these names): for deployments Azure has extended. */
    allowRetiredModels: boolean | string[];
    timeoutMs: number;
    maxRetries: number;
  };
  redisUrl: string;
  /** Longest wait for Redis on a request's behalf; the request then gets a 503. */
  redisCommandTimeoutMs: number;
  queuePrefix: string;
  keys: TenantKey[];
  adminKeyHash: Buffer | undefined;
  storage: StorageConfig;
  /** The @azure/identity credential used wherever Entra ID signs the service in. */
  credential: CredentialKind;
  /** A user-assigned managed identity's client id (AZURE_CLIENT_ID). */
  credentialClientId: string | undefined;
  /** Proxies for outgoing HTTP(S), from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case). */
  proxy: { httpProxy?: string; httpsProxy?: string; noProxy?: string };
  limits: BodyLimits;
  http: {
    /** Longest time to receive a request's headers. */
    headersTimeoutMs: number;
    /** Longest time to receive a whole request, body included. */
    requestTimeoutMs: number;
    /** An idle keep-alive connection is closed after this. */
    keepAliveTimeoutMs: number;
  };
  video: {
    workerConcurrency: number;
    maxRunningDefault: number;
    maxRunningPerDeployment: Record<string, number>;
    pollInitialMs: number;
    pollMaxMs: number;
    /** How long a job may wait for Azure before it is failed, in ms. */
    jobTimeoutMs: number;
    /** How long after sending a create whose answer was lost the service looks for it upstream before sending it again. */
    reconcileWaitMs: number;
    /** Readiness reports the queue down when it has work and nothing moved for this long. */
    stallMs: number;
  };
  webhooks: {
    secret: string | undefined;
    allowLoopback: boolean;
    allowPrivate: boolean;
    maxAttempts: number;
    timeoutMs: number;
    backoffMs: number;
  };
  bull: { lockDurationMs: number; stalledIntervalMs: number };
  shutdownGraceMs: number;
  /** Tests only: `<point>:<n>[:<signal>]`, the process signals itself the n-th time it reaches a point. */
  testCrashAt: string | undefined;
  /** Tests only: crash points count only while this file exists. */
  testCrashArm: string | undefined;
}

export interface BodyLimits {
  maxJsonBytes: number;
  maxUploadBytes: number;
  /** A body that sends nothing for this long is refused (408). */
  bodyIdleMs: number;
  /** A body must have arrived whole this long after the request began (408). */
  bodyTimeoutMs: number;
}

export class ConfigProblem extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigProblem';
  }
}

type Env = Record<string, string | undefined>;

const HEX64 = /^[0-9a-f]{64}$/i;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Read and check the whole configuration; throws ConfigProblem listing every problem. */
export function loadConfig(env: Env): ServiceConfig {
  const problems: string[] = [];
  const text = (name: string, fallback?: string): string => {
    const value = env[name]?.trim();
    if (value) return value;
    if (fallback === undefined) problems.push(`${name} is required`);
    return fallback ?? '';
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}="${raw}" must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) return false;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    if (['0', 'false', 'no'].includes(raw)) return false;
    problems.push(`${name}="${env[name]}" must be true or false`);
    return false;
  };

  const endpoint = text('AZURE_OPENAI_ENDPOINT');
  if (endpoint) {
    try {
      const url = new URL(endpoint);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
    } catch {
      problems.push(
        `AZURE_OPENAI_ENDPOINT="${endpoint}" must be an http(s) URL such as https://my-resource.openai.azure.com`,
      );
    }
  }
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name}="${raw}" must be one of ${allowed.join(', ')}`);
    return fallback;
  };

  const role = oneOf('SERVICE_ROLE', SERVICE_ROLES, 'all');
  const apiKey = env.AZURE_OPENAI_API_KEY?.trim() ?? '';
  const authKind = oneOf('AZURE_OPENAI_AUTH', ['api-key', 'entra'] as const, 'api-key');
  if (authKind === 'api-key' && !apiKey)
    problems.push(
      'AZURE_OPENAI_API_KEY is required (or set AZURE_OPENAI_AUTH=entra to sign in with Entra ID, e.g. a managed identity)',
    );
  const credential = oneOf('AZURE_CREDENTIAL', CREDENTIAL_KINDS, 'default');
  const tokenScope = text('AZURE_OPENAI_TOKEN_SCOPE', COGNITIVE_SERVICES_SCOPE);

  const storageBackend = oneOf('STORAGE_BACKEND', ['local', 'azure-blob'] as const, 'local');
  const retentionHours = int('STORAGE_RETENTION_HOURS', 24 * 30, 1, 24 * 3650);
  let storage: StorageConfig = { backend: 'local', dir: text('STORAGE_DIR', '.data/media'), retentionHours };
  if (storageBackend === 'azure-blob') {
    const connectionString = env.AZURE_STORAGE_CONNECTION_STRING?.trim() || undefined;
    const accountUrl = env.AZURE_STORAGE_ACCOUNT_URL?.trim() || undefined;
    if (!connectionString === !accountUrl)
      problems.push(
        'STORAGE_BACKEND=azure-blob needs exactly one of AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL (with Entra ID, see AZURE_CREDENTIAL)',
      );
    if (accountUrl && !/^https?:\/\/[^/]+/.test(accountUrl))
      problems.push(
        `AZURE_STORAGE_ACCOUNT_URL="${accountUrl}" must be the account's blob endpoint, such as https://myaccount.blob.core.windows.net`,
      );
    const container = text('AZURE_STORAGE_CONTAINER', 'aoai-media');
    // Azure's rule for container names.
    if (!/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/.test(container))
      problems.push(
        `AZURE_STORAGE_CONTAINER="${container}" must be 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit`,
      );
    const prefix = env.AZURE_STORAGE_PREFIX?.trim() ?? '';
    if (prefix && !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/.test(prefix))
      problems.push(
        `AZURE_STORAGE_PREFIX="${prefix}" must be path segments of letters, digits, ".", "_" and "-" ending with "/", such as media/`,
      );
    storage = {
      backend: 'azure-blob',
      retentionHours,
      ...(connectionString ? { connectionString } : {}),
      ...(accountUrl ? { accountUrl } : {}),
      container,
      prefix,
    };
  }
  const proxyVar = (name: string): string | undefined =>
    env[name]?.trim() || env[name.toLowerCase()]?.trim() || undefined;
  const proxy = {
    httpProxy: proxyVar('HTTP_PROXY'),
    httpsProxy: proxyVar('HTTPS_PROXY'),
    noProxy: proxyVar('NO_PROXY'),
  };
  for (const [name, value] of [
    ['HTTP_PROXY', proxy.httpProxy],
    ['HTTPS_PROXY', proxy.httpsProxy],
  ] as const) {
    if (value && !/^https?:\/\/[^/]+/.test(value))
      problems.push(
        `${name} must be an http(s) URL such as http://proxy.internal:3128 (got a value that is not)`,
      );
  }
  const apiVersion = text('AZURE_OPENAI_API_VERSION', 'preview');
  if (!isV1ApiVersion(apiVersion) && !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)) {
    problems.push(
      `AZURE_OPENAI_API_VERSION="${apiVersion}" must be "preview", "v1" or a dated version such as 2025-04-01-preview`,
    );
  }
  const deployments: Record<string, string> = {};
  for (const [name, model] of pairs(
    env.AZURE_OPENAI_DEPLOYMENTS,
    'AZURE_OPENAI_DEPLOYMENTS',
    problems,
    'deployment=model',
  )) {
    deployments[name] = model;
  }

  const allowRetiredModels = retiredModelsAllowed(env.AZURE_OPENAI_ALLOW_RETIRED_MODELS, problems);

  const redisUrl = text('REDIS_URL');
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    problems.push(`REDIS_URL="${redisUrl}" must start with redis:// or rediss://`);

  const keys: TenantKey[] = [];
  const rawKeys = env.SERVICE_KEYS?.trim();
  if (!rawKeys) {
    problems.push(
      'SERVICE_KEYS is required: comma-separated tenant:sha256hex pairs (hash a key with `printf %s "$KEY" | sha256sum`)',
    );
  } else {
    for (const [tenant, hash] of pairs(rawKeys, 'SERVICE_KEYS', problems, 'tenant:sha256hex', ':')) {
      if (!NAME.test(tenant))
        problems.push(`SERVICE_KEYS: tenant "${tenant}" must be 1-64 letters, digits, ".", "_" or "-"`);
      else if (!HEX64.test(hash))
        problems.push(
          `SERVICE_KEYS: the hash for tenant "${tenant}" must be 64 hex digits (a SHA-256), not the key itself`,
        );
      else keys.push({ tenant, hash: Buffer.from(hash, 'hex') });
    }
  }
  const adminRaw = env.ADMIN_KEY_SHA256?.trim();
  let adminKeyHash: Buffer | undefined;
  if (adminRaw) {
    if (!HEX64.test(adminRaw))
      problems.push('ADMIN_KEY_SHA256 must be 64 hex digits (the SHA-256 of the admin key)');
    else adminKeyHash = Buffer.from(adminRaw, 'hex');
  }

  const maxRunningPerDeployment: Record<string, number> = {};
  for (const [name, value] of pairs(
    env.VIDEO_MAX_RUNNING_PER_DEPLOYMENT,
    'VIDEO_MAX_RUNNING_PER_DEPLOYMENT',
    problems,
    'deployment=count',
  )) {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 1000)
      problems.push(`VIDEO_MAX_RUNNING_PER_DEPLOYMENT: "${name}=${value}" needs a count from 1 to 1000`);
    else maxRunningPerDeployment[name] = n;
  }

  const secret = env.WEBHOOK_SECRET?.trim() || undefined;
  if (secret !== undefined && secret.length < 16)
    problems.push('WEBHOOK_SECRET must be at least 16 characters');

  const requestTimeoutMs = int('HTTP_REQUEST_TIMEOUT_MS', 60_000, 500, 3_600_000);
  const config: ServiceConfig = {
    host: text('HOST', '127.0.0.1'),
    port: int('PORT', 3000, 0, 65535),
    role,
    logLevel: text('LOG_LEVEL', 'info'),
    azure: {
      endpoint,
      auth: authKind === 'api-key' ? { kind: 'api-key', apiKey } : { kind: 'entra', tokenScope },
      apiVersion,
      deployments,
      allowRetiredModels,
      timeoutMs: int('AZURE_OPENAI_TIMEOUT_MS', 600_000, 1000, 3_600_000),
      maxRetries: int('AZURE_OPENAI_MAX_RETRIES', 2, 0, 10),
    },
    redisUrl,
    redisCommandTimeoutMs: int('REDIS_COMMAND_TIMEOUT_MS', 2000, 100, 60_000),
    queuePrefix: text('QUEUE_PREFIX', 'aoai-media'),
    keys,
    adminKeyHash,
    storage,
    credential,
    credentialClientId: env.AZURE_CLIENT_ID?.trim() || undefined,
    proxy: Object.fromEntries(Object.entries(proxy).filter(([, v]) => v)),
    limits: {
      maxJsonBytes: int('MAX_JSON_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
      maxUploadBytes: int('MAX_UPLOAD_BYTES', 100 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      bodyIdleMs: int('HTTP_BODY_IDLE_TIMEOUT_MS', 20_000, 100, 600_000),
      bodyTimeoutMs: requestTimeoutMs,
    },
    http: {
      // Headers are part of the request: never allowed longer than the whole of it.
      headersTimeoutMs: Math.min(int('HTTP_HEADERS_TIMEOUT_MS', 15_000, 100, 600_000), requestTimeoutMs),
      requestTimeoutMs,
      keepAliveTimeoutMs: int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    },
    video: {
      workerConcurrency: int('VIDEO_WORKER_CONCURRENCY', 50, 1, 2000),
      maxRunningDefault: int('VIDEO_MAX_RUNNING', 2, 1, 1000),
      maxRunningPerDeployment,
      pollInitialMs: int('VIDEO_POLL_INITIAL_MS', 2000, 10, 600_000),
      pollMaxMs: int('VIDEO_POLL_MAX_MS', 20_000, 10, 600_000),
      jobTimeoutMs: int('VIDEO_JOB_TIMEOUT_MS', 6 * 3600_000, 1000, 7 * 24 * 3600_000),
      reconcileWaitMs: int('VIDEO_RECONCILE_WAIT_MS', 60_000, 0, 3600_000),
      stallMs: int('QUEUE_STALL_MS', 300_000, 1000, 24 * 3600_000),
    },
    webhooks: {
      secret,
      allowLoopback: bool('WEBHOOK_ALLOW_LOOPBACK'),
      allowPrivate: bool('WEBHOOK_ALLOW_PRIVATE'),
      maxAttempts: int('WEBHOOK_MAX_ATTEMPTS', 8, 1, 50),
      timeoutMs: int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
      backoffMs: int('WEBHOOK_BACKOFF_MS', 2000, 10, 3600_000),
    },
    bull: {
      lockDurationMs: int('QUEUE_LOCK_MS', 30_000, 1000, 600_000),
      stalledIntervalMs: int('QUEUE_STALLED_CHECK_MS', 15_000, 500, 600_000),
    },
    shutdownGraceMs: int('SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    testCrashAt: env.AOAI_TEST_CRASH_AT?.trim() || undefined,
    testCrashArm: env.AOAI_TEST_CRASH_ARM?.trim() || undefined,
  };
  if (config.video.pollMaxMs < config.video.pollInitialMs) {
    problems.push(
      `VIDEO_POLL_MAX_MS (${config.video.pollMaxMs}) must not be below VIDEO_POLL_INITIAL_MS (${config.video.pollInitialMs})`,
    );
  }
  if (problems.length > 0) throw new ConfigProblem(problems);
  return config;
}

/** Parse `a=b,c=d` lists. */
function pairs(
  raw: string | undefined,
  name: string,
  problems: string[],
  form: string,
  sep = '=',
): [string, string][] {
  if (!raw?.trim()) return [];
  const out: [string, string][] = [];
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const at = part.indexOf(sep);
    const key = at > 0 ? part.slice(0, at).trim() : '';
    const value = at > 0 ? part.slice(at + 1).trim() : '';
    if (!key || !value) {
      // Never echo the entry: it may be a key pasted by mistake.
      problems.push(`${name}: entry ${out.length + 1} is not of the form ${form}`);
      continue;
    }
    out.push([key, value]);
  }
  return out;
}

/** The most upstream video jobs a deployment may have running at once. */
export function maxRunningFor(config: ServiceConfig, deployment: string): number {
  return config.video.maxRunningPerDeployment[deployment] ?? config.video.maxRunningDefault;
}

/** `true`, `false` (the default) or model names from core's table, comma-separated. */
function retiredModelsAllowed(raw: string | undefined, problems: string[]): boolean | string[] {
  const value = raw?.trim() ?? '';
  if (['', 'false', '0', 'no'].includes(value.toLowerCase())) return false;
  if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !getModel(name));
  if (unknown.length > 0)
    problems.push(
      `AZURE_OPENAI_ALLOW_RETIRED_MODELS="${value}" must be true, false or model names (${unknown.map((n) => `"${n}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a model; retired ones: ${retiredModelNames().join(', ')})`,
    );
  return names;
}

function retiredModelNames(): string[] {
  const now = Date.now();
  return MODELS.filter((model) => lifecycleOf(model, now).status === 'retired').map((model) => model.name);
}
