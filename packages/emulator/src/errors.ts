/**
 * Azure's error shapes. Images, audio and the Responses API wrap the error in `{ error: {...} }`;
 * Sora 1 video jobs answer the same fields unwrapped.
 */

/**
 * `wrapped`: `{ error: {...} }` (deployment paths); `wrapped-v1`: the same, with `type: 'error'` as
 * the v1 spec declares; `video`: Sora 1 jobs, unwrapped.
 */
export type ErrorStyle = 'wrapped' | 'wrapped-v1' | 'video';

export interface ErrorFields {
  code: string;
  message: string;
  param?: string;
  type?: string;
  inner_error?: Record<string, unknown>;
}

/** Thrown by handlers; the server turns it into a response in the route's error style. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly fields: ErrorFields,
    readonly headers: Record<string, string> = {},
  ) {
    super(fields.message);
  }
}

export function errorBody(style: ErrorStyle, fields: ErrorFields): Record<string, unknown> {
  const clean: Record<string, unknown> = { code: fields.code, message: fields.message };
  if (fields.param !== undefined) clean.param = fields.param;
  if (fields.type !== undefined) clean.type = style === 'wrapped-v1' ? 'error' : fields.type;
  if (fields.inner_error !== undefined) clean.inner_error = fields.inner_error;
  return style === 'video' ? clean : { error: clean };
}

function quote(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
}

/** 400 for a field the model does not accept, naming the field, the value and what is allowed. */
export function invalidValue(param: string, value: unknown, allowed: readonly unknown[] | string): HttpError {
  const allowedText =
    typeof allowed === 'string' ? allowed : `Supported values are: ${allowed.map(quote).join(', ')}.`;
  return new HttpError(400, {
    code: 'invalid_value',
    message: `Invalid value for '${param}': ${quote(value)}. ${allowedText}`,
    param,
    type: 'invalid_request_error',
  });
}

export function unknownParameter(param: string, model: string): HttpError {
  return new HttpError(400, {
    code: 'unknown_parameter',
    message: `Unknown parameter: '${param}' is not supported by model '${model}'.`,
    param,
    type: 'invalid_request_error',
  });
}

export function missingParameter(param: string): HttpError {
  return new HttpError(400, {
    code: 'missing_required_parameter',
    message: `Missing required parameter: '${param}'.`,
    param,
    type: 'invalid_request_error',
  });
}

export function badRequest(message: string, param?: string, code = 'invalid_request_error'): HttpError {
  return new HttpError(400, { code, message, ...(param ? { param } : {}), type: 'invalid_request_error' });
}

export function resourceNotFound(): HttpError {
  return new HttpError(404, { code: '404', message: 'Resource not found' });
}

export function deploymentNotFound(): HttpError {
  return new HttpError(404, {
    code: 'DeploymentNotFound',
    message:
      'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
  });
}

export function operationNotSupported(operation: string, model: string): HttpError {
  return new HttpError(400, {
    code: 'OperationNotSupported',
    message: `The ${operation} operation does not work with the specified model, ${model}. Please choose different model and try again.`,
  });
}

export const UNAUTHORIZED: ErrorFields = {
  code: '401',
  message:
    'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
};
