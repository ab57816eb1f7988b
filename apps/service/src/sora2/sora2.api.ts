import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { ApiError } from '../common/api-error.js';
import { isMultipart, readJson, readMultipart } from '../common/body.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import { serveStored } from '../storage/serve.js';
import { RequestChecks, coerceFormFields } from '../upstream/request-checks.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { VideoJobsService, takeExtensions } from '../jobs/video-jobs.service.js';
import { presentVideo } from '../jobs/job-record.js';
import { listParams } from '../videos/video-jobs.api.js';

/** Sora 2's /openai/v1/videos, in OpenAI's video shape, on the same queue as Sora 1 jobs. */
@Injectable()
export class Sora2Api {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly jobs: VideoJobsService,
    private readonly checks: RequestChecks,
    private readonly webhooks: WebhooksService,
  ) {}

  async create(tenant: string, req: Request) {
    let body: Record<string, unknown>;
    if (isMultipart(req)) {
      const form = await readMultipart(req, { maxBytes: this.config.limits.maxJsonBytes, maxFileBytes: 1, maxFiles: 0, maxFields: 16, maxFieldBytes: 64 * 1024 });
      if (Object.keys(form.files).length > 0) {
        throw ApiError.badRequest('input_reference files are not supported by this service; send model, prompt, seconds and size', 'input_reference', 'unsupported_field');
      }
      body = coerceFormFields(form.fields);
    } else {
      body = await readJson(req, this.config.limits.maxJsonBytes);
    }
    const { request, extensions } = takeExtensions(body, this.webhooks);
    const { deployment, model } = this.checks.deploymentModel(request.model);
    this.checks.check('videoCreate', request, model);
    if (model && (model.kind !== 'video' || model.api !== 'videos')) {
      throw ApiError.badRequest(`model ${deployment} (${model.name}) does not serve /videos; use a Sora 2 deployment`, 'model', 'unsupported_model');
    }
    const { model: _m, ...rest } = request;
    return presentVideo(await this.jobs.create(tenant, 'videos', deployment, rest, extensions));
  }

  async list(tenant: string, query: Record<string, unknown>) {
    const params = listParams(query, true);
    const { data, has_more } = await this.jobs.list(tenant, 'videos', { order: 'desc', ...params });
    return { object: 'list', data: data.map(presentVideo), has_more, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null };
  }

  async get(tenant: string, id: string) {
    return presentVideo(await this.jobs.get(tenant, id, 'videos'));
  }

  async remove(tenant: string, id: string) {
    const record = await this.jobs.remove(tenant, id, 'videos');
    return { id: record.id, object: 'video.deleted', deleted: true };
  }

  async content(tenant: string, id: string, req: Request, res: Response): Promise<void> {
    const variant = req.query.variant ?? 'video';
    if (variant !== 'video' && variant !== 'thumbnail' && variant !== 'spritesheet') {
      throw ApiError.badRequest(`variant ${JSON.stringify(variant)} must be video, thumbnail or spritesheet`, 'variant', 'invalid_value');
    }
    const record = await this.jobs.get(tenant, id, 'videos');
    const file = record.generations[0]?.files[variant];
    if (!file) throw ApiError.notFound(`the ${variant} of ${id} is not available${record.status === 'succeeded' ? '' : ` (the video is ${presentVideo(record).status})`}`);
    await serveStored(req, res, this.storage, file.key, file.contentType);
  }
}
