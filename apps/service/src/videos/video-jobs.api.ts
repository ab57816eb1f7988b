import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { ApiError } from '../common/api-error.js';
import { readJson, readMultipart, isMultipart, type UploadedFile } from '../common/body.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import { serveStored } from '../storage/serve.js';
import { RequestChecks, coerceFormFields, fileInput } from '../upstream/request-checks.js';
import { filesFacts } from '../common/media.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { REQUEST_STORE, type JobStore } from '../jobs/job-store.js';
import { VideoJobsService, takeExtensions } from '../jobs/video-jobs.service.js';
import { presentGeneration, presentJob, type JobStatus } from '../jobs/job-record.js';

const STATUSES: readonly JobStatus[] = [
  'preprocessing',
  'queued',
  'running',
  'processing',
  'cancelled',
  'succeeded',
  'failed',
];

/** Parse Azure's list parameters: limit (1-100, default 10), after, before, statuses. */
export function listParams(query: Record<string, unknown>, order?: boolean) {
  const one = (name: string): string | undefined => {
    const v = query[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw ApiError.badRequest(`${name} must be given once`, name, 'invalid_value');
    return v;
  };
  const limitRaw = one('limit');
  const limit = limitRaw === undefined ? 10 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw ApiError.badRequest(
      `limit ${JSON.stringify(limitRaw)} must be an integer from 1 to 100`,
      'limit',
      'invalid_value',
    );
  }
  const statusesRaw = one('statuses');
  const statuses = statusesRaw ? statusesRaw.split(',').map((s) => s.trim()) : undefined;
  for (const s of statuses ?? []) {
    if (!STATUSES.includes(s as JobStatus))
      throw ApiError.badRequest(
        `statuses contains ${JSON.stringify(s)}; allowed: ${STATUSES.join(', ')}`,
        'statuses',
        'invalid_value',
      );
  }
  const orderRaw = order ? one('order') : undefined;
  if (orderRaw !== undefined && orderRaw !== 'asc' && orderRaw !== 'desc')
    throw ApiError.badRequest(
      `order ${JSON.stringify(orderRaw)} must be asc or desc`,
      'order',
      'invalid_value',
    );
  const after = one('after');
  const before = one('before');
  return {
    limit,
    ...(after ? { after } : {}),
    ...(before ? { before } : {}),
    ...(statuses ? { statuses: statuses as JobStatus[] } : {}),
    ...(orderRaw ? { order: orderRaw as 'asc' | 'desc' } : {}),
  };
}

/** Sora 1 jobs: create, list, get, delete, generations and their stored content. */
@Injectable()
export class VideoJobsApi {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly jobs: VideoJobsService,
    @Inject(REQUEST_STORE) private readonly store: JobStore,
    private readonly checks: RequestChecks,
    private readonly webhooks: WebhooksService,
  ) {}

  async create(tenant: string, req: Request) {
    let body: Record<string, unknown>;
    let files: UploadedFile[] = [];
    if (isMultipart(req)) {
      // Azure's create with media: fields, `files`, and `inpaint_items` as JSON text.
      const form = await readMultipart(
        req,
        {
          maxBytes: this.config.limits.maxUploadBytes,
          maxFileBytes: this.config.limits.maxUploadBytes,
          maxFiles: 10,
          maxFields: 32,
          maxFieldBytes: 256 * 1024,
          filesParam: 'files',
        },
        this.config.limits,
      );
      for (const name of Object.keys(form.files)) {
        if (name !== 'files')
          throw ApiError.badRequest(
            `file field ${name} is not part of a video job; attach media as files`,
            name,
            'unknown_field',
          );
      }
      files = form.files.files ?? [];
      body = coerceFormFields(form.fields);
      if (typeof body.inpaint_items === 'string') {
        try {
          body.inpaint_items = JSON.parse(body.inpaint_items);
        } catch {
          throw ApiError.badRequest(
            'inpaint_items must be JSON text (an array of items)',
            'inpaint_items',
            'invalid_json',
          );
        }
      }
      if (files.length === 0)
        throw ApiError.badRequest(
          'files is required in a multipart create; attach at least one image or video',
          'files',
          'missing_required',
        );
    } else {
      body = await readJson(req, this.config.limits);
    }
    const { request, extensions } = await takeExtensions(body, this.webhooks);
    const { deployment, model } = this.checks.deploymentModel(request.model);
    // The bytes decide what a file is: each must be an image or a video.
    const media = filesFacts(files, 'files', 'media', true);
    this.checks.check(
      'videoJob',
      files.length > 0 ? { ...request, files: files.map(fileInput) } : request,
      model,
      { files: media.facts },
      media.issues,
    );
    files.forEach((f, i) => (f.contentType = media.facts[i]!.contentType ?? f.contentType));
    if (model && (model.kind !== 'video' || model.api !== 'jobs')) {
      throw ApiError.badRequest(
        `model ${deployment} (${model.name}) does not take video jobs; use a Sora deployment`,
        'model',
        'unsupported_model',
      );
    }
    const { model: _m, ...rest } = request;
    const record = await this.jobs.create(tenant, 'jobs', deployment, rest, extensions, { files });
    return presentJob(record);
  }

  async list(tenant: string, query: Record<string, unknown>) {
    const { data, has_more } = await this.jobs.list(tenant, 'jobs', listParams(query));
    return {
      object: 'list',
      data: data.map(presentJob),
      has_more,
      first_id: data[0]?.id ?? null,
      last_id: data[data.length - 1]?.id ?? null,
    };
  }

  async get(tenant: string, id: string) {
    return presentJob(await this.jobs.get(tenant, id, 'jobs'));
  }

  async remove(tenant: string, id: string): Promise<void> {
    await this.jobs.remove(tenant, id, 'jobs');
  }

  private async generationOf(tenant: string, id: string) {
    const found = await this.store.jobOfGeneration(tenant, id);
    if (!found) throw ApiError.notFound(`no generation with id ${JSON.stringify(id.slice(0, 80))}`);
    return { job: found.job, generation: found.job.generations[found.index]! };
  }

  async generation(tenant: string, id: string) {
    const { job, generation } = await this.generationOf(tenant, id);
    return presentGeneration(job, generation);
  }

  async content(tenant: string, id: string, req: Request, res: Response): Promise<void> {
    const quality = req.query.quality ?? 'high';
    if (quality !== 'high' && quality !== 'low')
      throw ApiError.badRequest(
        `quality ${JSON.stringify(quality)} must be high or low`,
        'quality',
        'invalid_value',
      );
    const { generation } = await this.generationOf(tenant, id);
    const file = generation.files[`video-${quality}`];
    if (!file) throw ApiError.notFound(`the ${quality}-quality video of ${id} is not available`);
    await serveStored(req, res, this.storage, file.key, file.contentType);
  }

  async thumbnail(tenant: string, id: string, req: Request, res: Response): Promise<void> {
    const { generation } = await this.generationOf(tenant, id);
    const file = generation.files.thumbnail;
    if (!file) throw ApiError.notFound(`the thumbnail of ${id} is not available`);
    await serveStored(req, res, this.storage, file.key, file.contentType);
  }
}
