import type { Redis } from 'ioredis';
import type { ServiceConfig } from '../config/config.js';
import { ApiError } from '../common/api-error.js';
import type { VideoApi } from '@aoai-media/core';
import { TERMINAL, type JobRecord } from './job-record.js';

export interface ListParams {
  limit: number;
  after?: string;
  before?: string;
  /** Only jobs for which this holds (a status filter). */
  filter?: (record: JobRecord) => boolean;
  order?: 'asc' | 'desc';
}

/** The store request handlers use (fails fast with a 503 while Redis is unreachable). */
export const REQUEST_STORE = Symbol('REQUEST_STORE');

// Accept a job: the record, the tenant's list, and a place in the deployment's queue, all or nothing.
// Refused (0) when Redis runs it after `deadline` (ms, Redis's clock): the request handler has given
// up by then and answered 503, so the job must not exist.
const ACCEPT = `
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[5]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('RPUSH', KEYS[3], ARGV[3])
redis.call('SADD', KEYS[4], ARGV[4])
return 1`;

// Save a record only while it exists (a deleted job is never brought back), with its generation
// index; terminal records (ARGV[2] > 0) expire with the stored media.
const SAVE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local ttl = tonumber(ARGV[2])
for i, key in ipairs(KEYS) do
  redis.call('SET', key, i == 1 and ARGV[1] or ARGV[3])
  if ttl > 0 then redis.call('EXPIRE', key, ttl) end
end
return 1`;

// Store a create's intent only if the job's intent is still the one the caller read (none, or an
// earlier attempt's): of two workers racing to send the same job, one writes it and the other sees it.
const SAVE_INTENT = `
local raw = redis.call('GET', KEYS[1])
if not raw then return -1 end
local current = cjson.decode(raw)
local marker = ''
if type(current.intent) == 'table' then marker = current.intent.marker end
if current.upstream_id or marker ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/**
 * Job records in Redis: one JSON value per job, a sorted set per tenant and API for listing, a
 * generation index so content URLs resolve to their job (and its tenant), and the claims that tie
 * each upstream task to exactly one job.
 *
 * Two instances exist: the workers' (on a connection that waits out a Redis restart) and the one
 * request handlers use (`REQUEST_STORE`, on a connection that fails fast): there every failure to
 * reach Redis becomes a 503 in Azure's shape.
 */
export class JobStore {
  private readonly p: string;
  constructor(
    private readonly redis: Redis,
    private readonly config: ServiceConfig,
    private readonly forRequests = false,
  ) {
    this.p = `${config.queuePrefix}:`;
    this.redis.defineCommand('acceptJob', { numberOfKeys: 4, lua: ACCEPT });
  }

  /** Run a Redis call; for request handlers, an unreachable Redis is a 503. */
  private async run<T>(call: () => Promise<T>): Promise<T> {
    if (!this.forRequests) return call();
    try {
      return await call();
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw ApiError.unavailable(
        `the job store is not reachable (${(e as Error).message.slice(0, 120)}); nothing was changed, try again later`,
      );
    }
  }

  ping(): Promise<string> {
    return this.run(() => this.redis.ping());
  }

  /**
   * Accept a new job: record, tenant list and the deployment's waiting list in one step. Redis
   * refuses it when it runs later than `deadlineMs` (see ACCEPT); false then.
   */
  accept(record: JobRecord, deadlineMs: number): Promise<boolean> {
    return this.run(async () => {
      const done = await (
        this.redis as unknown as {
          acceptJob(...args: (string | number)[]): Promise<number>;
        }
      ).acceptJob(
        `${this.p}job:${record.id}`,
        `${this.p}tenant:${record.tenant}:${record.api}`,
        `${this.p}pending:${record.deployment}`,
        `${this.p}pending`,
        JSON.stringify(record),
        record.created_at,
        record.id,
        record.deployment,
        deadlineMs,
      );
      return done === 1;
    });
  }

  get(id: string): Promise<JobRecord | undefined> {
    return this.run(async () => {
      const raw = await this.redis.get(`${this.p}job:${id}`);
      return raw ? (JSON.parse(raw) as JobRecord) : undefined;
    });
  }

  /** A job the tenant owns, else undefined (another tenant's job looks exactly like a missing one). */
  async getFor(tenant: string, id: string, api: VideoApi): Promise<JobRecord | undefined> {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(id)) return undefined;
    const record = await this.get(id);
    return record && record.tenant === tenant && record.api === api ? record : undefined;
  }

  /**
   * Save a record that exists (a deleted job is never brought back); false when it is gone.
   * Terminal records expire with the stored media.
   */
  save(record: JobRecord): Promise<boolean> {
    return this.run(async () => {
      const keys = [`${this.p}job:${record.id}`, ...record.generations.map((g) => `${this.p}gen:${g.id}`)];
      const ttl = TERMINAL.has(record.status) ? this.config.storage.retentionHours * 3600 : 0;
      const saved = await this.redis.eval(SAVE, keys.length, ...keys, JSON.stringify(record), ttl, record.id);
      return saved === 1;
    });
  }

  /**
   * Store a record carrying a new intent, only when the stored one still has the intent `previous`
   * (its marker, '' for none) and no upstream id: 'saved', 'changed' (another worker got there
   * first), or 'deleted'.
   */
  saveIntent(record: JobRecord, previous: string): Promise<'saved' | 'changed' | 'deleted'> {
    return this.run(async () => {
      const done = await this.redis.eval(
        SAVE_INTENT,
        1,
        `${this.p}job:${record.id}`,
        JSON.stringify(record),
        previous,
      );
      return done === 1 ? 'saved' : done === 0 ? 'changed' : 'deleted';
    });
  }

  /**
   * Tie an upstream task to a job; false when another job holds it. The claim outlives the job by
   * the retention period, so a reconcile never adopts a task twice.
   */
  claimUpstream(deployment: string, upstreamId: string, jobId: string): Promise<boolean> {
    return this.run(async () => {
      const key = `${this.p}upstream:${deployment}:${upstreamId}`;
      const ttl = this.config.storage.retentionHours * 3600 + 7 * 24 * 3600;
      const set = await this.redis.set(key, jobId, 'EX', ttl, 'NX');
      if (set === 'OK') return true;
      return (await this.redis.get(key)) === jobId;
    });
  }

  /** The job that holds an upstream task, if any. */
  claimOf(deployment: string, upstreamId: string): Promise<string | undefined> {
    return this.run(
      async () => (await this.redis.get(`${this.p}upstream:${deployment}:${upstreamId}`)) ?? undefined,
    );
  }

  async jobOfGeneration(
    tenant: string,
    generationId: string,
  ): Promise<{ job: JobRecord; index: number } | undefined> {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(generationId)) return undefined;
    const jobId = await this.run(() => this.redis.get(`${this.p}gen:${generationId}`));
    if (!jobId) return undefined;
    const job = await this.get(jobId);
    if (!job || job.tenant !== tenant) return undefined;
    const index = job.generations.findIndex((g) => g.id === generationId);
    return index >= 0 ? { job, index } : undefined;
  }

  /** Remove a job: its record, its place in lists and queues; a worker that holds it notices. */
  remove(record: JobRecord): Promise<void> {
    return this.run(async () => {
      const m = this.redis
        .multi()
        .del(`${this.p}job:${record.id}`)
        .zrem(`${this.p}tenant:${record.tenant}:${record.api}`, record.id)
        .lrem(`${this.p}pending:${record.deployment}`, 0, record.id);
      for (const g of record.generations) m.del(`${this.p}gen:${g.id}`);
      await m.exec();
    });
  }

  /** Newest first by default (as Azure lists), with cursor paging by id. */
  list(tenant: string, api: VideoApi, params: ListParams): Promise<{ data: JobRecord[]; has_more: boolean }> {
    return this.run(async () => {
      const key = `${this.p}tenant:${tenant}:${api}`;
      const ids =
        params.order === 'asc' ? await this.redis.zrange(key, 0, -1) : await this.redis.zrevrange(key, 0, -1);
      let start = 0;
      let end = ids.length;
      if (params.after) {
        const at = ids.indexOf(params.after);
        start = at >= 0 ? at + 1 : ids.length;
      }
      if (params.before) {
        const at = ids.indexOf(params.before);
        end = at >= 0 ? at : 0;
        if (!params.after) start = Math.max(0, end - params.limit);
      }
      const out: JobRecord[] = [];
      let i = start;
      for (; i < end && out.length < params.limit; i++) {
        const record = await this.get(ids[i]!);
        if (!record) {
          await this.redis.zrem(key, ids[i]!); // expired with its media
          continue;
        }
        if (params.filter && !params.filter(record)) continue;
        out.push(record);
      }
      return { data: out, has_more: i < end };
    });
  }

  /** A counter for measurements (upstream creates, adoptions, polls). */
  async count(name: string, by = 1): Promise<void> {
    await this.run(() => this.redis.incrby(`${this.p}stats:${name}`, by));
  }

  counters(): Promise<Record<string, number>> {
    return this.run(async () => {
      const names = ['creates', 'adopted', 'resent', 'polls', 'rate_limited'];
      const values = await this.redis.mget(names.map((n) => `${this.p}stats:${n}`));
      return Object.fromEntries(names.map((n, i) => [n, Number(values[i] ?? 0)]));
    });
  }
}
