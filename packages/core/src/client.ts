import {
  AbortError,
  ConfigurationError,
  ConnectionError,
  InvalidResponseError,
  MaybeProcessedError,
  ServerError,
  TimeoutError,
  TokenProviderError,
  errorFromResponse,
  requestIdOf,
  AzureOpenAIMediaError,
} from './errors.js';
import { isBeforeSendFailure, isRetryable, retryDelayMs, serverRetryAfterMs } from './retry.js';
import {
  operationKind,
  type HttpMethod,
  type OperationId,
  type OperationKind,
  type Route,
} from './operations.js';
import { getModel, recogniseModel, type ModelSpec } from './models.js';
import { Images } from './resources/images.js';
import { Videos } from './resources/videos.js';
import { Audio } from './resources/audio.js';
import { defaultFetch, defaultNow, defaultRandom, defaultSleep, type Sleep } from './platform.js';

export { defaultFetch, defaultNow, defaultRandom, defaultSleep, type Sleep } from './platform.js';

/** Calls `fire` after `ms` unless the returned cancel is called first. A call's timeout runs on it. */
export type Timer = (ms: number, fire: () => void) => () => void;

/** A timer built on a sleep: the sleep is stopped by aborting its signal. */
export function timerOnSleep(sleep: Sleep): Timer {
  return (ms, fire) => {
    const stop = new AbortController();
    sleep(ms, stop.signal).then(fire, noop);
    return () => stop.abort(TIMER_STOPPED);
  };
}

/**
 * The platform's timer for call timeouts: its own when its sleep carries one, else one built on its
 * sleep (a host's platform module may offer only `defaultSleep`).
 */
export const platformTimer: Timer =
  (defaultSleep as Sleep & { timer?: Timer }).timer ?? timerOnSleep(defaultSleep);

function noop(): void {}

/** The reason a stopped timer's sleep is aborted with: a constant, so stopping it allocates nothing. */
const TIMER_STOPPED = Object.freeze({ stopped: true });

export type Auth = { apiKey: string } | { bearerToken: string } | { tokenProvider: () => Promise<string> };

export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

export interface ClientOptions {
  /** `https://<resource>.openai.azure.com` (or the emulator's URL). A trailing `/openai` is accepted. */
  endpoint: string;
  auth: Auth;
  /**
   * `v1` (the default: Azure's GA v1 API, sent without `api-version`) or `preview` selects
   * `/openai/v1/...` paths; a dated version (`2024-10-21`, `2025-04-01-preview`) selects
   * `/openai/deployments/{deployment}/...` paths.
   */
  apiVersion?: string;
  /**
   * Retired models to call anyway, for deployments Azure has extended: `true` for all, or model
   * names. Without it a request to a retired model throws ValidationError (`model_retired`).
   */
  allowRetiredModels?: boolean | readonly string[];
  /** Deployment name -> model name, so requests are validated against the right model. */
  deployments?: Record<string, string>;
  maxRetries?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  /**
   * The fetch for large downloads (video content): default `fetch`. On Node, `nodeDownloadFetch()`
   * from `@aoai-media/core/node` streams them at the wire's speed in a fixed amount of memory.
   */
  downloadFetch?: typeof fetch;
  sleep?: Sleep;
  now?: () => number;
  random?: () => number;
  logger?: Logger;
  validation?: 'strict' | 'off';
  /** Extra headers on every request (never logged). */
  defaultHeaders?: Record<string, string>;
  /**
   * Resend paid image and audio requests after a failure that leaves it unknown whether Azure
   * processed (and billed) them: a reset after sending, a 500/502/504, a timeout after sending, an
   * unreadable answer. Default false: such failures throw MaybeProcessedError instead. Video creates
   * never need it: they look for the task they made before deciding to resend.
   */
  retryAmbiguous?: boolean;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
  maxRetries?: number;
  /** Overrides the client's `retryAmbiguous` for this call. */
  retryAmbiguous?: boolean;
}

export type { Route } from './operations.js';

export interface RequestSpec extends CallOptions {
  /**
   * The operation-table entry this request performs; it decides the retry rules. Without it, a
   * POST is treated as a paid create and anything else as a read.
   */
  operation?: OperationId;
  method: HttpMethod;
  /** Path below `/openai/v1/` or `/openai/deployments/{deployment}/`, e.g. `images/generations`. */
  path: string;
  route?: Route;
  deployment?: string;
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  /** A plain object is sent as JSON; FormData as multipart. */
  body?: unknown;
  headers?: Record<string, string>;
  /** A large body the caller streams (video content): sent with the client's `downloadFetch`. */
  download?: boolean;
  /**
   * An absolute URL outside the API (a generated image's download link). It is fetched without
   * credentials or default headers, and logged without its query (which holds a signature).
   */
  url?: string;
}

/** The client's default: Azure's v1 GA API, whose paths need no `api-version`. */
export const DEFAULT_API_VERSION = 'v1';
/** The api-version used for an operation that exists in only one URL family. */
export const DEFAULT_V1_API_VERSION = 'preview';
export const DEFAULT_DEPLOYMENT_API_VERSION = '2024-10-21';

const V1_VERSIONS = new Set(['v1', 'preview', 'latest']);
const MAX_REDIRECTS = 5;

/** Is this api-version one of the `/openai/v1` family? */
export function isV1ApiVersion(apiVersion: string): boolean {
  return V1_VERSIONS.has(apiVersion);
}

export class AzureOpenAIMedia {
  readonly endpoint: string;
  readonly apiVersion: string;
  readonly maxRetries: number;
  readonly timeoutMs: number;
  readonly retryAmbiguous: boolean;
  readonly validation: 'strict' | 'off';
  readonly allowRetiredModels: boolean | readonly string[];
  readonly logger: Logger | undefined;
  readonly sleep: Sleep;
  readonly now: () => number;
  readonly random: () => number;
  readonly images: Images;
  readonly videos: Videos;
  readonly audio: Audio;

  readonly #auth: Auth;
  readonly #fetch: typeof fetch;
  readonly #downloadFetch: typeof fetch;
  readonly #deployments: Record<string, string>;
  readonly #models = new Map<string, ModelSpec | undefined>();
  /** Lower-cased names, so a caller's `Accept` and ours are one header. */
  readonly #defaultHeaders: Record<string, string>;
  /** The credential header when it does not change between calls (a key or a fixed token). */
  readonly #fixedAuth: readonly [name: string, value: string] | undefined;
  readonly #origin: string;

  constructor(options: ClientOptions) {
    const problems = checkOptions(options);
    if (problems.length > 0) throw new ConfigurationError(`invalid client options: ${problems.join('; ')}`);
    const url = new URL(options.endpoint);
    this.endpoint = `${url.origin}${url.pathname.replace(/\/+$/, '').replace(/\/openai$/, '')}`;
    this.#origin = url.origin;
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    this.maxRetries = options.maxRetries ?? 2;
    this.timeoutMs = options.timeoutMs ?? 600_000;
    this.retryAmbiguous = options.retryAmbiguous ?? false;
    this.validation = options.validation ?? 'strict';
    this.allowRetiredModels = options.allowRetiredModels ?? false;
    this.logger = options.logger;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? defaultNow;
    this.random = options.random ?? defaultRandom;
    this.#auth = options.auth;
    this.#fetch = options.fetch ?? defaultFetch;
    this.#downloadFetch = options.downloadFetch ?? this.#fetch;
    this.#deployments = { ...(options.deployments ?? {}) };
    this.#defaultHeaders = lowerCaseNames(options.defaultHeaders);
    const auth = options.auth;
    this.#fixedAuth =
      'apiKey' in auth
        ? ['api-key', auth.apiKey]
        : 'bearerToken' in auth
          ? ['authorization', `Bearer ${auth.bearerToken}`]
          : undefined;
    this.images = new Images(this);
    this.videos = new Videos(this);
    this.audio = new Audio(this);
  }

  /** The model table entry for a deployment: configured, else recognised from its name, else undefined. */
  modelFor(deployment: string): ModelSpec | undefined {
    if (this.#models.has(deployment)) return this.#models.get(deployment);
    const configured = this.#deployments[deployment];
    const model =
      configured !== undefined
        ? (getModel(configured) ?? recogniseModel(configured))
        : recogniseModel(deployment);
    // Deployment names are few; remembering a bounded number keeps lookups off the hot path.
    if (this.#models.size < 1000) this.#models.set(deployment, model);
    return model;
  }

  /** The full URL for an operation. Exposed so tests and consumers can see exactly where a call goes. */
  buildUrl(spec: Pick<RequestSpec, 'path' | 'route' | 'deployment' | 'query'>): string {
    const route = spec.route ?? 'either';
    const useV1 = route === 'v1' || (route === 'either' && isV1ApiVersion(this.apiVersion));
    let apiVersion = this.apiVersion;
    let base: string;
    if (useV1) {
      if (!isV1ApiVersion(apiVersion)) apiVersion = DEFAULT_V1_API_VERSION;
      base = `${this.endpoint}/openai/v1/${spec.path}`;
    } else {
      if (isV1ApiVersion(apiVersion)) apiVersion = DEFAULT_DEPLOYMENT_API_VERSION;
      if (!spec.deployment) throw new ConfigurationError(`${spec.path} needs a deployment name`);
      base = `${this.endpoint}/openai/deployments/${encodeURIComponent(spec.deployment)}/${spec.path}`;
    }
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) params.set(key, value.join(','));
      else params.set(key, String(value));
    }
    // Azure's v1 GA paths take no api-version; `preview` (and dated versions) are sent.
    if (!(useV1 && apiVersion === DEFAULT_API_VERSION)) params.set('api-version', apiVersion);
    const query = params.toString();
    return query ? `${base}?${query}` : base;
  }

  /** Whether an operation with this route goes to `/openai/v1` (and so names the deployment in `model`). */
  usesV1(route: Route = 'either'): boolean {
    return route === 'v1' || (route === 'either' && isV1ApiVersion(this.apiVersion));
  }

  /**
   * Send one API request with retries, timeout and cancellation. Without `parse` it resolves with
   * the successful Response, body unread, for streaming. With `parse` the body is read inside the
   * retry loop, so a body cut short is handled like a failure of the request itself.
   *
   * What is retried depends on the operation's kind (see operations.ts): reads and deletes on any
   * transient failure; paid creates only on answers that prove nothing was processed (408, 429,
   * 503, and failures before the request was written), unless `retryAmbiguous` is set. A paid
   * create that fails ambiguously throws MaybeProcessedError.
   */
  request(spec: RequestSpec): Promise<Response>;
  request<T>(spec: RequestSpec, parse: (response: Response) => Promise<T>): Promise<T>;
  async request<T>(spec: RequestSpec, parse?: (response: Response) => Promise<T>): Promise<T | Response> {
    const url = spec.url ?? this.buildUrl(spec);
    const maxRetries = spec.maxRetries ?? this.maxRetries;
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const kind = operationKind(spec.operation, spec.method);
    const policy: RetryPolicy = {
      kind,
      operation: spec.operation ?? `${spec.method} ${spec.path}`,
      resendAmbiguous: kind !== 'paid-create' || (spec.retryAmbiguous ?? this.retryAmbiguous),
    };
    const deadline = Number.isFinite(timeoutMs) && timeoutMs > 0 ? this.now() + timeoutMs : Infinity;
    const call = new CallSignal(spec.signal, timeoutMs);
    // Set once any attempt failed in a way that may have been processed, so the final error says so.
    let uncertain = false;
    try {
      for (let attempt = 0; ; attempt++) {
        const outcome = await this.#attempt(url, spec, call, attempt, policy, parse);
        if ('value' in outcome) return outcome.value;
        const { failure, ambiguous, retryable, headers } = outcome;
        uncertain ||= ambiguous;
        const retry = retryable && (!ambiguous || policy.resendAmbiguous) && attempt < maxRetries;
        const delayMs = retry ? retryDelayMs(attempt, headers, this.now(), this.random) : 0;
        // A wait longer than the call has left would only end in a TimeoutError: say what happened now.
        if (!retry || delayMs >= deadline - this.now()) throw finalError(failure, policy, uncertain);
        await this.#wait(delayMs, call);
      }
    } catch (error) {
      call.dispose();
      const translated = call.translate(error);
      throw finalError(translated, policy, uncertain);
    }
  }

  /** One try: the value, or the failure with what the retry rules need to know about it. */
  async #attempt<T>(
    url: string,
    spec: RequestSpec,
    call: CallSignal,
    attempt: number,
    policy: RetryPolicy,
    parse: ((response: Response) => Promise<T>) | undefined,
  ): Promise<{ value: T | Response } | AttemptFailure> {
    const started = this.logger ? this.now() : 0;
    const paid = policy.kind === 'paid-create';
    let sent = false;
    let response: Response;
    try {
      response = await this.#send(url, spec, call.abortable, () => (sent = true));
    } catch (error) {
      const failure = call.translate(error);
      this.#log('warn', spec, { attempt, durationMs: this.now() - started, error: failure.message });
      return {
        failure,
        ambiguous: sent && isAmbiguousFailure(failure),
        retryable: failure instanceof ConnectionError,
      };
    }
    if (this.logger) {
      this.#log(response.ok ? 'debug' : 'warn', spec, {
        status: response.status,
        attempt,
        durationMs: this.now() - started,
        requestId: requestIdOf(response.headers),
      });
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const failure = errorFromResponse(response.status, response.headers, text, {
        retryAfterMs: serverRetryAfterMs(response.headers, this.now()),
      });
      // A paid create (not opted in) is retried only on answers that prove nothing was processed.
      const eligible = policy.resendAmbiguous || PROOF_NOTHING_PROCESSED.has(response.status);
      return {
        failure,
        ambiguous: isAmbiguousStatus(response.status),
        // x-should-retry is the server's word, for or against.
        retryable: eligible && isRetryable(response.status, response.headers),
        headers: response.headers,
      };
    }
    if (!parse) {
      call.release();
      return { value: response };
    }
    try {
      const value = await parse(response);
      call.dispose();
      return { value };
    } catch (error) {
      const failure = call.translate(bodyError(error));
      this.#log('warn', spec, { attempt, requestId: requestIdOf(response.headers), error: failure.message });
      return {
        failure,
        // Azure answered 200: the request was processed, whatever became of the answer.
        ambiguous: isAmbiguousFailure(failure),
        // A read that got an unreadable answer would read the same thing again.
        retryable: failure instanceof ConnectionError || (failure instanceof InvalidResponseError && paid),
      };
    }
  }

  /** Request and parse a JSON answer. */
  requestJson<T>(spec: RequestSpec): Promise<T> {
    return this.request(spec, (response) => readJson<T>(response));
  }

  /** Request and read the answer as text (srt, vtt, plain text). */
  requestText(spec: RequestSpec): Promise<string> {
    return this.request(spec, (response) => response.text());
  }

  /** Request and read the answer as bytes, with its content type. */
  requestBytes(spec: RequestSpec): Promise<{ bytes: Uint8Array; contentType: string | undefined }> {
    return this.request(spec, async (response) => ({
      bytes: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get('content-type') ?? undefined,
    }));
  }

  async #send(
    url: string,
    spec: RequestSpec,
    signal: AbortSignal | undefined,
    sending: () => void,
  ): Promise<Response> {
    signal?.throwIfAborted();
    const external = spec.url !== undefined;
    // A plain record with lower-cased names: fetch reads it faster than a Headers object.
    const headers: Record<string, string> = external ? {} : { ...this.#defaultHeaders };
    if (spec.headers) for (const name in spec.headers) headers[name.toLowerCase()] = spec.headers[name]!;
    if (!external) {
      const [name, value] = this.#fixedAuth ?? ['authorization', `Bearer ${await this.#token(signal)}`];
      headers[name] = value;
    }
    let body: BodyInit | undefined;
    if (spec.body instanceof FormData) {
      body = spec.body;
    } else if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }
    headers.accept ??= 'application/json';

    const send = spec.download ? this.#downloadFetch : this.#fetch;
    let target = url;
    for (let hop = 0; ; hop++) {
      sending();
      const response = await send(target, {
        method: spec.method,
        headers,
        body,
        signal,
        redirect: 'manual',
      });
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location || hop >= MAX_REDIRECTS)
        return response;
      await response.body?.cancel().catch(() => undefined);
      const next = new URL(location, target);
      // Never hand our key or token to another origin.
      if (next.origin !== this.#origin) {
        delete headers['api-key'];
        delete headers.authorization;
      }
      target = next.toString();
    }
  }

  /** A token from the provider; its failure is an authentication error, thrown at once. */
  async #token(signal: AbortSignal | undefined): Promise<string> {
    const provider = (this.#auth as { tokenProvider: () => Promise<string> }).tokenProvider;
    let token: unknown;
    try {
      token = await untilAborted(Promise.resolve().then(provider), signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new TokenProviderError(error);
    }
    if (typeof token !== 'string' || token === '') {
      throw new TokenProviderError(
        new Error(`it returned ${token === '' ? 'an empty string' : typeof token}, not a token`),
      );
    }
    return token;
  }

  async #wait(ms: number, call: CallSignal): Promise<void> {
    try {
      await this.sleep(ms, call.signal);
    } catch (error) {
      throw call.translate(error);
    }
  }

  #log(level: 'debug' | 'warn', spec: RequestSpec, fields: Record<string, unknown>): void {
    const fn = this.logger?.[level];
    if (!fn) return;
    const path =
      spec.url !== undefined
        ? externalPath(spec.url)
        : spec.route === 'deployment' || (spec.route !== 'v1' && !this.usesV1(spec.route))
          ? `deployments/${spec.deployment ?? ''}/${spec.path}`
          : spec.path;
    const operation = spec.operation ? { operation: spec.operation } : {};
    fn.call(this.logger, `${spec.method} ${path}`, { method: spec.method, path, ...operation, ...fields });
  }

  /** Options with secrets removed, for debugging output. */
  describe(): Record<string, unknown> {
    return {
      endpoint: this.endpoint,
      apiVersion: this.apiVersion,
      auth: 'apiKey' in this.#auth ? 'api-key' : 'bearer',
      deployments: { ...this.#deployments },
      maxRetries: this.maxRetries,
      timeoutMs: this.timeoutMs,
      retryAmbiguous: this.retryAmbiguous,
    };
  }
}

/**
 * One signal per call that fires on the caller's abort or on the call's timeout, and a translation
 * from whatever the platform threw into AbortError / TimeoutError. The timeout runs on the
 * platform's real timer (not the client's injected `sleep`, which a test's virtual clock may end at
 * once and so time every call out at once). Nothing is left listening on the caller's signal, and
 * no timer is left pending, after the call. Built on every request, so it holds one
 * AbortController and one timer and nothing more.
 */
export class CallSignal {
  /** Made when first needed: a call that nothing can abort needs none. */
  #controller: AbortController | undefined;
  readonly #outer: AbortSignal | undefined;
  readonly #timeoutMs: number;
  readonly #what: string;
  #cancelTimer: (() => void) | undefined;
  #timedOut = false;

  constructor(
    outer: AbortSignal | undefined,
    timeoutMs: number,
    what = 'the request',
    timer: Timer = platformTimer,
  ) {
    this.#outer = outer;
    this.#timeoutMs = timeoutMs;
    this.#what = what;
    if (outer?.aborted) {
      this.#abort(this.abortError());
      return;
    }
    outer?.addEventListener('abort', this.#onOuterAbort, { once: true });
    if (Number.isFinite(timeoutMs) && timeoutMs > 0) {
      this.#cancelTimer = timer(Math.ceil(timeoutMs), this.#onTimeout);
    }
  }

  /** Fires on the caller's abort or on the timeout. */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  /**
   * The signal to hand to fetch, or undefined when nothing can abort the call (no caller signal,
   * no timeout): a signal costs a fetch a listener and finalizer bookkeeping on every request.
   */
  get abortable(): AbortSignal | undefined {
    return this.#outer || this.#cancelTimer || this.#controller ? this.signal : undefined;
  }

  #abort(reason: Error): void {
    this.#controller ??= new AbortController();
    this.#controller.abort(reason);
  }

  readonly #onOuterAbort = (): void => {
    this.#stopTimer();
    this.#abort(this.abortError());
  };

  readonly #onTimeout = (): void => {
    // A timer that fires after being stopped must not end a call that is already over.
    if (!this.#cancelTimer || this.#controller?.signal.aborted) return;
    this.#cancelTimer = undefined;
    this.#timedOut = true;
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
    this.#abort(this.timeoutError());
  };

  #stopTimer(): void {
    const cancel = this.#cancelTimer;
    this.#cancelTimer = undefined;
    cancel?.();
  }

  /**
   * A body handed to the caller to stream: the timeout stops, the caller's signal still cancels
   * it (so its listener stays until the caller's signal is gone or fires).
   */
  release(): void {
    this.#stopTimer();
  }

  /** The call is over: stop the timer and leave nothing listening on the caller's signal. */
  dispose(): void {
    this.#stopTimer();
    this.#outer?.removeEventListener('abort', this.#onOuterAbort);
  }

  timeoutError(cause?: unknown): TimeoutError {
    return new TimeoutError(`${this.#what} timed out after ${this.#timeoutMs} ms`, { cause });
  }

  abortError(cause?: unknown): AbortError {
    return new AbortError(`${this.#what} was aborted`, { cause });
  }

  translate(error: unknown): Error {
    if (error instanceof AzureOpenAIMediaError) return error;
    if (this.#timedOut) return this.timeoutError(error);
    if (this.#controller?.signal.aborted) return this.abortError(error);
    return new ConnectionError(`connection failed: ${describeCause(error)}`, {
      cause: error,
      beforeSend: isBeforeSendFailure(error),
    });
  }
}

/** Header names lower-cased (HTTP names are case-insensitive; one spelling per name). */
function lowerCaseNames(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name.toLowerCase()] = headers[name]!;
  return out;
}

/** A token provider that hangs must not hold the call past its timeout or abort. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function externalPath(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

function bodyError(error: unknown): Error {
  if (error instanceof AzureOpenAIMediaError) return error;
  const name = (error as { name?: string })?.name;
  if (name === 'AbortError') return new AbortError('the request was aborted', { cause: error });
  if (name === 'TimeoutError') return new TimeoutError('the request timed out', { cause: error });
  return new ConnectionError(`the response body ended early: ${describeCause(error)}`, { cause: error });
}

interface RetryPolicy {
  kind: OperationKind;
  operation: string;
  /** Whether a failure that may have been processed can be sent again. */
  resendAmbiguous: boolean;
}

interface AttemptFailure {
  failure: Error;
  /** It may have been processed: resent only when the policy allows. */
  ambiguous: boolean;
  /** The kind of failure a retry can cure. */
  retryable: boolean;
  /** The answer's headers, for the server's requested wait. */
  headers?: Headers;
}

/** Answers that prove a paid create was not processed, so it can be sent again. */
const PROOF_NOTHING_PROCESSED = new Set([408, 429, 503]);

/** 5xx answers other than 503 (Service Unavailable) do not say whether the request was processed. */
function isAmbiguousStatus(status: number): boolean {
  return status >= 500 && status !== 503;
}

/** A failure after the request went out that does not prove it was not processed. */
function isAmbiguousFailure(failure: Error): boolean {
  if (failure instanceof ConnectionError) return !failure.beforeSend;
  if (failure instanceof ServerError) return isAmbiguousStatus(failure.status);
  return failure instanceof TimeoutError || failure instanceof InvalidResponseError;
}

/** The error a call ends with: for a paid create that may have been processed, MaybeProcessedError. */
function finalError(failure: Error, policy: RetryPolicy, uncertain: boolean): Error {
  if (!uncertain || policy.kind !== 'paid-create') return failure;
  // The caller's own abort stays an AbortError: they chose to stop.
  if (failure instanceof MaybeProcessedError || failure instanceof AbortError) return failure;
  return new MaybeProcessedError(policy.operation, failure);
}

/** Read a JSON answer: a body cut short is a ConnectionError, a body that is not JSON an InvalidResponseError. */
export async function readJson<T>(response: Response): Promise<T> {
  const text = await readText(response);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new InvalidResponseError({
      status: response.status,
      requestId: requestIdOf(response.headers),
      body: text,
      expected: 'a JSON body',
    });
  }
}

/** Read a text answer; a body cut short is a ConnectionError (or the call's abort/timeout). */
export async function readText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    throw bodyError(error);
  }
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const message = (error as Error)?.message ?? String(error);
  return cause?.code
    ? `${message} (${cause.code})`
    : cause?.message
      ? `${message} (${cause.message})`
      : message;
}

function checkOptions(options: ClientOptions): string[] {
  const problems: string[] = [];
  if (!options || typeof options !== 'object') return ['options must be an object'];
  if (typeof options.endpoint !== 'string' || options.endpoint.trim() === '') {
    problems.push('endpoint is required, e.g. "https://my-resource.openai.azure.com"');
  } else {
    try {
      const url = new URL(options.endpoint);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        problems.push(`endpoint "${options.endpoint}" must be an http or https URL`);
      }
      if (url.search || url.hash)
        problems.push(`endpoint "${url.origin}${url.pathname}" must not carry a query or fragment`);
    } catch {
      problems.push(`endpoint "${options.endpoint}" is not a valid URL`);
    }
  }
  const auth = options.auth as Record<string, unknown> | undefined;
  if (!auth || typeof auth !== 'object') {
    problems.push('auth is required: { apiKey } or { bearerToken } or { tokenProvider }');
  } else {
    const given = ['apiKey', 'bearerToken', 'tokenProvider'].filter((k) => auth[k] !== undefined);
    if (given.length !== 1) {
      problems.push(
        `auth must have exactly one of apiKey, bearerToken, tokenProvider (got ${given.join(', ') || 'none'})`,
      );
    } else if (
      given[0] === 'tokenProvider'
        ? typeof auth.tokenProvider !== 'function'
        : typeof auth[given[0]!] !== 'string' || (auth[given[0]!] as string).length === 0
    ) {
      problems.push(
        `auth.${given[0]} must be a ${given[0] === 'tokenProvider' ? 'function' : 'non-empty string'}`,
      );
    }
  }
  if (
    options.apiVersion !== undefined &&
    !/^(v1|preview|latest|\d{4}-\d{2}-\d{2}(-preview)?)$/.test(options.apiVersion)
  ) {
    problems.push(
      `apiVersion "${options.apiVersion}" is not valid; use "preview", "v1" or a dated version such as "2024-10-21"`,
    );
  }
  for (const key of ['maxRetries', 'timeoutMs'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
      problems.push(`${key} must be a non-negative integer (got ${String(value)})`);
    }
  }
  if (options.retryAmbiguous !== undefined && typeof options.retryAmbiguous !== 'boolean') {
    problems.push(`retryAmbiguous must be true or false (got ${JSON.stringify(options.retryAmbiguous)})`);
  }
  if (options.validation !== undefined && options.validation !== 'strict' && options.validation !== 'off') {
    problems.push(`validation "${String(options.validation)}" is not valid; use "strict" or "off"`);
  }
  const allow = options.allowRetiredModels;
  if (
    allow !== undefined &&
    typeof allow !== 'boolean' &&
    !(Array.isArray(allow) && allow.every((m) => typeof m === 'string'))
  ) {
    problems.push('allowRetiredModels must be true, false or a list of model names');
  }
  for (const key of ['fetch', 'downloadFetch'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function')
      problems.push(`${key} must be a function`);
  }
  if (options.deployments !== undefined) {
    for (const [name, model] of Object.entries(options.deployments)) {
      if (typeof model !== 'string' || model === '')
        problems.push(`deployments["${name}"] must name a model`);
    }
  }
  return problems;
}
