import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '../config/config.module.js';
import { maxRunningFor, type ServiceConfig } from '../config/config.js';
import { ApiError } from '../common/api-error.js';
import { LOGGER, type Log } from '../common/logger.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { REQUEST_STORE, type JobStore, type ListParams } from './job-store.js';
import { Admission } from './admission.js';
import { VideoUpstream } from './video-upstream.js';
import type { VideoApi } from '@aoai-media/core';
import { SURFACES, TERMINAL, type JobRecord, type JobRequest, type StoredMedia } from './job-record.js';
import type { Request } from 'express';
import { isMultipart, readJson, readMultipart, type FileSink, type UploadedFile } from '../common/body.js';
import { coerceFormFields } from '../upstream/request-checks.js';
import { storageSink } from '../common/uploads.js';

/** Fields the service adds to Azure's create requests. */
export interface Extensions {
  callback_url?: string;
  metadata?: Record<string, string>;
}

/** Split the service's extensions off a create body and check them (400 naming the field). */
export async function takeExtensions(
  body: Record<string, unknown>,
  webhooks: WebhooksService,
): Promise<{ request: Record<string, unknown>; extensions: Extensions }> {
  const { callback_url, metadata, ...request } = body;
  const extensions: Extensions = {};
  if (callback_url !== undefined) {
    const problem = await webhooks.checkTarget(callback_url);
    if (problem) throw ApiError.badRequest(problem, 'callback_url', 'invalid_callback_url');
    extensions.callback_url = callback_url as string;
  }
  if (metadata !== undefined) {
    let parsed = metadata;
    if (typeof parsed === 'string') {
      try {
        parsed = JSON.parse(parsed); // multipart sends it as JSON text
      } catch {
        throw ApiError.badRequest(
          'metadata must be an object of string values (JSON text in multipart forms)',
          'metadata',
          'invalid_type',
        );
      }
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw ApiError.badRequest('metadata must be an object of string values', 'metadata', 'invalid_type');
    const entries = Object.entries(parsed as Record<string, unknown>);
    if (entries.length > 16)
      throw ApiError.badRequest(
        `metadata has ${entries.length} keys; at most 16 are allowed`,
        'metadata',
        'too_many',
      );
    for (const [k, v] of entries) {
      if (k.length === 0 || k.length > 64)
        throw ApiError.badRequest(
          `metadata key ${JSON.stringify(k.slice(0, 70))} must be 1-64 characters`,
          `metadata.${k}`,
          'invalid_value',
        );
      if (typeof v !== 'string' || v.length > 512)
        throw ApiError.badRequest(
          `metadata.${k} must be a string of at most 512 characters`,
          `metadata.${k}`,
          'invalid_value',
        );
    }
    extensions.metadata = parsed as Record<string, string>;
  }
  return { request, extensions };
}

/**
 * Video jobs as our callers see them: created at once, run by the queue, scoped to a tenant. Every
 * Redis call made here fails fast: with Redis unreachable a request gets a 503 within
 * REDIS_COMMAND_TIMEOUT_MS, and a job refused that way is never carried out later.
 */
@Injectable()
export class VideoJobsService {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    @Inject(LOGGER) private readonly log: Log,
    @Inject(REQUEST_STORE) private readonly store: JobStore,
    private readonly admission: Admission,
    private readonly upstream: VideoUpstream,
  ) {}

  /** A new job id, in the form of the API's own ids. */
  newId(api: VideoApi): string {
    return `${SURFACES[api].idPrefix}_${randomBytes(13).toString('hex')}`;
  }

  /**
   * Where a create's media go while its body streams in: straight to the shared store, under the
   * job's prefix, so any worker can send them with the create (possibly after a restart). `discard`
   * removes them when the request is refused.
   */
  uploads(tenant: string, id: string): { sink: FileSink; discard: () => Promise<void> } {
    return {
      sink: storageSink(this.storage, (i) => `${tenant}/${id}/uploads/${i}`),
      discard: () => this.storage.removePrefix(`${tenant}/${id}`).catch(() => undefined),
    };
  }

  /**
   * A video create's body: JSON, or a multipart form whose files (only `form.fileField`) stream into
   * the shared store through `uploads` as they arrive.
   */
  async readCreate(
    req: Request,
    uploads: { sink: FileSink; discard: () => Promise<void> },
    form: { fileField: string; maxFiles: number; maxFields: number; refusal: string },
  ): Promise<{ body: Record<string, unknown>; files: UploadedFile[]; multipart: boolean }> {
    if (!isMultipart(req))
      return { body: await readJson(req, this.config.limits), files: [], multipart: false };
    const read = await readMultipart(
      req,
      {
        maxBytes: this.config.limits.maxUploadBytes,
        maxFileBytes: this.config.limits.maxUploadBytes,
        maxFiles: form.maxFiles,
        maxFields: form.maxFields,
        maxFieldBytes: 256 * 1024,
        filesParam: form.fileField,
      },
      this.config.limits,
      uploads.sink,
      uploads.discard,
    );
    for (const name of Object.keys(read.files)) {
      if (name !== form.fileField)
        throw ApiError.badRequest(`file field ${name} ${form.refusal}`, name, 'unknown_field');
    }
    return {
      body: coerceFormFields(read.fields, 'videos.create'),
      files: read.files[form.fileField] ?? [],
      multipart: true,
    };
  }

  async create(
    tenant: string,
    job: {
      id: string;
      api: VideoApi;
      deployment: string;
      request: JobRequest;
      media?: StoredMedia[];
      remixedFrom?: JobRecord['remixed_from'];
    },
    extensions: Extensions,
  ): Promise<JobRecord> {
    const { id, api, deployment, request, media = [], remixedFrom } = job;
    const record: JobRecord = {
      id,
      tenant,
      api,
      deployment,
      request,
      status: 'queued',
      created_at: Math.floor(Date.now() / 1000),
      finished_at: null,
      expires_at: null,
      failure_reason: null,
      generations: [],
      ...(extensions.metadata ? { metadata: extensions.metadata } : {}),
      ...(extensions.callback_url ? { callback_url: extensions.callback_url } : {}),
      ...(media.length > 0 ? { media } : {}),
      ...(remixedFrom ? { remixed_from: remixedFrom } : {}),
    };
    // Redis refuses the job itself if it runs this later than half the command timeout: by then
    // this request may have given up, and a job the caller was told failed must never run.
    const deadline = Date.now() + Math.floor(this.config.redisCommandTimeoutMs / 2);
    let accepted: Awaited<ReturnType<JobStore['accept']>>;
    try {
      accepted = await this.store.accept(record, deadline, maxRunningFor(this.config, deployment));
    } catch (e) {
      await this.storage.removePrefix(`${tenant}/${id}`).catch(() => undefined);
      throw e;
    }
    if (accepted === 'refused') {
      await this.storage.removePrefix(`${tenant}/${id}`).catch(() => undefined);
      throw ApiError.unavailable('the job store answered too late; the job was not created, try again');
    }
    // With a free slot the job goes to the create queue now; if that fails (Redis went away this
    // moment, a crash), the slot's repair queues it (see Admission). Else it waits for a slot.
    if (accepted === 'admitted')
      await this.admission
        .admitted(deployment, id)
        .catch((e: Error) =>
          this.log.warn({ jobId: id, error: e.message }, 'queueing the job failed; repair will'),
        );
    this.log.info({ jobId: id, tenant, deployment }, 'video job queued');
    return record;
  }

  async get(tenant: string, id: string, api: VideoApi): Promise<JobRecord> {
    const record = await this.store.getFor(tenant, id, api);
    if (!record)
      throw ApiError.notFound(`no ${SURFACES[api].noun} with id ${JSON.stringify(id.slice(0, 80))}`);
    return record;
  }

  list(tenant: string, api: VideoApi, params: ListParams) {
    return this.store.list(tenant, api, params);
  }

  /** Remove the job, its files and (best effort) Azure's copy; a worker that holds it notices and stops. */
  async remove(tenant: string, id: string, api: VideoApi): Promise<JobRecord> {
    const record = await this.get(tenant, id, api);
    await this.store.remove(record);
    await this.storage.removePrefix(`${record.tenant}/${record.id}`);
    if (TERMINAL.has(record.status)) {
      // A running job's worker notices the record is gone and removes Azure's copy itself.
      await this.upstream
        .remove(record)
        .catch((e: Error) =>
          this.log.warn({ jobId: id, error: e.message }, 'could not delete the upstream job'),
        );
    } else {
      this.log.info({ jobId: id }, 'video job deleted while in progress');
    }
    return record;
  }
}
