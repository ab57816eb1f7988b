/**
 * Routing and the request pipeline: auth, route, api-version, body, deployment, faults,
 * rate limit, handler, then the reply (possibly cut short by a fault) and the log entry.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModelSpec } from '@aoai-media/core';
import { handleAdmin, type EmulatorAdmin } from './admin.js';
import {
  deploymentNotFound,
  errorBody,
  HttpError,
  missingParameter,
  resourceNotFound,
  UNAUTHORIZED,
  type ErrorStyle,
} from './errors.js';
import type { Fault } from './faults.js';
import { json, parseBody, readBody, type Body, type Ctx, type ParsedBody, type Reply } from './http.js';
import { V1_API_VERSIONS } from './options.js';
import * as audio from './routes/audio.js';
import * as images from './routes/images.js';
import * as models from './routes/models.js';
import * as responses from './routes/responses.js';
import * as sora2 from './routes/sora2.js';
import * as speech from './routes/speech.js';
import * as videos from './routes/videos.js';
import type { EmulatorState, InFlightRequest, RequestLogEntry } from './state.js';

type DeploymentSource = 'path' | 'body' | 'header' | 'job' | 'generation' | 'video' | 'none';
type Handler = (ctx: Ctx, emu: EmulatorState, model: ModelSpec) => Reply | Promise<Reply>;

interface Route {
  family: 'v1' | 'deployment';
  methods: string[];
  pattern: RegExp;
  operation: string;
  style: ErrorStyle;
  deploymentFrom: DeploymentSource;
  handler: Handler;
}

const ID = '([^/]+)';

function route(
  family: Route['family'],
  methods: string,
  path: string,
  operation: string,
  deploymentFrom: DeploymentSource,
  handler: Handler,
  style: ErrorStyle = 'wrapped',
): Route {
  return {
    family,
    methods: methods.split('|'),
    pattern: new RegExp(`^${path.replace(/:id/g, ID)}$`),
    operation,
    style,
    deploymentFrom,
    handler,
  };
}

const ROUTES: Route[] = [
  route('v1', 'GET', 'models', 'models.list', 'none', models.list),
  route('v1', 'POST', 'images/generations', 'images.generate', 'body', images.generate),
  route('v1', 'POST', 'images/edits', 'images.edit', 'body', images.edit),
  route('v1', 'POST', 'video/generations/jobs', 'videoJobs.create', 'body', videos.createJob, 'video'),
  route('v1', 'GET', 'video/generations/jobs', 'videoJobs.list', 'none', videos.listJobs, 'video'),
  route('v1', 'GET', 'video/generations/jobs/:id', 'videoJobs.get', 'job', videos.getJob, 'video'),
  route('v1', 'DELETE', 'video/generations/jobs/:id', 'videoJobs.delete', 'job', videos.deleteJob, 'video'),
  route('v1', 'GET', 'video/generations/:id', 'generations.get', 'generation', videos.getGeneration, 'video'),
  route(
    'v1',
    'GET',
    'video/generations/:id/content/thumbnail',
    'generations.thumbnail',
    'generation',
    videos.thumbnail,
    'video',
  ),
  route(
    'v1',
    'GET|HEAD',
    'video/generations/:id/content/video',
    'generations.video',
    'generation',
    videos.videoContent,
    'video',
  ),
  route('v1', 'POST', 'videos', 'videos.create', 'body', sora2.create),
  route('v1', 'GET', 'videos', 'videos.list', 'none', sora2.list),
  route('v1', 'GET', 'videos/:id', 'videos.get', 'video', sora2.get),
  route('v1', 'DELETE', 'videos/:id', 'videos.delete', 'video', sora2.remove),
  route('v1', 'GET', 'videos/:id/content', 'videos.content', 'video', sora2.content),
  route('v1', 'POST', 'videos/:id/remix', 'videos.remix', 'video', sora2.remix),
  route('v1', 'POST', 'responses', 'responses.create', 'header', responses.create),
  route('v1', 'POST', 'audio/transcriptions', 'audio.transcribe', 'body', audio.transcribe),
  route('v1', 'POST', 'audio/translations', 'audio.translate', 'body', audio.translate),
  route('v1', 'POST', 'audio/speech', 'audio.speech', 'body', speech.create),
  route('deployment', 'POST', 'images/generations', 'images.generate', 'path', images.generate),
  route('deployment', 'POST', 'images/edits', 'images.edit', 'path', images.edit),
  route('deployment', 'POST', 'audio/transcriptions', 'audio.transcribe', 'path', audio.transcribe),
  route('deployment', 'POST', 'audio/translations', 'audio.translate', 'path', audio.translate),
  route('deployment', 'POST', 'audio/speech', 'audio.speech', 'path', speech.create),
];

const SECRET_QUERY = /key|token|sig|secret|password/i;
const V1_PREFIX = '/openai/v1/';
const DEPLOYMENT_PATH = /^\/openai\/deployments\/([^/]+)\/(.+)$/;

/** A path segment, decoded; a malformed escape is an unknown resource, not a crash. */
function decodePart(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw resourceNotFound();
  }
}

function authOf(req: IncomingMessage, emu: EmulatorState): { ok: boolean; scheme: RequestLogEntry['auth'] } {
  const key = req.headers['api-key'];
  if (typeof key === 'string') return { ok: key === emu.apiKey, scheme: 'api-key' };
  const authz = req.headers.authorization;
  if (typeof authz === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(authz.trim());
    return { ok: Boolean(m && emu.bearerTokens.has(m[1]!)), scheme: 'bearer' };
  }
  return { ok: false, scheme: 'none' };
}

/** Fields worth logging: no file bytes, long strings shortened. */
function loggable(body: ParsedBody): Pick<RequestLogEntry, 'fields' | 'files'> {
  if (body.kind === 'empty') return {};
  const shorten = (v: unknown): unknown =>
    typeof v === 'string' && v.length > 2000
      ? `${v.slice(0, 2000)}... (${v.length} chars)`
      : Array.isArray(v)
        ? v.map(shorten)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shorten(x)]))
          : v;
  const out: Pick<RequestLogEntry, 'fields' | 'files'> = {
    fields: shorten(body.fields) as Record<string, unknown>,
  };
  if (body.files.length)
    out.files = body.files.map((f) => ({
      field: f.field,
      filename: f.filename,
      contentType: f.contentType,
      size: f.bytes.byteLength,
    }));
  return out;
}

function faultReply(fault: Fault, style: ErrorStyle): Reply {
  const status = fault.status ?? 500;
  const headers: Record<string, string> = { ...(fault.headers ?? {}) };
  if (status === 429 && !Object.keys(headers).some((h) => h.toLowerCase().startsWith('retry-after'))) {
    headers['retry-after'] = '1';
    headers['retry-after-ms'] = '1000';
  }
  if (fault.body !== undefined) {
    if (typeof fault.body === 'string')
      return {
        status,
        headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
        body: fault.body,
      };
    return json(status, fault.body, headers);
  }
  const message =
    status === 429
      ? 'Rate limit is exceeded. Try again in 1 seconds.'
      : status >= 500
        ? 'The server had an error while processing your request. Sorry about that!'
        : `The request failed with status ${status}.`;
  const code = status === 429 ? '429' : status >= 500 ? 'InternalServerError' : String(status);
  return json(status, errorBody(style, { code, message }), headers);
}

/** Waits `ms`, or less when `signal` aborts; leaves no listener behind either way. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The body in slices of a twentieth of a second each, paced in wall-clock time. */
function throttle(body: Body, bytesPerSecond: number, signal: AbortSignal): AsyncIterable<Buffer> {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 20));
  return (async function* () {
    const chunks = typeof body === 'string' || Buffer.isBuffer(body) ? [body] : body;
    let first = true;
    for await (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      for (let i = 0; i < bytes.length; i += slice) {
        if (!first) await sleep(50, signal);
        first = false;
        if (signal.aborted) return;
        yield bytes.subarray(i, i + slice);
      }
    }
  })();
}

/** Write a reply; with `truncateAt`, send that many body bytes and then drop the connection. */
async function send(
  res: ServerResponse,
  reply: Reply,
  base: Record<string, string>,
  truncateAt?: number | 'half',
): Promise<void> {
  const headers = { ...base, ...(reply.headers ?? {}) };
  const body: Body | undefined = reply.body;
  if (body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  if (typeof body === 'string' && truncateAt === undefined) {
    if (!('content-length' in headers)) headers['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(body);
    return;
  }
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    if (!('content-length' in headers)) headers['content-length'] = String(bytes.length);
    res.writeHead(reply.status, headers);
    if (truncateAt === undefined) {
      res.end(bytes);
      return;
    }
    const n = truncateAt === 'half' ? Math.floor(bytes.length / 2) : Math.min(truncateAt, bytes.length);
    res.write(bytes.subarray(0, n), () => res.destroy());
    return;
  }
  // Streamed body (server-sent events).
  res.writeHead(reply.status, headers);
  let sent = 0;
  let chunks = 0;
  for await (const chunk of body) {
    if (res.destroyed) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    chunks++;
    if (truncateAt !== undefined) {
      // 'half': the first chunk whole, then half of the second.
      const limit =
        truncateAt === 'half' ? (chunks === 1 ? Infinity : Math.floor(bytes.length / 2)) : truncateAt - sent;
      if (bytes.length > limit) {
        res.write(bytes.subarray(0, Math.max(0, limit)), () => res.destroy());
        return;
      }
    }
    sent += bytes.length;
    if (!res.write(bytes)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.once('drain', done);
        res.once('close', done);
      });
    }
  }
  res.end();
}

export function createHandler(emu: EmulatorState, admin: EmulatorAdmin) {
  const closing = new AbortController();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname;

    if (path.startsWith('/_emulator/')) {
      const raw = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
      let body: unknown;
      try {
        body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
      } catch {
        await send(
          res,
          json(400, {
            error: { code: 'invalid_admin_request', message: 'The admin request body is not valid JSON.' },
          }),
          {},
        );
        return;
      }
      await send(res, handleAdmin(emu, admin, method, path, url, body), {});
      return;
    }

    const requestId = randomUUID();
    const base: Record<string, string> = { 'apim-request-id': requestId, 'x-request-id': requestId };
    const clientRequestId = req.headers['x-ms-client-request-id'];
    if (typeof clientRequestId === 'string') base['x-ms-client-request-id'] = clientRequestId;
    const auth = authOf(req, emu);
    let style: ErrorStyle = 'wrapped';
    let operation = 'unknown';
    let deployment: string | undefined;
    let body: ParsedBody = { kind: 'empty', fields: {}, files: [] };
    let applied: Fault | undefined;
    let status = 0;
    let pending: InFlightRequest | undefined;

    try {
      let family: Route['family'];
      let rest: string;
      let pathDeployment: string | undefined;
      const dm = DEPLOYMENT_PATH.exec(path);
      if (path.startsWith(V1_PREFIX)) {
        family = 'v1';
        rest = path.slice(V1_PREFIX.length);
      } else if (dm) {
        family = 'deployment';
        pathDeployment = decodePart(dm[1]!);
        rest = dm[2]!;
      } else {
        throw resourceNotFound();
      }
      let params: Record<string, string> = {};
      const r = ROUTES.find((x) => {
        if (x.family !== family || !x.methods.includes(method)) return false;
        const m = x.pattern.exec(rest);
        if (!m) return false;
        params = m[1] ? { id: decodePart(m[1]) } : {};
        return true;
      });
      if (r) operation = r.operation;
      // Auth comes first, as at Azure's gateway: a bad key gets 401 even on an unknown path.
      if (!auth.ok) throw new HttpError(401, UNAUTHORIZED);
      if (!r) throw resourceNotFound();
      style = r.style === 'wrapped' && family === 'v1' ? 'wrapped-v1' : r.style;

      const apiVersion = url.searchParams.get('api-version');
      if (
        family === 'v1'
          ? apiVersion !== null && !V1_API_VERSIONS.includes(apiVersion)
          : apiVersion === null || !emu.apiVersions.has(apiVersion)
      ) {
        throw resourceNotFound();
      }

      if (method === 'POST') body = await parseBody(req, await readBody(req));
      switch (r.deploymentFrom) {
        case 'path':
          deployment = pathDeployment;
          break;
        case 'body': {
          const m = body.fields.model;
          if (typeof m === 'string' && m) deployment = m;
          break;
        }
        case 'header': {
          const h = req.headers['x-ms-oai-image-generation-deployment'];
          if (typeof h === 'string' && h) deployment = h;
          break;
        }
        case 'job':
          deployment = videos.ownerOfJob(emu, params.id);
          break;
        case 'generation':
          deployment = videos.ownerOfGeneration(emu, params.id);
          break;
        case 'video':
          deployment = emu.videos.get(params.id ?? '')?.deployment;
          break;
      }

      applied = emu.takeFault({ method, path, operation, deployment });
      pending = { method, path, operation, ...(deployment !== undefined ? { deployment } : {}) };
      emu.inFlight.add(pending);
      if (applied?.kind === 'reset') {
        req.socket.destroy();
        return;
      }
      if (applied?.kind === 'delay') await sleep(applied.delayMs ?? 1000, closing.signal);
      if (applied?.kind === 'status') {
        const reply = faultReply(applied, style);
        status = reply.status;
        await send(res, reply, base);
        return;
      }

      let model: ModelSpec | undefined;
      if (r.deploymentFrom === 'body' || r.deploymentFrom === 'path') {
        if (deployment === undefined) throw missingParameter('model');
        model = emu.model(deployment);
        if (!model) throw deploymentNotFound();
      } else if (r.deploymentFrom === 'header') {
        if (deployment !== undefined) {
          model = emu.model(deployment);
          if (!model) throw deploymentNotFound();
        }
      }

      let remaining: number | undefined;
      if (deployment !== undefined && emu.deployments.has(deployment)) {
        const taken = emu.takeRequest(deployment);
        if (taken.retryAfterMs !== undefined) {
          const secs = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
          throw new HttpError(
            429,
            {
              code: '429',
              message: `Requests to the ${operation} operation of deployment '${deployment}' have exceeded the call rate limit of ${emu.limitsFor(deployment).requestsPerMinute} requests per minute. Please retry after ${secs} seconds.`,
            },
            {
              'retry-after': String(secs),
              'retry-after-ms': String(taken.retryAfterMs),
              'x-ms-retry-after-ms': String(taken.retryAfterMs),
              'x-ratelimit-remaining-requests': '0',
            },
          );
        }
        remaining = taken.remaining;
      }

      const ctx: Ctx = {
        req,
        method,
        url,
        path: rest,
        family,
        deployment,
        operation,
        style,
        requestId,
        baseUrl: `http://${req.headers.host ?? 'localhost'}`,
        body,
        params,
      };
      // `model` is only absent for routes that do not need it (they ignore the argument).
      const reply = await r.handler(ctx, emu, model as ModelSpec);
      if (remaining !== undefined)
        reply.headers = { ...(reply.headers ?? {}), 'x-ratelimit-remaining-requests': remaining };
      status = reply.status;
      if (applied?.kind === 'slow' && reply.body !== undefined) {
        const whole = typeof reply.body === 'string' || Buffer.isBuffer(reply.body);
        const length = whole ? Buffer.byteLength(reply.body as string | Buffer) : undefined;
        reply.body = throttle(reply.body, applied.bytesPerSecond!, closing.signal);
        if (length !== undefined) reply.headers = { ...(reply.headers ?? {}), 'content-length': length };
      }
      await send(res, reply, base, applied?.kind === 'truncate' ? (applied.truncateAt ?? 'half') : undefined);
    } catch (err) {
      if (err instanceof HttpError) {
        status = err.status;
        if (!res.headersSent)
          await send(res, json(err.status, errorBody(style, err.fields), err.headers), base);
      } else {
        status = 500;
        const message = err instanceof Error ? err.message : String(err);
        if (!res.headersSent) {
          await send(
            res,
            json(
              500,
              errorBody(style, { code: 'InternalServerError', message: `The emulator failed: ${message}` }),
            ),
            base,
          );
        } else {
          res.destroy();
        }
      }
    } finally {
      if (pending) emu.inFlight.delete(pending);
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) if (!SECRET_QUERY.test(k)) query[k] = v;
      const entry: Omit<RequestLogEntry, 'seq'> = {
        time: new Date(emu.clock.now()).toISOString(),
        method,
        path,
        query,
        operation,
        status,
        auth: auth.scheme,
        requestId,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ...loggable(body),
      };
      if (deployment !== undefined) entry.deployment = deployment;
      if (applied) entry.fault = applied.kind;
      const ct = req.headers['content-type'];
      if (ct) entry.contentType = ct.split(';')[0]!;
      emu.record(entry);
    }
  }

  return {
    handle(req: IncomingMessage, res: ServerResponse) {
      handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify(errorBody('wrapped', { code: 'InternalServerError', message: String(err) })),
          );
        } else res.destroy();
      });
    },
    close: () => closing.abort(),
  };
}
