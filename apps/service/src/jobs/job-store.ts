import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { REDIS } from './redis.js';
import { TERMINAL, type JobApi, type JobRecord, type JobStatus } from './job-record.js';

export interface ListParams {
  limit: number;
  after?: string;
  before?: string;
  statuses?: readonly JobStatus[];
  order?: 'asc' | 'desc';
}

/**
 * Job records in Redis: one JSON value per job, a sorted set per tenant and API for listing, and a
 * generation index so content URLs resolve to their job (and its tenant).
 */
@Injectable()
export class JobStore implements OnApplicationShutdown {
  private readonly p: string;
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {
    this.p = `${config.queuePrefix}:`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async ping(): Promise<string> {
    return this.redis.ping();
  }

  async create(record: JobRecord): Promise<void> {
    await this.redis
      .multi()
      .set(`${this.p}job:${record.id}`, JSON.stringify(record))
      .zadd(`${this.p}tenant:${record.tenant}:${record.api}`, record.created_at, record.id)
      .exec();
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const raw = await this.redis.get(`${this.p}job:${id}`);
    return raw ? (JSON.parse(raw) as JobRecord) : undefined;
  }

  /** A job the tenant owns, else undefined (another tenant's job looks exactly like a missing one). */
  async getFor(tenant: string, id: string, api: JobApi): Promise<JobRecord | undefined> {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(id)) return undefined;
    const record = await this.get(id);
    return record && record.tenant === tenant && record.api === api ? record : undefined;
  }

  /** Save a record; terminal records expire with the stored media. */
  async save(record: JobRecord): Promise<void> {
    const key = `${this.p}job:${record.id}`;
    const m = this.redis.multi().set(key, JSON.stringify(record));
    for (const g of record.generations) m.set(`${this.p}gen:${g.id}`, record.id);
    if (TERMINAL.has(record.status)) {
      const ttl = this.config.storage.retentionHours * 3600;
      m.expire(key, ttl);
      for (const g of record.generations) m.expire(`${this.p}gen:${g.id}`, ttl);
    }
    await m.exec();
  }

  async jobOfGeneration(
    tenant: string,
    generationId: string,
  ): Promise<{ job: JobRecord; index: number } | undefined> {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(generationId)) return undefined;
    const jobId = await this.redis.get(`${this.p}gen:${generationId}`);
    if (!jobId) return undefined;
    const job = await this.get(jobId);
    if (!job || job.tenant !== tenant) return undefined;
    const index = job.generations.findIndex((g) => g.id === generationId);
    return index >= 0 ? { job, index } : undefined;
  }

  async remove(record: JobRecord): Promise<void> {
    const m = this.redis
      .multi()
      .del(`${this.p}job:${record.id}`)
      .zrem(`${this.p}tenant:${record.tenant}:${record.api}`, record.id);
    for (const g of record.generations) m.del(`${this.p}gen:${g.id}`);
    await m.exec();
  }

  /** Newest first by default (as Azure lists), with cursor paging by id. */
  async list(
    tenant: string,
    api: JobApi,
    params: ListParams,
  ): Promise<{ data: JobRecord[]; has_more: boolean }> {
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
      if (params.statuses && params.statuses.length > 0 && !params.statuses.includes(record.status)) continue;
      out.push(record);
    }
    return { data: out, has_more: i < end };
  }

  /** A counter for measurements (upstream creates, polls). */
  async count(name: string, by = 1): Promise<void> {
    await this.redis.incrby(`${this.p}stats:${name}`, by);
  }

  async counters(): Promise<Record<string, number>> {
    const names = ['creates', 'polls', 'rate_limited'];
    const values = await this.redis.mget(names.map((n) => `${this.p}stats:${n}`));
    return Object.fromEntries(names.map((n, i) => [n, Number(values[i] ?? 0)]));
  }
}
