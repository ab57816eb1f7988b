/**
 * The Azure side of a video job, through core's one video interface: core builds every request
 * (create, remix, retrieve, download, delete) for the deployment's API and reads every answer into
 * its task shape, and its matcher finds the task a lost create made. Nothing here knows which
 * video API a deployment uses.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  buildVideoCreate,
  buildVideoDelete,
  buildVideoDownload,
  buildVideoRemix,
  buildVideoRetrieve,
  parseVideoTask,
  serverRetryAfterMs,
  VIDEO_APIS,
  type FileFacts,
  type VideoContent,
  type VideoCreateRequest,
  type VideoQuality,
  type VideoTask,
} from '@aoai-media/core';
import { UpstreamService } from '../upstream/upstream.service.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import { fileName, type JobRecord } from './job-record.js';

/** One file to keep for an output of a finished task. */
export interface Download {
  /** Stored under this name (see `fileName`). */
  name: string;
  content: VideoContent;
  quality?: VideoQuality;
  /** Only the first rendition of the video is required; a file Azure does not offer is skipped. */
  optional: boolean;
}

@Injectable()
export class VideoUpstream {
  constructor(
    private readonly upstream: UpstreamService,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
  ) {}

  /** The create as core's unified request (the deployment in `model`), without media. */
  createRequest(record: JobRecord): VideoCreateRequest {
    return { model: record.deployment, ...record.request };
  }

  /**
   * Send the create (or remix) once. Never retried inside the client: a create whose answer was
   * lost might have happened, so the worker decides what to do with each failure. `marker` names
   * this attempt (sent as x-ms-client-request-id, so Azure's logs can tell attempts apart).
   */
  async create(record: JobRecord, marker: string): Promise<VideoTask> {
    const release: (() => Promise<void>)[] = [];
    try {
      let spec;
      if (record.remixed_from) {
        spec = buildVideoRemix(record.api, record.remixed_from.upstream_id, {
          prompt: record.request.prompt,
        });
      } else {
        // Media streams from the shared store as the create is sent.
        const media = [];
        const facts: FileFacts[] = [];
        for (const m of record.media ?? []) {
          const opened = await this.storage.openBlob(m.key, m.contentType);
          release.push(opened.release);
          media.push({
            file: { data: opened.blob, filename: m.filename, contentType: m.contentType },
            ...(m.frame_index !== undefined ? { frame_index: m.frame_index } : {}),
            ...(m.crop_bounds ? { crop_bounds: m.crop_bounds } : {}),
          });
          facts.push({
            size: m.size,
            contentType: m.contentType,
            detectedType: m.contentType,
            filename: m.filename,
          });
        }
        spec = buildVideoCreate(
          record.api,
          { ...this.createRequest(record), ...(media.length > 0 ? { media } : {}) },
          facts,
        );
      }
      const raw = await this.upstream.client.requestJson<unknown>({
        ...spec,
        maxRetries: 0,
        headers: { ...(spec.headers ?? {}), 'x-ms-client-request-id': marker },
      });
      return parseVideoTask(record.api, raw);
    } finally {
      for (const done of release) await done().catch(() => undefined);
    }
  }

  /**
   * The task a lost create of `record` made, by core's matcher (same model, prompt, size, seconds,
   * variants or remix source, created after `since`), leaving out `exclude`: undefined when none
   * matches; core's AmbiguousVideoMatchError (with the candidates) when more than one could be it.
   */
  findCreated(record: JobRecord, since: number, exclude: readonly string[]): Promise<VideoTask | undefined> {
    const videos = this.upstream.client.videos;
    const options = { since, exclude, maxRetries: 1 };
    return record.remixed_from
      ? videos.findRemixed(
          { id: record.remixed_from.upstream_id, api: record.api },
          { prompt: record.request.prompt },
          options,
        )
      : videos.findCreated(this.createRequest(record), options);
  }

  /** The task as Azure reports it now, and the wait it asked for before the next poll. */
  async retrieve(record: JobRecord): Promise<{ task: VideoTask; retryAfterMs?: number }> {
    const response = await this.upstream.client.request({
      ...buildVideoRetrieve(record.api, record.upstream_id!),
      maxRetries: 1,
    });
    const retryAfterMs = serverRetryAfterMs(response.headers, Date.now());
    const task = parseVideoTask(record.api, await response.json());
    return { task, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }

  /** The files to keep for one output: each content it offers, each rendition of the video. */
  downloads(task: VideoTask, output: number): Download[] {
    const out: Download[] = [];
    for (const content of task.outputs[output]?.contents ?? []) {
      const qualities = content === 'video' ? VIDEO_APIS[task.api].qualities : [];
      if (qualities.length === 0) out.push({ name: fileName(content), content, optional: out.length > 0 });
      for (const quality of qualities)
        out.push({ name: fileName(content, quality), content, quality, optional: out.length > 0 });
    }
    return out;
  }

  fetch(task: VideoTask, output: number, download: Download): Promise<Response> {
    return this.upstream.client.request(
      buildVideoDownload(task.api, task.outputs[output]!.id, {
        content: download.content,
        ...(download.quality ? { quality: download.quality } : {}),
      }),
    );
  }

  /** Best effort: remove the upstream task when the caller deletes ours. */
  async remove(record: JobRecord): Promise<void> {
    if (!record.upstream_id) return;
    const response = await this.upstream.client.request({
      ...buildVideoDelete(record.api, record.upstream_id),
      maxRetries: 1,
    });
    await response.body?.cancel();
  }
}
