import { ArgumentsHost, Catch, HttpException, Inject, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AzureOpenAIError, ConnectionError, TimeoutError, ValidationError } from '@aoai-media/core';
import { ApiError, renderError, type ApiErrorBody } from './api-error.js';
import { LOGGER, type Log } from './logger.js';

/**
 * Every failure leaves in Azure's error shape. Upstream answers are relayed with their status
 * (Azure's own body, never its headers); a refused service credential upstream becomes a 502 so
 * callers do not mistake it for their own key being wrong.
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
    if (
      exception instanceof HttpException &&
      req.path.startsWith('/health') &&
      typeof exception.getResponse() === 'object'
    ) {
      // Health reports keep their own shape: monitors read the per-check details.
      res.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const error = this.toApiError(exception, req);
    for (const [k, v] of Object.entries(error.headers)) res.setHeader(k, v);
    if (error.status >= 400 && error.status < 500 && !req.complete) {
      // The body was refused before it was read: do not read the rest of it.
      res.setHeader('connection', 'close');
    }
    res.status(error.status).json(renderError(req.originalUrl ?? req.url, error.body));
  }

  private toApiError(exception: unknown, req: Request): ApiError {
    if (exception instanceof ApiError) return exception;
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
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return ApiError.notFound(`Resource not found: ${req.method} ${req.path}`);
      const message =
        typeof exception.getResponse() === 'string' ? String(exception.getResponse()) : exception.message;
      return new ApiError(status, {
        code: String(status),
        message,
        type: status < 500 ? 'invalid_request_error' : 'server_error',
      });
    }
    // Errors raised by the HTTP layer itself (a malformed URL, an aborted upload) carry their own 4xx status.
    const status =
      (exception as { status?: unknown; statusCode?: unknown })?.status ??
      (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return new ApiError(status, {
        code: String(status),
        message: status === 400 ? 'the request could not be read' : (exception as Error).message,
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
