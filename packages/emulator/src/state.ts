/**
 * Everything the emulator remembers: configuration that admin calls change, jobs, served files,
 * the request log and counters. Job status is derived from the clock on every read, so advancing
 * the clock is all it takes to move jobs along.
 */
import { getModel, type ModelSpec } from '@aoai-media/core';
import { createClock, type Clock } from './clock.js';
import { checkFault, matches, type Fault, type FaultSpec, type FaultTarget } from './faults.js';
import { ImageCache } from './media/image.js';
import { SpeechRenderer } from './media/speech.js';
import { resolveFfmpeg, VideoRenderer } from './media/video.js';
import {
  checkLimits,
  DEFAULT_API_KEY,
  DEFAULT_API_VERSIONS,
  DEFAULT_VIDEO_TIMINGS,
  normaliseBlockedTerms,
  parseStartTime,
  resolveDeployments,
  type BlockedTerm,
  type DeploymentLimits,
  type EmulatorOptions,
  type Limits,
  type VideoModeration,
  type VideoTimings,
} from './options.js';
import { newId } from './util.js';

export interface RequestLogEntry {
  seq: number;
  /** Emulator time, ISO 8601. */
  time: string;
  method: string;
  path: string;
  /** Query parameters (anything that looks like a credential removed). */
  query: Record<string, string>;
  operation: string;
  deployment?: string;
  status: number;
  /** The fault kind applied, if any. */
  fault?: string;
  /** How the caller authenticated; the credential itself is never stored. */
  auth: 'api-key' | 'bearer' | 'none';
  contentType?: string;
  /** JSON or multipart text fields (no file contents). */
  fields?: Record<string, unknown>;
  files?: { field: string; filename: string; contentType: string; size: number }[];
  requestId: string;
  durationMs: number;
}

/** A request the emulator has read and not yet answered. */
export interface InFlightRequest {
  method: string;
  path: string;
  operation: string;
  deployment?: string;
}

export interface Counters {
  requests: number;
  byOperation: Record<string, number>;
  byDeployment: Record<string, number>;
  byStatus: Record<string, number>;
  imagesGenerated: Record<string, number>;
  videoJobsCreated: Record<string, number>;
  videosCreated: Record<string, number>;
  transcriptions: Record<string, number>;
  /** Text-to-speech answers made. */
  speechGenerated: Record<string, number>;
  contentFiltered: Record<string, number>;
  rateLimited: Record<string, number>;
  faultsInjected: number;
  /** Highest number of unfinished video jobs seen at once, per deployment. */
  peakRunningVideoJobs: Record<string, number>;
}

export interface InpaintItemRecord {
  frame_index: number;
  type: string;
  file_name: string;
  crop_bounds?: Record<string, number>;
}

/** A Sora 1 job. Status is computed from `createdMs` and the timings in force at creation. */
export interface JobRecord {
  id: string;
  deployment: string;
  prompt: string;
  width: number;
  height: number;
  nSeconds: number;
  nVariants: number;
  createdMs: number;
  timings: VideoTimings;
  retentionMs: number;
  failureReason?: string;
  /** Emulator ms after creation at which a failing job turns `failed`. */
  failAfterMs?: number;
  inpaintItems?: InpaintItemRecord[];
  generationIds: string[];
}

/** Planned failures: the next `remaining` video jobs (of `deployment`, or any) end `failed`. */
export interface VideoFailure {
  remaining: number;
  reason: string;
  deployment?: string;
}

export type JobStatus = 'preprocessing' | 'queued' | 'running' | 'processing' | 'succeeded' | 'failed';

export interface JobView {
  status: JobStatus;
  finishedMs?: number;
  expiresMs?: number;
}

/** A Sora 2 video (OpenAI shape). */
export interface VideoRecord {
  id: string;
  deployment: string;
  prompt: string;
  size: string;
  seconds: string;
  createdMs: number;
  timings: VideoTimings;
  retentionMs: number;
  failure?: { code: string; message: string };
  failAfterMs?: number;
  remixedFrom?: string;
}

export type VideoStatus = 'queued' | 'in_progress' | 'completed' | 'failed';

export interface ServedFile {
  bytes: Buffer;
  contentType: string;
  expiresMs: number;
}

/** Most `url` image results kept at once. */
export const MAX_FILES = 100_000;

function bump(map: Record<string, number>, key: string | undefined, by = 1): void {
  const k = key ?? '(none)';
  map[k] = (map[k] ?? 0) + by;
}

function emptyCounters(): Counters {
  return {
    requests: 0,
    byOperation: {},
    byDeployment: {},
    byStatus: {},
    imagesGenerated: {},
    videoJobsCreated: {},
    videosCreated: {},
    transcriptions: {},
    speechGenerated: {},
    contentFiltered: {},
    rateLimited: {},
    faultsInjected: 0,
    peakRunningVideoJobs: {},
  };
}

export class EmulatorState {
  readonly clock: Clock;
  readonly apiKey: string;
  readonly bearerTokens: Set<string>;
  readonly apiVersions: Set<string>;
  readonly imageCache = new ImageCache();
  readonly video: VideoRenderer;
  readonly speech: SpeechRenderer;
  readonly imageUrlTtlMs: number;
  /** When the emulator started, on its own clock (the `created` of the models it lists). */
  readonly startedMs: number;

  deployments: Map<string, string>;
  blockedTerms: BlockedTerm[] = [];
  videoModeration: VideoModeration = 'fail';
  limits: Limits = {};
  videoTimings: VideoTimings;
  videoRetentionMs: number;

  faults: Fault[] = [];
  videoFailures: VideoFailure[] = [];
  /** May hold a few more than `requestLogLimit` entries; `entries()` returns the newest ones. */
  log: RequestLogEntry[] = [];
  /** Requests read and not yet answered (a delayed create, for instance). */
  readonly inFlight = new Set<InFlightRequest>();
  counters: Counters = emptyCounters();
  readonly jobs = new Map<string, JobRecord>();
  readonly generations = new Map<string, { jobId: string; index: number }>();
  readonly videos = new Map<string, VideoRecord>();
  readonly files = new Map<string, ServedFile>();
  private readonly windows = new Map<string, number[]>();
  private seq = 0;
  private faultSeq = 0;
  readonly logLimit: number;

  constructor(private readonly options: EmulatorOptions) {
    this.clock = createClock(options.clock ?? 'real', {
      timeScale: options.timeScale,
      startTime: parseStartTime(options.startTime),
    });
    this.startedMs = this.clock.now();
    this.apiKey = options.apiKey ?? DEFAULT_API_KEY;
    this.bearerTokens = new Set([this.apiKey, ...(options.bearerTokens ?? [])]);
    this.apiVersions = new Set(options.apiVersions ?? DEFAULT_API_VERSIONS);
    this.video = new VideoRenderer(resolveFfmpeg(options.ffmpegPath));
    this.speech = new SpeechRenderer(this.video.ffmpegPath);
    this.imageUrlTtlMs = options.imageUrlTtlMs ?? 60 * 60 * 1000;
    this.logLimit = options.requestLogLimit ?? 10_000;
    this.deployments = resolveDeployments(options);
    this.videoTimings = { ...DEFAULT_VIDEO_TIMINGS };
    this.videoRetentionMs = 24 * 60 * 60 * 1000;
    this.applyConfig();
  }

  /** (Re)apply the start-up configuration: used at start and by reset(). */
  private applyConfig(): void {
    const o = this.options;
    this.deployments = resolveDeployments(o);
    this.blockedTerms = normaliseBlockedTerms(o.blockedTerms ?? []);
    this.videoModeration = o.videoModeration ?? 'fail';
    this.limits = checkLimits(o.limits ?? {});
    this.videoTimings = { ...DEFAULT_VIDEO_TIMINGS, ...(o.videoTimings ?? {}) };
    this.videoRetentionMs = o.videoRetentionMs ?? 24 * 60 * 60 * 1000;
  }

  reset(): void {
    this.applyConfig();
    this.faults = [];
    this.videoFailures = [];
    this.log = [];
    this.counters = emptyCounters();
    this.jobs.clear();
    this.generations.clear();
    this.videos.clear();
    this.files.clear();
    this.windows.clear();
  }

  model(deployment: string | undefined): ModelSpec | undefined {
    if (deployment === undefined) return undefined;
    const name = this.deployments.get(deployment);
    return name ? getModel(name) : undefined;
  }

  // ---- content filter -------------------------------------------------------------------

  /** The first blocked term found in the text (case-insensitive), if any. */
  blockedBy(text: string): BlockedTerm | undefined {
    const lower = text.toLowerCase();
    return this.blockedTerms.find((t) => lower.includes(t.term.toLowerCase()));
  }

  // ---- faults ----------------------------------------------------------------------------

  addFault(spec: FaultSpec): Fault {
    checkFault(spec);
    const fault: Fault = {
      ...structuredClone(spec),
      id: `fault_${++this.faultSeq}`,
      remaining: spec.count ?? 1,
    };
    this.faults.push(fault);
    return fault;
  }

  /** The first fault matching this request, used up by one. */
  takeFault(target: FaultTarget): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && matches(f, target));
    if (!fault) return undefined;
    fault.remaining--;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    this.counters.faultsInjected++;
    return fault;
  }

  /** The failure planned for the next video job of this deployment, used up by one. */
  takeVideoFailure(deployment: string): string | undefined {
    const f = this.videoFailures.find(
      (x) => x.remaining > 0 && (!x.deployment || x.deployment === deployment),
    );
    if (!f) return undefined;
    f.remaining--;
    if (f.remaining === 0) this.videoFailures = this.videoFailures.filter((x) => x !== f);
    return f.reason;
  }

  // ---- limits ----------------------------------------------------------------------------

  limitsFor(deployment: string): DeploymentLimits {
    const own = this.limits.deployments?.[deployment] ?? {};
    return {
      requestsPerMinute: own.requestsPerMinute ?? this.limits.requestsPerMinute,
      maxRunningVideoJobs: own.maxRunningVideoJobs ?? this.limits.maxRunningVideoJobs,
    };
  }

  /**
   * Count a request against the deployment's per-minute budget. Returns the remaining budget,
   * or the wait in ms when it is used up.
   */
  takeRequest(deployment: string): { remaining?: number; retryAfterMs?: number } {
    const rpm = this.limitsFor(deployment).requestsPerMinute;
    if (!rpm) return {};
    const now = this.clock.now();
    const window = (this.windows.get(deployment) ?? []).filter((t) => t > now - 60_000);
    this.windows.set(deployment, window);
    if (window.length >= rpm) {
      const oldest = window[0] ?? now;
      bump(this.counters.rateLimited, deployment);
      return { remaining: 0, retryAfterMs: Math.max(1, oldest + 60_000 - now) };
    }
    window.push(now);
    return { remaining: rpm - window.length };
  }

  // ---- Sora 1 jobs ------------------------------------------------------------------------

  jobView(job: JobRecord, now = this.clock.now()): JobView {
    const t = job.timings;
    const elapsed = now - job.createdMs;
    if (job.failureReason && elapsed >= (job.failAfterMs ?? t.preprocessing)) {
      const finishedMs = job.createdMs + (job.failAfterMs ?? t.preprocessing);
      return { status: 'failed', finishedMs, expiresMs: finishedMs + job.retentionMs };
    }
    if (elapsed < t.preprocessing) return { status: 'preprocessing' };
    if (elapsed < t.preprocessing + t.queued) return { status: 'queued' };
    if (elapsed < t.preprocessing + t.queued + t.running) return { status: 'running' };
    const total = t.preprocessing + t.queued + t.running + t.processing;
    if (elapsed < total) return { status: 'processing' };
    const finishedMs = job.createdMs + total;
    return { status: 'succeeded', finishedMs, expiresMs: finishedMs + job.retentionMs };
  }

  /** A live job: undefined when unknown or past its expiry (expired jobs are dropped). */
  job(id: string): JobRecord | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    const view = this.jobView(job);
    if (view.expiresMs !== undefined && this.clock.now() >= view.expiresMs) {
      this.deleteJob(job.id);
      return undefined;
    }
    return job;
  }

  deleteJob(id: string): void {
    const job = this.jobs.get(id);
    if (!job) return;
    for (const g of job.generationIds) this.generations.delete(g);
    this.jobs.delete(id);
  }

  liveJobs(): JobRecord[] {
    return [...this.jobs.keys()].map((id) => this.job(id)).filter((j): j is JobRecord => j !== undefined);
  }

  // ---- Sora 2 videos ------------------------------------------------------------------------

  videoView(
    v: VideoRecord,
    now = this.clock.now(),
  ): { status: VideoStatus; progress: number; completedMs?: number; expiresMs?: number } {
    const t = v.timings;
    const queued = t.preprocessing + t.queued;
    const working = t.running + t.processing;
    const elapsed = now - v.createdMs;
    if (v.failure && elapsed >= (v.failAfterMs ?? queued)) {
      const completedMs = v.createdMs + (v.failAfterMs ?? queued);
      return { status: 'failed', progress: 0, completedMs, expiresMs: completedMs + v.retentionMs };
    }
    if (elapsed < queued) return { status: 'queued', progress: 0 };
    if (elapsed < queued + working) {
      return {
        status: 'in_progress',
        progress: Math.min(99, Math.floor(((elapsed - queued) / Math.max(1, working)) * 100)),
      };
    }
    const completedMs = v.createdMs + queued + working;
    return { status: 'completed', progress: 100, completedMs, expiresMs: completedMs + v.retentionMs };
  }

  videoRecord(id: string): VideoRecord | undefined {
    const v = this.videos.get(id);
    if (!v) return undefined;
    const view = this.videoView(v);
    if (view.expiresMs !== undefined && this.clock.now() >= view.expiresMs) {
      this.videos.delete(id);
      return undefined;
    }
    return v;
  }

  /** Unfinished video jobs and videos of a deployment (for the concurrency limit). */
  runningVideoJobs(deployment: string): number {
    const now = this.clock.now();
    let n = 0;
    for (const job of this.jobs.values()) {
      if (job.deployment !== deployment) continue;
      const s = this.jobView(job, now).status;
      if (s !== 'succeeded' && s !== 'failed') n++;
    }
    for (const v of this.videos.values()) {
      if (v.deployment !== deployment) continue;
      const s = this.videoView(v, now).status;
      if (s === 'queued' || s === 'in_progress') n++;
    }
    return n;
  }

  notePeak(deployment: string): void {
    const running = this.runningVideoJobs(deployment);
    if (running > (this.counters.peakRunningVideoJobs[deployment] ?? 0))
      this.counters.peakRunningVideoJobs[deployment] = running;
  }

  // ---- served files -------------------------------------------------------------------------

  serveFile(bytes: Buffer, contentType: string, ext: string): string {
    const now = this.clock.now();
    // Insertion order is expiry order (one TTL), so expired entries are all at the front; beyond
    // MAX_FILES the oldest links go early, so a long benchmark cannot exhaust memory.
    for (const [id, f] of this.files) {
      if (f.expiresMs > now && this.files.size < MAX_FILES) break;
      this.files.delete(id);
    }
    const id = `${newId('img')}.${ext}`;
    this.files.set(id, { bytes, contentType, expiresMs: now + this.imageUrlTtlMs });
    return id;
  }

  file(id: string): ServedFile | undefined {
    const f = this.files.get(id);
    if (!f) return undefined;
    if (this.clock.now() >= f.expiresMs) {
      this.files.delete(id);
      return undefined;
    }
    return f;
  }

  // ---- log and counters ---------------------------------------------------------------------

  record(entry: Omit<RequestLogEntry, 'seq'>): void {
    const c = this.counters;
    c.requests++;
    bump(c.byOperation, entry.operation);
    if (entry.deployment) bump(c.byDeployment, entry.deployment);
    bump(c.byStatus, String(entry.status));
    this.log.push({ seq: ++this.seq, ...entry });
    // Trim in batches so a full log does not shift its whole array on every request.
    if (this.log.length > this.logLimit + Math.max(100, this.logLimit >> 3))
      this.log.splice(0, this.log.length - this.logLimit);
  }

  logEntries(): RequestLogEntry[] {
    return this.log.length > this.logLimit ? this.log.slice(-this.logLimit) : this.log;
  }

  count(
    key:
      | 'imagesGenerated'
      | 'videoJobsCreated'
      | 'videosCreated'
      | 'transcriptions'
      | 'speechGenerated'
      | 'contentFiltered',
    deployment: string,
    by = 1,
  ): void {
    bump(this.counters[key], deployment, by);
  }
}
