import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { ApiError } from '../common/api-error.js';
import { isMultipart, readJson, readMultipart, type FileSink } from '../common/body.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import { serveStored } from '../storage/serve.js';
import { RequestChecks, coerceFormFields, fileInput } from '../upstream/request-checks.js';
import { filesFacts } from '../common/media.js';
import { videoCapabilities } from '@aoai-media/core';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { VideoJobsService, takeExtensions } from '../jobs/video-jobs.service.js';
import { SURFACES, fileName, presentVideo } from '../jobs/job-record.js';
import { listParams } from '../video-jobs/video-jobs.api.js';

/** Azure's /openai/v1/videos, in OpenAI's video shape, on the same queue as video generation jobs. */
@Injectable()
export class VideosApi {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly jobs: VideoJobsService,
    private readonly checks: RequestChecks,
    private readonly webhooks: WebhooksService,
  ) {}

  async create(tenant: string, req: Request) {
    const id = this.jobs.newId('videos');
    // The reference streams into the shared store under the job's id as it arrives; removed if refused.
    const uploads = this.jobs.uploads(tenant, id);
    try {
      // OpenAI's multipart create: text fields and at most one `input_reference` image (or video).
      const { body, files, multipart } = await this.jobs.readCreate(req, uploads, {
        fileField: 'input_reference',
        maxFiles: 1,
        maxFields: 16,
        refusal: 'is not part of a video create; attach the reference as input_reference',
      });
      if (multipart && 'input_reference' in body)
        throw ApiError.badRequest(
          'input_reference must be a file part, not a text field',
          'input_reference',
          'invalid_type',
        );
      const { request, extensions } = await takeExtensions(body, this.webhooks);
      const { deployment, model } = this.checks.deploymentModel(request.model);
      this.checks.videoDeployment(deployment, model, 'videos');
      const reference = files[0];
      // The bytes decide what the reference is: an image (whose size is read) or a video.
      const media = filesFacts(files, 'input_reference', 'media', false);
      const facts = media.facts[0];
      this.checks.check(
        'videoCreate',
        reference ? { ...request, input_reference: fileInput(reference) } : request,
        model,
        facts ? { input_reference: facts } : undefined,
        media.issues,
      );
      const seconds = request.seconds ?? videoCapabilities(model)?.defaultSeconds;
      const record = await this.jobs.create(
        tenant,
        {
          id,
          api: 'videos',
          deployment,
          request: {
            prompt: request.prompt as string,
            ...(typeof request.size === 'string' ? { size: request.size } : {}),
            ...(seconds !== undefined && seconds !== null ? { seconds: Number(seconds) } : {}),
          },
          media: files.map((f, i) => ({
            key: f.stored.key!,
            filename: f.filename,
            contentType: media.facts[i]!.contentType ?? f.contentType,
            size: f.size,
          })),
        },
        extensions,
      );
      return presentVideo(record);
    } catch (e) {
      await uploads.discard();
      throw e;
    }
  }

  /**
   * A new video from one of the tenant's completed videos with a new prompt. Queued like a create;
   * the worker sends it to Azure's remix of the source's upstream video.
   */
  async remix(tenant: string, id: string, req: Request) {
    const body = isMultipart(req)
      ? coerceFormFields(
          (
            await readMultipart(
              req,
              {
                maxBytes: this.config.limits.maxJsonBytes,
                maxFileBytes: 1,
                maxFiles: 0,
                maxFields: 8,
                maxFieldBytes: 256 * 1024,
                filesParam: 'input_reference',
              },
              this.config.limits,
              refuseFiles,
              async () => undefined,
            )
          ).fields,
          'videos.remix',
        )
      : await readJson(req, this.config.limits);
    const { request, extensions } = await takeExtensions(body, this.webhooks);
    this.checks.check('videoRemix', request, undefined);
    const source = await this.jobs.get(tenant, id, 'videos');
    if (source.status !== 'succeeded' || !source.upstream_id) {
      throw ApiError.badRequest(
        `video ${id} is ${presentVideo(source).status}; only a completed video can be remixed`,
        'video_id',
        'video_not_ready',
      );
    }
    // The new prompt follows the source model's rules (its length limit), as a create would.
    const { model } = this.checks.deploymentModel(source.deployment);
    this.checks.check('videoCreate', { model: source.deployment, prompt: request.prompt }, model);
    const record = await this.jobs.create(
      tenant,
      {
        id: this.jobs.newId('videos'),
        api: source.api,
        deployment: source.deployment,
        // A remix keeps the source's size and seconds; only the prompt is new.
        request: { ...source.request, prompt: request.prompt as string },
        remixedFrom: { id: source.id, upstream_id: source.upstream_id },
      },
      extensions,
    );
    return presentVideo(record);
  }

  async list(tenant: string, query: Record<string, unknown>) {
    const params = listParams(query, SURFACES.videos.statuses, true);
    const { data, has_more } = await this.jobs.list(tenant, 'videos', { order: 'desc', ...params });
    return {
      object: 'list',
      data: data.map(presentVideo),
      has_more,
      first_id: data[0]?.id ?? null,
      last_id: data[data.length - 1]?.id ?? null,
    };
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
      throw ApiError.badRequest(
        `variant ${JSON.stringify(variant)} must be video, thumbnail or spritesheet`,
        'variant',
        'invalid_value',
      );
    }
    const record = await this.jobs.get(tenant, id, 'videos');
    const file = record.generations[0]?.files[fileName(variant)];
    if (!file)
      throw ApiError.notFound(
        `the ${variant} of ${id} is not available${record.status === 'succeeded' ? '' : ` (the video is ${presentVideo(record).status})`}`,
      );
    await serveStored(req, res, this.storage, file.key, file.contentType);
  }
}

/** A remix takes no files (busboy stops at maxFiles 0 before any reaches here). */
const refuseFiles: FileSink = async () => {
  throw ApiError.badRequest('a remix takes no files', 'input_reference', 'unknown_field');
};
