import { ArgumentsHost, Catch, HttpException, Inject, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  AzureOpenAIError,
  ConnectionError,
  MaybeProcessedError,
  TimeoutError,
  ValidationError,
} from '@aoai-media/core';
import { ApiError, renderError, type ApiErrorBody } from './api-error.js';
import { ClientGone } from './body.js';
import { LOGGER, type Log } from './logger.js';
import { answerRefusal, clientGone } from './refusal.js';

/** The report a failed readiness check leaves (terminus): passed through so monitors read each check. */
export class HealthReport extends Error {
  constructor(readonly report: Record<string, unknown>) {
    super('not ready');
  }
}

/** Set on answers to paid requests that Azure may have processed (and billed) although they failed. */
export const MAYBE_PROCESSED_HEADER = 'x-aoai-maybe-processed';

/**
 * Every failure leaves in Azure's error shape. Upstream answers are relayed with their status
 * (Azure's own body, never its headers); a refused service credential upstream becomes a 502 so
 * callers do not mistake it for their own key being wrong. A paid request whose outcome is unknown
 * (Azure's 5xx, an answer lost after sending) is not sent again and says so. A refusal that comes before the body was
 * read is answered so the client can read it (see refusal.ts); a client that hung up gets nothing.
 */
@Catch()
export class AzureErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly log: Log) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    if (res.headersSent) {
      // A stream already started: all we can do is cut it so the client sees it incomplete.
      res.destroy();
      return;
    }
    if (exception instanceof ClientGone || clientGone(req)) {
      this.log.info({ path: req.path }, 'the client closed the connection before the request was complete');
      return;
    }
    if (exception instanceof HealthReport) {
      res.status(503).json(exception.report);
      return;
    }
    const error = this.toApiError(exception, req);
    answerRefusal(
      req,
      res,
      (close) => {
        for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v);
        if (close) res.setHeader('connection', 'close');
        res.status(error.status).json(renderError(req.originalUrl ?? req.url, error.body));
      },
      { drain: error.status !== 408 },
    );
  }

  private toApiError(exception: unknown, req: Request): ApiError {
    if (exception instanceof ApiError) return exception;
    if (exception instanceof MaybeProcessedError) return this.maybeProcessed(exception, req);
    if (exception instanceof ValidationError) return ApiError.fromIssues(exception.issues);
    if (exception instanceof AzureOpenAIError) return this.fromUpstream(exception);
    if (exception instanceof TimeoutError) {
      return new ApiError(504, {
        code: 'upstream_timeout',
        message: 'Azure OpenAI did not answer in time',
        type: 'server_error',
      });
    }
    if (exception instanceof ConnectionError) {
      return new ApiError(502, {
        code: 'upstream_unreachable',
        message: 'Azure OpenAI could not be reached',
        type: 'server_error',
      });
    }
    if (isBadEscape(exception)) {
      return new ApiError(400, {
        code: 'invalid_path',
        message: `the path ${JSON.stringify(req.path.slice(0, 200))} holds a %-escape that is not valid UTF-8`,
        param: 'path',
        type: 'invalid_request_error',
      });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404)
        return ApiError.notFound(`Resource not found: ${req.method} ${req.path.slice(0, 200)}`);
      const message =
        typeof exception.getResponse() === 'string' ? String(exception.getResponse()) : exception.message;
      return new ApiError(status, {
        code: status < 500 ? 'invalid_request' : 'internal_error',
        message,
        param: null,
        type: status < 500 ? 'invalid_request_error' : 'server_error',
      });
    }
    // Errors raised by the HTTP layer itself carry their own 4xx status.
    const status =
      (exception as { status?: unknown; statusCode?: unknown })?.status ??
      (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return new ApiError(status, {
        code: 'invalid_request',
        message: 'the request could not be read',
        param: null,
        type: 'invalid_request_error',
      });
    }
    this.log.error({ err: exception, path: req.path }, 'unhandled error');
    return new ApiError(500, {
      code: 'internal_error',
      message: 'The service failed to handle the request',
      type: 'server_error',
    });
  }

  /** Azure's own answer when there was one; otherwise a 502 (504 for a timeout) that says what is unknown. */
  private maybeProcessed(e: MaybeProcessedError, req: Request): ApiError {
    const cause = e.cause;
    const base =
      cause instanceof AzureOpenAIError
        ? this.fromUpstream(cause)
        : new ApiError(cause instanceof TimeoutError ? 504 : 502, {
            code: 'upstream_maybe_processed',
            message:
              'the answer from Azure OpenAI was lost after the request was sent: it may have been processed (and billed), so it was not sent again',
            type: 'server_error',
          });
    this.log.warn({ path: req.path, error: e.message }, 'a paid request may have been processed upstream');
    return new ApiError(base.status, base.body, { ...base.headers, [MAYBE_PROCESSED_HEADER]: 'true' });
  }

  private fromUpstream(e: AzureOpenAIError): ApiError {
    if (e.status === 401 || e.status === 403) {
      this.log.error({ status: e.status, requestId: e.requestId }, 'Azure refused the service credential');
      return new ApiError(502, {
        code: 'upstream_auth',
        message: 'Azure OpenAI refused the service credential',
        type: 'server_error',
      });
    }
    const headers: Record<string, string> = {};
    for (const name of ['retry-after', 'retry-after-ms', 'x-ms-retry-after-ms']) {
      const v = e.headers.get(name);
      if (v) headers[name] = v;
    }
    const raw =
      e.body && typeof e.body === 'object' ? ((e.body as { error?: unknown }).error ?? e.body) : undefined;
    const body: ApiErrorBody =
      raw && typeof raw === 'object'
        ? (raw as ApiErrorBody)
        : { code: e.code ?? String(e.status), message: e.message, type: e.type ?? 'upstream_error' };
    return new ApiError(e.status >= 500 ? 502 : e.status, body, headers);
  }
}

/** Express could not decode a path parameter (Nest hands it on wrapped in a 400). */
function isBadEscape(exception: unknown): boolean {
  const cause = exception instanceof HttpException ? exception.cause : exception;
  return cause instanceof URIError;
}
