import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Log } from './logger.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What the service attaches to a request: its id and, once authenticated, the tenant. */
export type ContextRequest = Request & { requestId?: string; tenant?: string };

export function requestIdOf(req: Request): string | undefined {
  return (req as ContextRequest).requestId;
}

/**
 * Request ids: a caller's `x-request-id` is kept (when it is a sane token), otherwise one is made;
 * it is echoed back, sent on to Azure, and written on every log line of the request.
 */
export function requestContext(log: Log) {
  return (req: ContextRequest, res: Response, next: NextFunction): void => {
    const given = req.header('x-request-id') ?? req.header('x-ms-client-request-id');
    const id = given && REQUEST_ID.test(given) ? given : randomUUID();
    req.requestId = id;
    res.setHeader('x-request-id', id);
    res.setHeader('apim-request-id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const fields = {
        requestId: id,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        tenant: req.tenant,
      };
      if (res.statusCode >= 500) log.error(fields, 'request failed');
      else if (req.path === '/health' || req.path.startsWith('/health/')) log.debug(fields, 'request');
      else log.info(fields, 'request');
    });
    next();
  };
}
