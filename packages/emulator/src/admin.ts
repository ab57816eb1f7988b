/**
 * The admin API: the same operations from code (`emu.admin`) and over HTTP (`/_emulator/...`).
 */
import { getModel } from '@aoai-media/core';
import type { Fault, FaultSpec } from './faults.js';
import { json, type Reply } from './http.js';
import {
  checkLimits,
  normaliseBlockedTerms,
  type BlockedTerm,
  type Limits,
  type VideoModeration,
  type VideoTimings,
} from './options.js';
import type { Counters, EmulatorState, InFlightRequest, RequestLogEntry, VideoFailure } from './state.js';
import { isRecord } from './util.js';

export interface RequestFilter {
  operation?: string;
  deployment?: string;
  method?: string;
  /** Substring of the path. */
  path?: string;
}

export interface EmulatorAdmin {
  /** Emulator time (epoch ms). */
  now(): number;
  /** Move emulator time forward; returns the new time. */
  advance(ms: number): number;
  /** Inject a fault for the next `count` matching requests. */
  fault(spec: FaultSpec): Fault;
  faults(): Fault[];
  clearFaults(): void;
  /**
   * Make the next `count` (default 1) video jobs or Sora 2 videos, of `deployment` or any, end
   * `failed` with `reason` (default `internal_error`) while running.
   */
  failVideoJobs(options?: { count?: number; reason?: string; deployment?: string }): void;
  setBlockedTerms(terms: (string | BlockedTerm)[], options?: { videoModeration?: VideoModeration }): void;
  blockedTerms(): { terms: BlockedTerm[]; videoModeration: VideoModeration };
  setLimits(limits: Limits): void;
  limits(): Limits;
  setVideoTimings(timings: Partial<VideoTimings>): void;
  videoTimings(): VideoTimings;
  /** Add or change deployments (name -> model). */
  setDeployments(deployments: Record<string, string>): void;
  deployments(): Record<string, string>;
  /** The request log (credentials are never recorded). */
  requests(filter?: RequestFilter): RequestLogEntry[];
  /** Requests read and not yet answered, e.g. one held by a `delay` fault. */
  inFlight(filter?: RequestFilter): InFlightRequest[];
  clearRequests(): void;
  counters(): Counters;
  /** Forget jobs, files, faults, log and counters; restore the start-up configuration. */
  reset(): void;
}

const MODERATION_MODES: readonly VideoModeration[] = ['reject', 'fail'];

function checkTimings(t: Partial<VideoTimings>): void {
  for (const [key, value] of Object.entries(t)) {
    if (!['preprocessing', 'queued', 'running', 'processing'].includes(key)) {
      throw new TypeError(
        `videoTimings.${key} is not a stage; stages: preprocessing, queued, running, processing`,
      );
    }
    if (typeof value !== 'number' || !(value >= 0))
      throw new TypeError(
        `videoTimings.${key} must be a non-negative number of ms, got ${JSON.stringify(value)}`,
      );
  }
}

function matchesFilter(e: InFlightRequest, filter: RequestFilter): boolean {
  return (
    (!filter.operation || e.operation === filter.operation) &&
    (!filter.deployment || e.deployment === filter.deployment) &&
    (!filter.method || e.method === filter.method.toUpperCase()) &&
    (!filter.path || e.path.includes(filter.path))
  );
}

export function createAdmin(emu: EmulatorState): EmulatorAdmin {
  return {
    now: () => emu.clock.now(),
    advance(ms) {
      emu.clock.advance(ms);
      return emu.clock.now();
    },
    fault: (spec) => emu.addFault(spec),
    faults: () => structuredClone(emu.faults),
    clearFaults() {
      emu.faults = [];
    },
    failVideoJobs(options = {}) {
      const count = options.count ?? 1;
      if (!Number.isInteger(count) || count < 1)
        throw new TypeError(
          `failVideoJobs count must be a positive integer, got ${JSON.stringify(options.count)}`,
        );
      const reason = options.reason ?? 'internal_error';
      if (typeof reason !== 'string' || reason === '')
        throw new TypeError(
          `failVideoJobs reason must be a non-empty string, got ${JSON.stringify(options.reason)}`,
        );
      const failure: VideoFailure = { remaining: count, reason };
      if (options.deployment !== undefined) failure.deployment = options.deployment;
      emu.videoFailures.push(failure);
    },
    setBlockedTerms(terms, options) {
      if (!Array.isArray(terms))
        throw new TypeError(`blocked terms must be an array, got ${JSON.stringify(terms)}`);
      const mode = options?.videoModeration;
      if (mode !== undefined && !MODERATION_MODES.includes(mode)) {
        throw new TypeError(
          `videoModeration is ${JSON.stringify(mode)}; allowed: ${MODERATION_MODES.join(', ')}`,
        );
      }
      emu.blockedTerms = normaliseBlockedTerms(terms);
      if (mode) emu.videoModeration = mode;
    },
    blockedTerms: () => ({ terms: structuredClone(emu.blockedTerms), videoModeration: emu.videoModeration }),
    setLimits(limits) {
      if (!isRecord(limits)) throw new TypeError(`limits must be an object, got ${JSON.stringify(limits)}`);
      emu.limits = checkLimits(limits);
    },
    limits: () => structuredClone(emu.limits),
    setVideoTimings(timings) {
      checkTimings(timings);
      emu.videoTimings = { ...emu.videoTimings, ...timings };
    },
    videoTimings: () => ({ ...emu.videoTimings }),
    setDeployments(deployments) {
      for (const [name, model] of Object.entries(deployments)) {
        if (!getModel(model))
          throw new TypeError(`deployments.${name} names unknown model ${JSON.stringify(model)}`);
      }
      for (const [name, model] of Object.entries(deployments)) emu.deployments.set(name, model);
    },
    deployments: () => Object.fromEntries(emu.deployments),
    requests(filter = {}) {
      return emu
        .logEntries()
        .filter((e) => matchesFilter(e, filter))
        .map((e) => structuredClone(e));
    },
    inFlight: (filter = {}) =>
      [...emu.inFlight].filter((e) => matchesFilter(e, filter)).map((e) => ({ ...e })),
    clearRequests() {
      emu.log = [];
    },
    counters: () => structuredClone(emu.counters),
    reset: () => emu.reset(),
  };
}

function adminError(status: number, message: string): Reply {
  return json(status, { error: { code: status === 404 ? 'not_found' : 'invalid_admin_request', message } });
}

/** `/_emulator/...` over HTTP. `body` is the parsed JSON body (or undefined). */
export function handleAdmin(
  emu: EmulatorState,
  admin: EmulatorAdmin,
  method: string,
  path: string,
  url: URL,
  body: unknown,
): Reply {
  const b = isRecord(body) ? body : {};
  const route = `${method} ${path}`;
  try {
    switch (route) {
      case 'GET /_emulator/health':
        return json(200, { ok: true });
      case 'GET /_emulator/clock':
        return json(200, {
          now: admin.now(),
          iso: new Date(admin.now()).toISOString(),
          mode: emu.clock.mode,
        });
      case 'POST /_emulator/clock/advance': {
        const now = admin.advance(b.ms as number);
        return json(200, { now, iso: new Date(now).toISOString(), mode: emu.clock.mode });
      }
      case 'GET /_emulator/faults':
        return json(200, { data: admin.faults() });
      case 'POST /_emulator/faults':
        return json(201, admin.fault(b as unknown as FaultSpec));
      case 'DELETE /_emulator/faults':
        admin.clearFaults();
        return { status: 204 };
      case 'POST /_emulator/video-failures':
        admin.failVideoJobs(b as { count?: number; reason?: string; deployment?: string });
        return json(200, { data: structuredClone(emu.videoFailures) });
      case 'GET /_emulator/video-failures':
        return json(200, { data: structuredClone(emu.videoFailures) });
      case 'GET /_emulator/blocked-terms':
        return json(200, admin.blockedTerms());
      case 'PUT /_emulator/blocked-terms':
      case 'POST /_emulator/blocked-terms':
        admin.setBlockedTerms(
          b.terms as string[],
          b.videoModeration ? { videoModeration: b.videoModeration as VideoModeration } : undefined,
        );
        return json(200, admin.blockedTerms());
      case 'GET /_emulator/limits':
        return json(200, admin.limits());
      case 'PUT /_emulator/limits':
      case 'POST /_emulator/limits':
        admin.setLimits(b as Limits);
        return json(200, admin.limits());
      case 'GET /_emulator/video-timings':
        return json(200, admin.videoTimings());
      case 'PUT /_emulator/video-timings':
      case 'POST /_emulator/video-timings':
        admin.setVideoTimings(b as Partial<VideoTimings>);
        return json(200, admin.videoTimings());
      case 'GET /_emulator/deployments':
        return json(200, admin.deployments());
      case 'PUT /_emulator/deployments':
      case 'POST /_emulator/deployments':
        admin.setDeployments(b as Record<string, string>);
        return json(200, admin.deployments());
      case 'GET /_emulator/requests': {
        const q = url.searchParams;
        const filter: RequestFilter = {};
        for (const key of ['operation', 'deployment', 'method', 'path'] as const) {
          const v = q.get(key);
          if (v) filter[key] = v;
        }
        return json(200, { data: admin.requests(filter) });
      }
      case 'GET /_emulator/in-flight': {
        const q = url.searchParams;
        const filter: RequestFilter = {};
        for (const key of ['operation', 'deployment', 'method', 'path'] as const) {
          const v = q.get(key);
          if (v) filter[key] = v;
        }
        return json(200, { data: admin.inFlight(filter) });
      }
      case 'DELETE /_emulator/requests':
        admin.clearRequests();
        return { status: 204 };
      case 'GET /_emulator/counters':
        return json(200, admin.counters());
      case 'POST /_emulator/reset':
        admin.reset();
        return { status: 204 };
    }
  } catch (err) {
    return adminError(400, err instanceof Error ? err.message : String(err));
  }
  if (method === 'GET' && path.startsWith('/_emulator/files/')) {
    const file = emu.file(decodeURIComponent(path.slice('/_emulator/files/'.length)));
    if (!file) {
      return {
        status: 404,
        headers: { 'content-type': 'application/xml' },
        body: '<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist or its link has expired.</Message></Error>',
      };
    }
    return {
      status: 200,
      headers: { 'content-type': file.contentType, 'content-length': file.bytes.length },
      body: file.bytes,
    };
  }
  return adminError(404, `No admin route ${route}. See the README for the admin API.`);
}
