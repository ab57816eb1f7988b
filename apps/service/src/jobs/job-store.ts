import type { Redis } from 'ioredis';
import type { ServiceConfig } from '../config/config.js';
import { ApiError } from '../common/api-error.js';
import type { VideoApi } from '@aoai-media/core';
import { TERMINAL, type JobRecord } from './job-record.js';
import { VIDEO_CREATE_QUEUE, VIDEO_TRACK_QUEUE } from './queues.js';

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

// Accept a job: the record, the tenant's list, and a slot on its deployment when one is free and no
// job waits (ARGV[6] the cap), else a place in the deployment's waiting list; all or nothing.
// Refused (0) when Redis runs it after `deadline` (ms, Redis's clock): the request handler has given
// up by then and answered 503, so the job must not exist. 2: it has a slot; 1: it waits for one.
const ACCEPT = `
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[5]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
if redis.call('LLEN', KEYS[3]) == 0 and redis.call('SCARD', KEYS[5]) < tonumber(ARGV[6]) then
  redis.call('SADD', KEYS[5], ARGV[3])
  redis.call('SADD', KEYS[6], ARGV[4])
  return 2
end
redis.call('RPUSH', KEYS[3], ARGV[3])
redis.call('SADD', KEYS[4], ARGV[4])
return 1`;

// A job's record and its deployment's cool-down (ms left, or a negative number), in one call.
const LOAD = `
return {redis.call('GET', KEYS[1]) or false, redis.call('PTTL', KEYS[2])}`;

// Tie an upstream task to a job (no other job may hold it), store the job's record with its upstream
// id, and count it, in one step. 0: another job holds the task; -1: the job was deleted (the claim is
// kept, so no other job adopts its task); 1: done.
const ADOPT = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('INCRBY', KEYS[3], 1)
return 1`;

// A job the track worker takes on: its record, and (unless it is finished) its slot, taken back
// whatever the count since it runs upstream already.
const START_TRACK = `
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local status = cjson.decode(raw).status
if status ~= 'succeeded' and status ~= 'failed' and status ~= 'cancelled' then
  redis.call('SADD', KEYS[2], ARGV[1])
end
return raw`;

// A finished job: saved while it exists (with its generation index, expiring with the stored media),
// its slot given back, its polls counted; answers whether jobs wait for the deployment's slots
// (-1 when the job was deleted meanwhile).
const FINISH = `
redis.call('SREM', KEYS[1], ARGV[4])
redis.call('INCRBY', KEYS[2], ARGV[5])
local waiting = redis.call('LLEN', KEYS[3])
if redis.call('EXISTS', KEYS[4]) == 0 then return -1 end
for i = 4, #KEYS do
  redis.call('SET', KEYS[i], i == 4 and ARGV[1] or ARGV[3])
  redis.call('EXPIRE', KEYS[i], ARGV[2])
end
return waiting`;

// Slot holders that need a hand: finished or deleted jobs let go of their slot; unfinished ones
// with no queue job in the queue they belong to (a crash between taking the slot and queueing)
// are listed as id, queue pairs. Bull keeps a job's hash at <prefix>:<queue>:<id>.
const REPAIR = `
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local raw = redis.call('GET', ARGV[1] .. id)
  local record = raw and cjson.decode(raw)
  local status = record and record.status
  if not raw or status == 'succeeded' or status == 'failed' or status == 'cancelled' then
    redis.call('SREM', KEYS[1], id)
  else
    local queue = record.upstream_id and ARGV[3] or ARGV[2]
    if redis.call('EXISTS', ARGV[4] .. queue .. ':' .. id) == 0 then
      out[#out + 1] = id
      out[#out + 1] = queue
    end
  end
end
return out`;

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
    // A key count of undefined: the call passes it first (the keys vary).
    const scripts: Record<string, [number | undefined, string]> = {
      acceptJob: [6, ACCEPT],
      loadJob: [2, LOAD],
      saveJob: [undefined, SAVE],
      saveIntent: [1, SAVE_INTENT],
      adoptTask: [3, ADOPT],
      startTrack: [2, START_TRACK],
      finishJob: [undefined, FINISH],
      repairSlots: [1, REPAIR],
    };
    // Sent by their digest (EVALSHA), so a call costs a few bytes, not the script.
    for (const [name, [numberOfKeys, lua]] of Object.entries(scripts))
      if (!(name in this.redis))
        this.redis.defineCommand(name, { ...(numberOfKeys !== undefined ? { numberOfKeys } : {}), lua });
  }

  private script<T>(name: string, ...args: (string | number)[]): Promise<T> {
    return (this.redis as unknown as Record<string, (...a: (string | number)[]) => Promise<T>>)[name]!(
      ...args,
    );
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
   * Accept a new job: record, tenant list, and a slot (when one is free and nobody waits) or a place
   * in the deployment's waiting list, in one step. Redis refuses it when it runs later than
   * `deadlineMs` (see ACCEPT): 'refused' then.
   */
  accept(
    record: JobRecord,
    deadlineMs: number,
    maxRunning: number,
  ): Promise<'admitted' | 'waiting' | 'refused'> {
    return this.run(async () => {
      const done = await this.script<number>(
        'acceptJob',
        `${this.p}job:${record.id}`,
        `${this.p}tenant:${record.tenant}:${record.api}`,
        `${this.p}pending:${record.deployment}`,
        `${this.p}pending`,
        `${this.p}running:${record.deployment}`,
        `${this.p}deployments`,
        JSON.stringify(record),
        record.created_at,
        record.id,
        record.deployment,
        deadlineMs,
        maxRunning,
      );
      return done === 2 ? 'admitted' : done === 1 ? 'waiting' : 'refused';
    });
  }

  /** A job's record and how long its deployment still cools down after a 429 (ms, 0 when not). */
  async load(id: string, deployment: string): Promise<{ record?: JobRecord; coolingMs: number }> {
    const [raw, ttl] = await this.script<[string | null, number]>(
      'loadJob',
      `${this.p}job:${id}`,
      `${this.p}cooldown:${deployment}`,
    );
    return { ...(raw ? { record: JSON.parse(raw) as JobRecord } : {}), coolingMs: ttl > 0 ? ttl : 0 };
  }

  /**
   * Make an upstream task the job's (see ADOPT) and store `record` (which carries its id), counting
   * it under `counter` (`creates` or `adopted`).
   */
  async adopt(record: JobRecord, counter: 'creates' | 'adopted'): Promise<'adopted' | 'taken' | 'deleted'> {
    const done = await this.script<number>(
      'adoptTask',
      `${this.p}upstream:${record.deployment}:${record.upstream_id}`,
      `${this.p}job:${record.id}`,
      `${this.p}stats:${counter}`,
      record.id,
      this.claimTtl(),
      JSON.stringify(record),
    );
    return done === 1 ? 'adopted' : done === 0 ? 'taken' : 'deleted';
  }

  /** The record of a job the track worker takes on; its slot is held while it is unfinished. */
  async startTrack(id: string, deployment: string): Promise<JobRecord | undefined> {
    const raw = await this.script<string | null>(
      'startTrack',
      `${this.p}job:${id}`,
      `${this.p}running:${deployment}`,
      id,
    );
    return raw ? (JSON.parse(raw) as JobRecord) : undefined;
  }

  /**
   * Store a finished job (see FINISH), give its slot back and count its polls: 'deleted' when it was
   * deleted meanwhile, else whether jobs wait for the deployment's slots.
   */
  async finish(record: JobRecord, polls: number): Promise<'deleted' | { waiting: boolean }> {
    const keys = [
      `${this.p}running:${record.deployment}`,
      `${this.p}stats:polls`,
      `${this.p}pending:${record.deployment}`,
      `${this.p}job:${record.id}`,
      ...record.generations.map((g) => `${this.p}gen:${g.id}`),
    ];
    const done = await this.script<number>(
      'finishJob',
      keys.length,
      ...keys,
      JSON.stringify(record),
      this.config.storage.retentionHours * 3600,
      record.id,
      record.id,
      polls,
    );
    return done < 0 ? 'deleted' : { waiting: done > 0 };
  }

  /** Slot holders of a deployment that need their queue job back (see REPAIR); finished ones let go. */
  async repairSlots(deployment: string): Promise<{ jobId: string; queue: string }[]> {
    const found = await this.script<string[]>(
      'repairSlots',
      `${this.p}running:${deployment}`,
      `${this.p}job:`,
      VIDEO_CREATE_QUEUE,
      VIDEO_TRACK_QUEUE,
      this.p,
    );
    const out: { jobId: string; queue: string }[] = [];
    for (let i = 0; i + 1 < found.length; i += 2) out.push({ jobId: found[i]!, queue: found[i + 1]! });
    return out;
  }

  /** Whether a job's record is still there (it was not deleted). */
  async exists(id: string): Promise<boolean> {
    return (await this.redis.exists(`${this.p}job:${id}`)) === 1;
  }

  private claimTtl(): number {
    return this.config.storage.retentionHours * 3600 + 7 * 24 * 3600;
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
      const saved = await this.script<number>(
        'saveJob',
        keys.length,
        ...keys,
        JSON.stringify(record),
        ttl,
        record.id,
      );
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
      const done = await this.script<number>(
        'saveIntent',
        `${this.p}job:${record.id}`,
        JSON.stringify(record),
        previous,
      );
      return done === 1 ? 'saved' : done === 0 ? 'changed' : 'deleted';
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
