/**
 * One error hierarchy for every call. API errors are keyed by HTTP status; content filtering is
 * recognised in every shape Azure uses, so callers catch one class whatever the endpoint.
 */

export interface Issue {
  /** Dotted path of the field, e.g. `size` or `inpaint_items[0].crop_bounds.left_fraction`. */
  readonly path: string;
  readonly code: string;
  readonly message: string;
  readonly allowed?: readonly (string | number)[];
  /** `warning`: Azure accepts the request (it may ignore the field); absent means an error. */
  readonly severity?: 'warning';
}

/** Base of everything this library throws. */
export class AzureOpenAIMediaError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The request was not sent: it breaks the model's rules. Carries every issue at once. */
export class ValidationError extends AzureOpenAIMediaError {
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[], context?: string) {
    const head = context ? `${context}: ` : '';
    const lines = issues.map((i) => i.message);
    super(
      issues.length === 1 ? `${head}${lines[0]}` : `${head}${issues.length} problems: ${lines.join('; ')}`,
    );
    this.issues = issues;
  }
}

/** Bad client options, found when the client is constructed. */
export class ConfigurationError extends AzureOpenAIMediaError {}

export interface ApiErrorInit {
  status: number;
  message: string;
  code?: string | undefined;
  param?: string | undefined;
  type?: string | undefined;
  requestId?: string | undefined;
  headers?: Headers | undefined;
  body?: unknown;
}

/** Azure answered with an error status. */
export class AzureOpenAIError extends AzureOpenAIMediaError {
  readonly status: number;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly type: string | undefined;
  readonly requestId: string | undefined;
  readonly headers: Headers;
  /** The parsed error body (or the raw text when it was not JSON). */
  readonly body: unknown;

  constructor(init: ApiErrorInit) {
    const parts = [`${init.status}`, init.code, init.message].filter(Boolean);
    const suffix = init.requestId ? ` (request id ${init.requestId})` : '';
    super(`${parts.join(' ')}${suffix}`);
    this.status = init.status;
    this.code = init.code;
    this.param = init.param;
    this.type = init.type;
    this.requestId = init.requestId;
    this.headers = init.headers ?? new Headers();
    this.body = init.body;
  }
}

export class BadRequestError extends AzureOpenAIError {}
export class AuthenticationError extends AzureOpenAIError {}
export class PermissionDeniedError extends AzureOpenAIError {}
export class NotFoundError extends AzureOpenAIError {}
export class ConflictError extends AzureOpenAIError {}
export class PayloadTooLargeError extends AzureOpenAIError {}
export class UnprocessableEntityError extends AzureOpenAIError {}
export class RateLimitError extends AzureOpenAIError {
  /** How long Azure asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;
  constructor(init: ApiErrorInit & { retryAfterMs?: number | undefined }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}
export class ServerError extends AzureOpenAIError {}

export type FilterResults = Record<string, unknown>;

/** The prompt or the output was refused by Azure's content filtering, in any of its shapes. */
export class ContentFilterError extends AzureOpenAIError {
  readonly revisedPrompt: string | undefined;
  /** `content_filter_results` (or `prompt_filter_results`, or a video's `error_details`) as Azure sent them. */
  readonly filterResults: FilterResults | undefined;
  /** Names of the categories that were filtered, e.g. `['violence']`. */
  readonly categories: readonly string[];
  /** Azure's `inner_error` (or `innererror`) object, unchanged, when it sent one. */
  readonly innerError: unknown;
  constructor(
    init: ApiErrorInit & {
      revisedPrompt?: string | undefined;
      filterResults?: FilterResults | undefined;
      innerError?: unknown;
    },
  ) {
    super(init);
    this.revisedPrompt = init.revisedPrompt;
    this.filterResults = init.filterResults;
    this.categories = filteredCategories(init.filterResults);
    this.innerError = init.innerError;
  }
}

/**
 * The `tokenProvider` given in `auth` failed (or returned no token). Nothing was sent, and the
 * call is not retried: a credential that fails once (an expired secret, a missing login) fails
 * again, and some providers take seconds per try. `status` is 401 because the request could not
 * be authenticated; `cause` is what the provider threw.
 */
export class TokenProviderError extends AuthenticationError {
  constructor(cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super({ status: 401, code: 'token_provider_failed', message: `the token provider failed: ${reason}` });
    Object.defineProperty(this, 'cause', { value: cause, configurable: true, writable: true });
  }
}

/** No answer: DNS, refused connection, reset, or a body that ended early. */
export class ConnectionError extends AzureOpenAIMediaError {
  /**
   * True when the failure happened before any of the request was written (refused, DNS, TLS), so
   * Azure cannot have seen it; false when it may have (a reset, a body cut short).
   */
  readonly beforeSend: boolean;
  constructor(message: string, options?: { cause?: unknown; beforeSend?: boolean }) {
    super(message, options);
    this.beforeSend = options?.beforeSend ?? false;
  }
}

/**
 * Azure answered, but the body is not what the operation returns (not JSON, or JSON of the wrong
 * shape). Never retried by itself: the request reached Azure, and for a paid call it may have been
 * billed.
 */
export class InvalidResponseError extends AzureOpenAIMediaError {
  readonly status: number;
  readonly requestId: string | undefined;
  /** The start of the body, for diagnosis (at most 200 characters). */
  readonly snippet: string;
  constructor(init: { status: number; requestId?: string | undefined; body: string; expected: string }) {
    const snippet = init.body.length > 200 ? `${init.body.slice(0, 200)}…` : init.body;
    const id = init.requestId ? ` (request id ${init.requestId})` : '';
    super(`HTTP ${init.status}: expected ${init.expected}, got: ${JSON.stringify(snippet)}${id}`);
    this.status = init.status;
    this.requestId = init.requestId;
    this.snippet = snippet;
  }
}

/**
 * A paid request failed in a way that leaves it unknown whether Azure processed (and billed) it:
 * a connection reset after the request was sent, a 500/502/504, a timeout after sending, or an
 * answer that could not be read. It was not sent again. `cause` is the failure itself; `status`
 * and `requestId` are Azure's when it answered. Pass `retryAmbiguous: true` (client or call) to
 * resend image and audio requests on such failures anyway.
 */
export class MaybeProcessedError extends AzureOpenAIMediaError {
  /** The operation id from the operation table, e.g. `images.generate`. */
  readonly operation: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  constructor(operation: string, cause: Error | undefined, message?: string) {
    const fields = (cause ?? {}) as { status?: unknown; requestId?: unknown };
    super(
      message ??
        `${operation}: the request may have been processed (and billed) by Azure, so it was not sent again: ${cause?.message ?? 'unknown failure'}`,
      cause ? { cause } : undefined,
    );
    this.operation = operation;
    this.status = typeof fields.status === 'number' ? fields.status : undefined;
    this.requestId = typeof fields.requestId === 'string' ? fields.requestId : undefined;
  }
}

/**
 * Which task a video create made is unknown: more than one recent task matches it, or a task that
 * might match cannot be compared, or the recent tasks could not all be checked. Nothing was sent
 * again. `candidateIds` are the tasks to look at (and delete if unwanted); `cause` is the create's
 * own failure, when this comes from a create.
 */
export class AmbiguousVideoMatchError extends MaybeProcessedError {
  readonly candidateIds: readonly string[];
  constructor(operation: string, candidateIds: readonly string[], message: string, cause?: Error) {
    super(operation, cause, message);
    this.candidateIds = candidateIds;
  }
}

/** The call's `timeoutMs` ran out (including waits between retries or polls). */
export class TimeoutError extends AzureOpenAIMediaError {}
/** The caller's `AbortSignal` fired. */
export class AbortError extends AzureOpenAIMediaError {}

/** A video job ended `failed` or `cancelled`. */
export class JobFailedError extends AzureOpenAIMediaError {
  readonly jobId: string;
  readonly status: string;
  readonly failureReason: string | undefined;
  readonly job: unknown;
  constructor(jobId: string, status: string, failureReason: string | undefined, job: unknown) {
    super(`video job ${jobId} ended ${status}${failureReason ? `: ${failureReason}` : ''}`);
    this.jobId = jobId;
    this.status = status;
    this.failureReason = failureReason;
    this.job = job;
  }
}

function filteredCategories(results: FilterResults | undefined): string[] {
  if (!results || typeof results !== 'object') return [];
  const out: string[] = [];
  for (const [name, value] of Object.entries(results)) {
    if (value && typeof value === 'object' && (value as { filtered?: unknown }).filtered === true)
      out.push(name);
  }
  return out;
}

const CONTENT_FILTER_CODES = new Set([
  'content_filter',
  'content_policy_violation',
  'contentFilter',
  'ResponsibleAIPolicyViolation',
  'moderation_blocked',
  'input_moderation',
  'output_moderation',
]);

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  param?: unknown;
  type?: unknown;
  inner_error?: {
    code?: unknown;
    revised_prompt?: unknown;
    content_filter_results?: unknown;
    error_details?: unknown;
  };
  innererror?: ErrorFields['inner_error'];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The request id Azure gave this answer, if any. */
export function requestIdOf(headers: Headers): string | undefined {
  return (
    headers.get('apim-request-id') ??
    headers.get('x-request-id') ??
    headers.get('x-ms-request-id') ??
    undefined
  );
}

/**
 * Turn an error answer into the right error class. Image and audio errors are wrapped in
 * `{ error: {...} }`; video errors are not. Bodies that are not JSON still give a useful message.
 */
export function errorFromResponse(
  status: number,
  headers: Headers,
  bodyText: string,
  extra?: { retryAfterMs?: number | undefined },
): AzureOpenAIError {
  let body: unknown = bodyText;
  try {
    body = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    // not JSON: keep the text
  }
  const fields: ErrorFields =
    body && typeof body === 'object'
      ? (((body as { error?: unknown }).error as ErrorFields | undefined) ?? (body as ErrorFields))
      : {};
  const inner = fields.inner_error ?? fields.innererror;
  const code = str(fields.code);
  const innerCode = str(inner?.code);
  const fallbackMessage =
    typeof body === 'string' && body.trim()
      ? truncate(body.trim(), 300)
      : `HTTP ${status} with no error message`;
  const init: ApiErrorInit = {
    status,
    message: str(fields.message) ?? fallbackMessage,
    code: code ?? innerCode,
    param: str(fields.param),
    type: str(fields.type),
    requestId: requestIdOf(headers),
    headers,
    body,
  };

  const isFilter =
    (code !== undefined && CONTENT_FILTER_CODES.has(code)) ||
    (innerCode !== undefined && CONTENT_FILTER_CODES.has(innerCode));
  if (isFilter && status !== 403) {
    // Images put the results in content_filter_results; video errors in inner_error.error_details.
    const details = inner?.error_details;
    const filterResults = (inner?.content_filter_results ??
      (fields as { content_filter_results?: unknown }).content_filter_results ??
      (details && typeof details === 'object' ? details : undefined)) as FilterResults | undefined;
    return new ContentFilterError({
      ...init,
      revisedPrompt: str(inner?.revised_prompt),
      filterResults,
      innerError: inner,
    });
  }
  switch (status) {
    case 400:
      return new BadRequestError(init);
    case 401:
      return new AuthenticationError(init);
    case 403:
      return new PermissionDeniedError(init);
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 413:
      return new PayloadTooLargeError(init);
    case 422:
      return new UnprocessableEntityError(init);
    case 429:
      return new RateLimitError({ ...init, retryAfterMs: extra?.retryAfterMs });
    default:
      return status >= 500 ? new ServerError(init) : new AzureOpenAIError(init);
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
