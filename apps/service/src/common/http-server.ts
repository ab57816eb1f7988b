/**
 * The HTTP server under Nest, with its limits set and its own refusals in Azure's shape:
 * - headers must arrive within HTTP_HEADERS_TIMEOUT_MS and the whole request within
 *   HTTP_REQUEST_TIMEOUT_MS (both 408), idle keep-alive connections close after
 *   HTTP_KEEP_ALIVE_TIMEOUT_MS; the body readers add HTTP_BODY_IDLE_TIMEOUT_MS (see body.ts);
 * - what Node refuses before a request reaches the application (over-long URL or headers: 431;
 *   broken framing, unknown methods, bad lengths: 400; timeouts: 408) is answered with an Azure
 *   error body instead of Node's bare status line.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { ServiceConfig } from '../config/config.js';
import type { Log } from './logger.js';

const REFUSALS: Record<string, { status: number; code: string; message: string; param?: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'request_header_too_large',
    message: 'the request line or headers are larger than 16 KiB',
    param: 'headers',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'request_timeout',
    message: 'the request did not arrive in time',
  },
  ERR_HTTP_HEADERS_TIMEOUT: {
    status: 408,
    code: 'request_timeout',
    message: 'the request headers did not arrive in time',
    param: 'headers',
  },
  HPE_HEADERS_TIMEOUT: {
    status: 408,
    code: 'request_timeout',
    message: 'the request headers did not arrive in time',
    param: 'headers',
  },
  HPE_INVALID_METHOD: {
    status: 400,
    code: 'invalid_request',
    message: 'the method is not HTTP',
    param: 'method',
  },
  HPE_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_request',
    message: 'the content-length header is not a number',
    param: 'content-length',
  },
  HPE_UNEXPECTED_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_request',
    message: 'content-length and transfer-encoding: chunked cannot both be sent',
    param: 'content-length',
  },
  HPE_INVALID_CHUNK_SIZE: {
    status: 400,
    code: 'invalid_request',
    message: 'the chunked body is malformed',
    param: 'transfer-encoding',
  },
};

function errorAnswer(status: number, body: unknown): string {
  const text = JSON.stringify(body);
  return [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(text)}`,
    'connection: close',
    '',
    text,
  ].join('\r\n');
}

/** Answer what Node refused itself, then close (Node discards the rest of such a connection). */
export function onClientError(log: Log) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    const pending = (socket as Socket & { _httpMessage?: http.ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) {
      socket.destroy();
      return;
    }
    const known = REFUSALS[error.code ?? ''];
    const refusal = known ?? {
      status: 400,
      code: 'invalid_request',
      message: 'the request is not valid HTTP/1.1',
    };
    log.info({ code: error.code, status: refusal.status }, 'refused a malformed request');
    socket.end(
      errorAnswer(refusal.status, {
        error: {
          code: refusal.code,
          message: refusal.message,
          param: refusal.param ?? null,
          type: 'invalid_request_error',
        },
      }),
    );
    // Whatever the client still sends is read and dropped until it closes (or a few seconds pass).
    socket.resume();
    setTimeout(() => socket.destroy(), 5_000).unref();
  };
}

/** Nest's Express adapter on a server created with the service's limits. */
export class ServiceHttpAdapter extends ExpressAdapter {
  constructor(
    private readonly limits: ServiceConfig['http'],
    private readonly log: Log,
  ) {
    super();
  }

  override initHttpServer(): void {
    const server = http.createServer(
      {
        headersTimeout: this.limits.headersTimeoutMs,
        // Node's own limit is a backstop: the body readers answer first, in Azure's shape.
        requestTimeout: this.limits.requestTimeoutMs + 5_000,
        keepAliveTimeout: this.limits.keepAliveTimeoutMs,
        // How often Node looks for requests past their time (its default, 30 s, is too coarse).
        connectionsCheckingInterval: 1_000,
      },
      this.getInstance(),
    );
    server.on('clientError', onClientError(this.log));
    this.httpServer = server;
  }
}
