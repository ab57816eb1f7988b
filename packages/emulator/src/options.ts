import { getModel, MODELS } from '@aoai-media/core';
import type { ClockMode } from './clock.js';

/** Content-filter categories a blocked term can be reported under. */
export type FilterCategory = 'hate' | 'sexual' | 'violence' | 'self_harm' | 'profanity' | 'custom_blocklists';
export const FILTER_CATEGORIES: readonly FilterCategory[] = [
  'hate',
  'sexual',
  'violence',
  'self_harm',
  'profanity',
  'custom_blocklists',
];

export interface BlockedTerm {
  term: string;
  /** Where the filter reports the hit. Default `violence`. */
  category?: FilterCategory;
}

/** `reject`: video create answers 400; `fail`: the job is accepted and ends `failed` with `input_moderation`. */
export type VideoModeration = 'reject' | 'fail';

export interface DeploymentLimits {
  /** Requests per minute of emulator time; 429 beyond it. */
  requestsPerMinute?: number;
  /** Video jobs that may be unfinished at once; creating one more answers 429. */
  maxRunningVideoJobs?: number;
}

export interface Limits extends DeploymentLimits {
  /** Per-deployment overrides of the defaults above. */
  deployments?: Record<string, DeploymentLimits>;
}

/** How long each video job stage lasts, in emulator milliseconds. */
export interface VideoTimings {
  preprocessing: number;
  queued: number;
  running: number;
  processing: number;
}

export interface EmulatorOptions {
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** The accepted `api-key` (also accepted as a Bearer token). Default `emulator-key`. */
  apiKey?: string;
  /** Extra Bearer tokens to accept (stand-ins for Entra ID tokens). */
  bearerTokens?: string[];
  /** Deployment name -> model name, added to (or replacing) the defaults. */
  deployments?: Record<string, string>;
  /** Drop the default deployments and use only `deployments`. */
  replaceDefaultDeployments?: boolean;
  /** `real` (default) or `manual` (time moves only with `admin.advance`). */
  clock?: ClockMode;
  /** Real clock speed: emulator milliseconds per wall millisecond. Default 1. */
  timeScale?: number;
  /** Emulator time at start (epoch ms or ISO date). Default: now. */
  startTime?: number | string;
  blockedTerms?: (string | BlockedTerm)[];
  videoModeration?: VideoModeration;
  limits?: Limits;
  videoTimings?: Partial<VideoTimings>;
  /** Lifetime of finished video jobs and their content. Default 24 h. */
  videoRetentionMs?: number;
  /** Lifetime of `url` image results. Default 60 min. */
  imageUrlTtlMs?: number;
  /** ffmpeg binary. Default: `ffmpeg` on PATH, else the one shipped by @ffmpeg-installer/ffmpeg. */
  ffmpegPath?: string;
  /** Dated api-versions accepted on deployment paths. */
  apiVersions?: string[];
  /** Entries kept in the request log. Default 10000. */
  requestLogLimit?: number;
}

export const DEFAULT_API_KEY = 'emulator-key';

/** Deployment name = model name; every model core's table knows is deployed, retired ones included. */
export const DEFAULT_DEPLOYMENTS: readonly string[] = MODELS.map((m) => m.name);

export const V1_API_VERSIONS: readonly string[] = ['v1', 'preview', 'latest'];

export const DEFAULT_API_VERSIONS: readonly string[] = [
  '2024-02-01',
  '2024-06-01',
  '2024-10-21',
  '2024-12-01-preview',
  '2025-01-01-preview',
  '2025-02-01-preview',
  '2025-03-01-preview',
  '2025-04-01-preview',
];

export const DEFAULT_VIDEO_TIMINGS: VideoTimings = {
  preprocessing: 250,
  queued: 250,
  running: 1000,
  processing: 500,
};

export function normaliseBlockedTerms(terms: readonly (string | BlockedTerm)[]): BlockedTerm[] {
  return terms.map((t, i) => {
    const entry = typeof t === 'string' ? { term: t } : t;
    if (typeof entry?.term !== 'string' || entry.term.trim() === '') {
      throw new TypeError(
        `blockedTerms[${i}] must be a non-empty string or { term, category }, got ${JSON.stringify(t)}`,
      );
    }
    if (entry.category !== undefined && !FILTER_CATEGORIES.includes(entry.category)) {
      throw new TypeError(
        `blockedTerms[${i}].category is ${JSON.stringify(entry.category)}; allowed: ${FILTER_CATEGORIES.join(', ')}`,
      );
    }
    return { term: entry.term, category: entry.category ?? 'violence' };
  });
}

function checkLimit(path: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`${path} must be a positive integer, got ${JSON.stringify(value)}`);
  }
}

export function checkLimits(limits: Limits): Limits {
  checkLimit('limits.requestsPerMinute', limits.requestsPerMinute);
  checkLimit('limits.maxRunningVideoJobs', limits.maxRunningVideoJobs);
  for (const [name, l] of Object.entries(limits.deployments ?? {})) {
    checkLimit(`limits.deployments.${name}.requestsPerMinute`, l.requestsPerMinute);
    checkLimit(`limits.deployments.${name}.maxRunningVideoJobs`, l.maxRunningVideoJobs);
  }
  return structuredClone(limits);
}

export function resolveDeployments(options: EmulatorOptions): Map<string, string> {
  const map = new Map<string, string>();
  if (!options.replaceDefaultDeployments) for (const name of DEFAULT_DEPLOYMENTS) map.set(name, name);
  for (const [name, model] of Object.entries(options.deployments ?? {})) {
    if (!getModel(model))
      throw new TypeError(`deployments.${name} names unknown model ${JSON.stringify(model)}`);
    map.set(name, model);
  }
  return map;
}

export function parseStartTime(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new TypeError(`startTime must be epoch milliseconds or an ISO date, got ${JSON.stringify(value)}`);
  return ms;
}
