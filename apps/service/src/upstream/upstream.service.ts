import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Response as ExpressResponse } from 'express';
import { getBearerTokenProvider } from '@azure/identity';
import {
  AzureOpenAIError,
  AzureOpenAIMedia,
  TokenProviderError,
  type ModelSpec,
  type RequestSpec,
} from '@aoai-media/core';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { LOGGER, type Log } from '../common/logger.js';
import { bufferedBody, createTransport, type Transport } from './transport.js';
import { Credentials } from './credential.js';

/** Answer headers worth passing back to our callers (never auth or cookies). */
const RELAYED_HEADERS = [
  'content-type',
  'content-length',
  'retry-after',
  'retry-after-ms',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
];

/**
 * Azure, as core's client sees it. The service's Azure key lives only inside this client; nothing
 * read from it (headers included) is sent back except the allow-listed answer headers above.
 */
@Injectable()
export class UpstreamService implements OnApplicationShutdown {
  readonly client: AzureOpenAIMedia;
  private readonly transport: Transport;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) log: Log,
    credentials: Credentials,
  ) {
    const upstreamLog = log.child({ component: 'upstream' });
    // Image answers (base64 JSON) are read whole before relaying anyway; media and event streams stream.
    this.transport = createTransport({ maxBufferedBytes: 256 * 1024 * 1024, proxy: config.proxy });
    const auth = config.azure.auth;
    this.client = new AzureOpenAIMedia({
      fetch: this.transport.fetch,
      allowRetiredModels: config.azure.allowRetiredModels,
      endpoint: config.azure.endpoint,
      // Entra ID: the credential's tokens, cached and refreshed before they expire.
      auth:
        auth.kind === 'api-key'
          ? { apiKey: auth.apiKey }
          : { tokenProvider: getBearerTokenProvider(credentials.get(), auth.tokenScope) },
      apiVersion: config.azure.apiVersion,
      deployments: config.azure.deployments,
      maxRetries: config.azure.maxRetries,
      timeoutMs: config.azure.timeoutMs,
      logger: {
        // Left out below debug level, so the client does not build a log entry per call for nothing.
        debug: upstreamLog.isLevelEnabled('debug')
          ? (message, fields) => upstreamLog.debug(fields ?? {}, message)
          : undefined,
        warn: (message, fields) => upstreamLog.warn(fields ?? {}, message),
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }

  /** The model-table entry for a deployment (configured, else recognised from its name; core remembers it). */
  modelFor(deployment: string): ModelSpec | undefined {
    return this.client.modelFor(deployment);
  }

  /** The configured deployments, for docs and option lists. */
  deployments(): Record<string, string> {
    return { ...this.config.azure.deployments };
  }

  /** Send a request; the answer's body is left unread for relaying. */
  send(spec: RequestSpec, requestId?: string): Promise<Response> {
    const headers = {
      ...(spec.headers ?? {}),
      ...(requestId ? { 'x-ms-client-request-id': requestId } : {}),
    };
    return this.client.request({ ...spec, headers });
  }

  /**
   * Pass an upstream answer through: status, safe headers, body. JSON and text answers (bounded)
   * are read first and sent in one write, which costs far less than relaying many small chunks;
   * media (speech) and event streams are piped as they arrive.
   */
  async relay(upstream: Response, res: ExpressResponse): Promise<void> {
    res.status(upstream.status);
    const type = upstream.headers.get('content-type') ?? '';
    const isEventStream = type.includes('text/event-stream');
    const whole = bufferedBody(upstream);
    const readWhole =
      whole !== undefined || /^(application\/([\w.+-]*\+)?json|text\/(?!event-stream))/i.test(type);
    for (const name of RELAYED_HEADERS) {
      if (name === 'content-length' && readWhole) continue;
      const value = upstream.headers.get(name);
      if (value !== null) res.setHeader(name, value);
    }
    // An answer read whole is written as it is (asking for its `body` would build a stream for nothing).
    if (whole) {
      res.setHeader('content-length', String(whole.length));
      res.end(whole);
      return;
    }
    if (!upstream.body) {
      res.end();
      return;
    }
    if (readWhole) {
      const body = Buffer.from(await upstream.arrayBuffer());
      res.setHeader('content-length', String(body.length));
      res.end(body);
      return;
    }
    if (isEventStream) {
      res.setHeader('cache-control', 'no-cache');
      res.setHeader('x-accel-buffering', 'no');
    }
    res.flushHeaders();
    await pipeline(Readable.fromWeb(upstream.body as never), res);
  }

  /**
   * Is Azure reachable, through the same transport (and proxy) and sign-in as every call? Any HTTP
   * answer counts, since only the path is probed; a credential that cannot get a token does not.
   */
  async reachable(timeoutMs = 3000): Promise<{ ok: boolean; status?: number; error?: string }> {
    try {
      const res = await this.client.request({
        method: 'GET',
        path: 'models',
        route: 'v1',
        maxRetries: 0,
        timeoutMs,
      });
      await res.body?.cancel();
      return { ok: true, status: res.status };
    } catch (e) {
      if (e instanceof TokenProviderError) return { ok: false, error: `no token: ${e.message}` };
      if (e instanceof AzureOpenAIError) return { ok: true, status: e.status };
      return { ok: false, error: (e as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable' };
    }
  }
}
