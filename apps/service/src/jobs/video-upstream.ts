import { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { serverRetryAfterMs } from '@aoai-media/core';
import { Inject } from '@nestjs/common';
import { UpstreamService } from '../upstream/upstream.service.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import type { JobRecord, JobStatus } from './job-record.js';
import { matchesRequest, type FindCreated, type UpstreamTask } from './reconcile.js';

export interface UpstreamState {
  status: JobStatus;
  rawStatus: string;
  failureReason?: string;
  message?: string;
  progress?: number;
  generations: {
    id: string;
    width: number;
    height: number;
    n_seconds: number;
    prompt: string;
    created_at: number;
  }[];
  /** What Azure asked for before the next poll, if it said. */
  retryAfterMs?: number;
}

export interface Download {
  name: string;
  path: string;
  query?: Record<string, string>;
  /** Missing optional files (a quality Azure does not offer) are skipped, not failed. */
  optional: boolean;
  fallbackType: string;
}

const SORA2_STATUS: Record<string, JobStatus> = {
  queued: 'queued',
  in_progress: 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** Pages of Azure's task list read when looking for a create's task, at most. */
const MAX_LIST_PAGES = 20;

/** The Azure side of a video job: Sora 1's /video/generations/jobs or Sora 2's /videos. */
@Injectable()
export class VideoUpstream implements FindCreated {
  constructor(
    private readonly upstream: UpstreamService,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
  ) {}

  /**
   * Create the upstream job. Never retried inside the client: a create whose answer was lost might
   * have happened, so the worker decides what to do with each failure. `marker` names this attempt
   * (sent as x-ms-client-request-id, so Azure's logs can tell attempts apart).
   */
  async create(record: JobRecord, marker: string): Promise<{ id: string; status: string }> {
    const remix = record.remixed_from;
    // A remix names only the new prompt; size, seconds and model come from the source video.
    const path =
      record.api === 'jobs'
        ? 'video/generations/jobs'
        : remix
          ? `videos/${encodeURIComponent(remix.upstream_id)}/remix`
          : 'videos';
    const body = remix
      ? { prompt: record.request.prompt }
      : record.media
        ? await this.form(record)
        : { ...record.request, model: record.deployment };
    const answer = await this.upstream.client.requestJson<{ id: string; status: string }>({
      method: 'POST',
      path,
      route: 'v1',
      body,
      maxRetries: 0,
      headers: { 'x-ms-client-request-id': marker },
    });
    if (typeof answer?.id !== 'string') throw new Error('Azure answered the create without a job id');
    return answer;
  }

  /** Tasks Azure lists, newest first, that match the record and were created at or after `since`; oldest first. */
  async findCreated(record: JobRecord, since: number): Promise<UpstreamTask[]> {
    const found: UpstreamTask[] = [];
    let after: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const query: Record<string, string> =
        record.api === 'jobs' ? { limit: '100' } : { limit: '100', order: 'desc' };
      if (after) query.after = after;
      const list = await this.upstream.client.requestJson<{
        data?: Record<string, unknown>[];
        has_more?: boolean;
      }>({
        method: 'GET',
        path: record.api === 'jobs' ? 'video/generations/jobs' : 'videos',
        route: 'v1',
        query,
      });
      const data = Array.isArray(list?.data) ? list.data : [];
      let older = false;
      for (const task of data) {
        const created = Number(task.created_at);
        if (created < since) {
          older = true;
          continue;
        }
        if (typeof task.id === 'string' && matchesRequest(record, task))
          found.push({ id: task.id, status: String(task.status), created_at: created });
      }
      const last = data[data.length - 1]?.id;
      if (older || !list?.has_more || typeof last !== 'string') break;
      after = last;
    }
    return found.sort((a, b) => a.created_at - b.created_at);
  }

  /** The multipart create of a job with media, rebuilt from storage (Sora 1 `files`, Sora 2 `input_reference`). */
  private async form(record: JobRecord): Promise<FormData> {
    const field = record.api === 'jobs' ? 'files' : 'input_reference';
    const form = new FormData();
    form.append('model', record.deployment);
    for (const [key, value] of Object.entries(record.request)) {
      if (value === undefined) continue;
      form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
    }
    for (const m of record.media ?? []) {
      const bytes = Buffer.from(
        await new Response(Readable.toWeb(this.storage.read(m.key)) as ReadableStream).arrayBuffer(),
      );
      form.append(field, new Blob([new Uint8Array(bytes)], { type: m.contentType }), m.filename);
    }
    return form;
  }

  async state(record: JobRecord): Promise<UpstreamState> {
    const path =
      record.api === 'jobs'
        ? `video/generations/jobs/${encodeURIComponent(record.upstream_id!)}`
        : `videos/${encodeURIComponent(record.upstream_id!)}`;
    const response = await this.upstream.client.request({ method: 'GET', path, route: 'v1', maxRetries: 1 });
    const retryAfterMs = serverRetryAfterMs(response.headers, Date.now());
    const body = (await response.json()) as Record<string, any>;
    if (record.api === 'jobs') {
      return {
        status: body.status as JobStatus,
        rawStatus: String(body.status),
        failureReason: body.failure_reason ?? undefined,
        generations: Array.isArray(body.generations) ? body.generations : [],
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    }
    const status = SORA2_STATUS[String(body.status)] ?? 'running';
    return {
      status,
      rawStatus: String(body.status),
      failureReason: body.error?.code ?? undefined,
      message: body.error?.message ?? undefined,
      progress: typeof body.progress === 'number' ? body.progress : undefined,
      generations:
        status === 'succeeded'
          ? [
              {
                id: body.id,
                width: size(record).width,
                height: size(record).height,
                n_seconds: Number(record.request.seconds ?? 4),
                prompt: String(record.request.prompt ?? ''),
                created_at: body.created_at ?? record.created_at,
              },
            ]
          : [],
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }

  /** The files to keep for one generation. */
  downloads(record: JobRecord, upstreamGenerationId: string): Download[] {
    if (record.api === 'jobs') {
      const base = `video/generations/${encodeURIComponent(upstreamGenerationId)}/content`;
      return [
        {
          name: 'video-high',
          path: `${base}/video`,
          query: { quality: 'high' },
          optional: false,
          fallbackType: 'video/mp4',
        },
        {
          name: 'video-low',
          path: `${base}/video`,
          query: { quality: 'low' },
          optional: true,
          fallbackType: 'video/mp4',
        },
        { name: 'thumbnail', path: `${base}/thumbnail`, optional: true, fallbackType: 'image/jpeg' },
      ];
    }
    const base = `videos/${encodeURIComponent(record.upstream_id!)}/content`;
    return [
      { name: 'video', path: base, query: { variant: 'video' }, optional: false, fallbackType: 'video/mp4' },
      {
        name: 'thumbnail',
        path: base,
        query: { variant: 'thumbnail' },
        optional: true,
        fallbackType: 'image/webp',
      },
      {
        name: 'spritesheet',
        path: base,
        query: { variant: 'spritesheet' },
        optional: true,
        fallbackType: 'image/jpeg',
      },
    ];
  }

  fetch(download: Download): Promise<Response> {
    return this.upstream.client.request({
      method: 'GET',
      path: download.path,
      route: 'v1',
      ...(download.query ? { query: download.query } : {}),
      headers: { accept: '*/*' },
    });
  }

  /** Best effort: remove the upstream job when the caller deletes ours. */
  async remove(record: JobRecord): Promise<void> {
    if (!record.upstream_id) return;
    const path =
      record.api === 'jobs'
        ? `video/generations/jobs/${encodeURIComponent(record.upstream_id)}`
        : `videos/${encodeURIComponent(record.upstream_id)}`;
    const response = await this.upstream.client.request({
      method: 'DELETE',
      path,
      route: 'v1',
      maxRetries: 1,
    });
    await response.body?.cancel();
  }
}

function size(record: JobRecord): { width: number; height: number } {
  const [w, h] = String(record.request.size ?? '0x0')
    .split('x')
    .map(Number);
  return { width: w ?? 0, height: h ?? 0 };
}
