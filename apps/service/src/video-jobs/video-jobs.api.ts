import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { ApiError } from '../common/api-error.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import { serveStored } from '../storage/serve.js';
import { VIDEO_JOB_STATUSES, videoCapabilities, type CropBounds } from '@aoai-media/core';
import { RequestChecks, fileInput } from '../upstream/request-checks.js';
import { filesFacts } from '../common/media.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { REQUEST_STORE, type JobStore } from '../jobs/job-store.js';
import { VideoJobsService, takeExtensions } from '../jobs/video-jobs.service.js';
import {
  fileName,
  presentGeneration,
  presentJob,
  presentStatus,
  type JobRecord,
} from '../jobs/job-record.js';

/** One of `inpaint_items` (Azure's placement of a media file in the video). */
interface InpaintItem {
  file_name?: string;
  frame_index?: number;
  crop_bounds?: CropBounds;
}

/**
 * Parse Azure's list parameters: limit (1-100, default 10), after, before, and `statuses` (as the
 * API names them; a job matches by the status it is shown with) where the API has them.
 */
export function listParams(query: Record<string, unknown>, statusWords: readonly string[], order?: boolean) {
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
  const statusesRaw = statusWords.length > 0 ? one('statuses') : undefined;
  const statuses = statusesRaw ? statusesRaw.split(',').map((s) => s.trim()) : undefined;
  for (const s of statuses ?? []) {
    if (!statusWords.includes(s))
      throw ApiError.badRequest(
        `statuses contains ${JSON.stringify(s)}; allowed: ${statusWords.join(', ')}`,
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
    ...(statuses ? { filter: (r: JobRecord) => statuses.includes(presentStatus(r)) } : {}),
    ...(orderRaw ? { order: orderRaw as 'asc' | 'desc' } : {}),
  };
}

/** Azure's video generation jobs (/video/generations/jobs): create, list, get, delete, generations and their stored content. */
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
    const id = this.jobs.newId('jobs');
    // Media stream into the shared store under the job's id as they arrive; removed if refused.
    const uploads = this.jobs.uploads(tenant, id);
    try {
      // Azure's create with media: fields, `files`, and `inpaint_items` as JSON text.
      const { body, files, multipart } = await this.jobs.readCreate(req, uploads, {
        fileField: 'files',
        maxFiles: 10,
        maxFields: 32,
        refusal: 'is not part of a video job; attach media as files',
      });
      if (multipart) {
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
      }
      const { request, extensions } = await takeExtensions(body, this.webhooks);
      const { deployment, model } = this.checks.deploymentModel(request.model);
      this.checks.videoDeployment(deployment, model, 'jobs');
      // The bytes decide what a file is: each must be an image or a video.
      const media = filesFacts(files, 'files', 'media', true);
      this.checks.check(
        'videoJob',
        files.length > 0 ? { ...request, files: files.map(fileInput) } : request,
        model,
        { files: media.facts },
        media.issues,
      );
      const items = Array.isArray(request.inpaint_items) ? (request.inpaint_items as InpaintItem[]) : [];
      const record = await this.jobs.create(
        tenant,
        {
          id,
          api: 'jobs',
          deployment,
          request: {
            prompt: request.prompt as string,
            size: `${request.width}x${request.height}`,
            seconds: (request.n_seconds as number | undefined) ?? videoCapabilities(model)?.defaultSeconds,
            variants: (request.n_variants as number | undefined) ?? 1,
          },
          media: files.map((f, i) => {
            // An inpaint item names its file; without one the file starts the video.
            const item = items.find((it) => it.file_name === f.filename) ?? items[i];
            return {
              key: f.stored.key!,
              filename: f.filename,
              contentType: media.facts[i]!.contentType ?? f.contentType,
              size: f.size,
              ...(item?.frame_index !== undefined ? { frame_index: item.frame_index } : {}),
              ...(item?.crop_bounds ? { crop_bounds: item.crop_bounds } : {}),
            };
          }),
        },
        extensions,
      );
      return presentJob(record);
    } catch (e) {
      await uploads.discard();
      throw e;
    }
  }

  async list(tenant: string, query: Record<string, unknown>) {
    const { data, has_more } = await this.jobs.list(tenant, 'jobs', listParams(query, VIDEO_JOB_STATUSES));
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
    const file = generation.files[fileName('video', quality)];
    if (!file) throw ApiError.notFound(`the ${quality}-quality video of ${id} is not available`);
    await serveStored(req, res, this.storage, file.key, file.contentType);
  }

  async thumbnail(tenant: string, id: string, req: Request, res: Response): Promise<void> {
    const { generation } = await this.generationOf(tenant, id);
    const file = generation.files[fileName('thumbnail')];
    if (!file) throw ApiError.notFound(`the thumbnail of ${id} is not available`);
    await serveStored(req, res, this.storage, file.key, file.contentType);
  }
}
