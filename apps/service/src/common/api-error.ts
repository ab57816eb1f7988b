/**
 * Errors the service answers with, in Azure's error shape. Image, audio and responses routes wrap
 * the error in `{ error: {...} }`; Azure's video routes do not, so neither do ours.
 */
import type { Issue } from '@aoai-media/core';

export interface ApiErrorBody {
  code: string;
  message: string;
  param?: string | null;
  type?: string;
  /** Every validation problem, when there was more than one. */
  details?: { code: string; message: string; param: string; allowed?: readonly (string | number)[] }[];
}

export class ApiError extends Error {
  readonly headers: Record<string, string>;
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    headers?: Record<string, string>,
  ) {
    super(body.message);
    this.name = 'ApiError';
    this.headers = headers ?? {};
  }

  static badRequest(message: string, param?: string, code = 'invalid_value'): ApiError {
    return new ApiError(400, { code, message, param: param ?? null, type: 'invalid_request_error' });
  }

  static notFound(message = 'Resource not found'): ApiError {
    return new ApiError(404, { code: 'NotFound', message, type: 'invalid_request_error' });
  }

  static tooLarge(message: string, param?: string): ApiError {
    return new ApiError(413, {
      code: 'payload_too_large',
      message,
      param: param ?? null,
      type: 'invalid_request_error',
    });
  }

  static unauthorized(): ApiError {
    return new ApiError(401, {
      code: '401',
      message:
        'Access denied due to invalid subscription key or wrong API endpoint. Send a valid service key in the api-key header or as Authorization: Bearer.',
    });
  }

  static unavailable(message: string): ApiError {
    return new ApiError(
      503,
      { code: 'service_unavailable', message, type: 'server_error' },
      { 'retry-after': '5' },
    );
  }

  /** A 400 naming every field that breaks the model's rules. */
  static fromIssues(issues: readonly Issue[]): ApiError {
    const first = issues[0]!;
    return new ApiError(400, {
      code: first.code,
      message:
        issues.length === 1
          ? first.message
          : `${issues.length} problems: ${issues.map((i) => i.message).join('; ')}`,
      param: first.path,
      type: 'invalid_request_error',
      details: issues.map((i) => ({
        code: i.code,
        message: i.message,
        param: i.path,
        ...(i.allowed ? { allowed: i.allowed } : {}),
      })),
    });
  }
}

/** Azure's video routes answer with unwrapped errors. */
export function isUnwrappedErrorPath(path: string): boolean {
  return /\/openai\/(v1\/)?video\/generations(\/|$|\?)/.test(path);
}

export function renderError(path: string, body: ApiErrorBody): unknown {
  return isUnwrappedErrorPath(path) ? body : { error: body };
}
