import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { ApiError } from '../common/api-error.js';
import { isMultipart, readJson, readMultipart, type UploadedFile } from '../common/body.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import { serveStored } from '../storage/serve.js';
import { RequestChecks, coerceFormFields, fileInput } from '../upstream/request-checks.js';
import { filesFacts } from '../common/media.js';
import type { FileFacts } from '@aoai-media/core';
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
    let files: UploadedFile[] = [];
    if (isMultipart(req)) {
      // OpenAI's multipart create: text fields and at most one `input_reference` image (or video).
      const form = await readMultipart(
        req,
        {
          maxBytes: this.config.limits.maxUploadBytes,
          maxFileBytes: this.config.limits.maxUploadBytes,
          maxFiles: 1,
          maxFields: 16,
          maxFieldBytes: 256 * 1024,
          filesParam: 'input_reference',
        },
        this.config.limits,
      );
      for (const name of Object.keys(form.files)) {
        if (name !== 'input_reference')
          throw ApiError.badRequest(
            `file field ${name} is not part of a video create; attach the reference as input_reference`,
            name,
            'unknown_field',
          );
      }
      files = form.files.input_reference ?? [];
      body = coerceFormFields(form.fields);
      if ('input_reference' in body)
        throw ApiError.badRequest(
          'input_reference must be a file part, not a text field',
          'input_reference',
          'invalid_type',
        );
    } else {
      body = await readJson(req, this.config.limits);
    }
    const { request, extensions } = await takeExtensions(body, this.webhooks);
    const { deployment, model } = this.checks.deploymentModel(request.model);
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
    if (model && (model.kind !== 'video' || model.api !== 'videos')) {
      throw ApiError.badRequest(
        `model ${deployment} (${model.name}) does not serve /videos; use a Sora 2 deployment`,
        'model',
        'unsupported_model',
      );
    }
    if (reference && facts) {
      checkReferenceSize(reference, facts, request.size);
      reference.contentType = facts.contentType ?? reference.contentType;
    }
    const { model: _m, ...rest } = request;
    return presentVideo(await this.jobs.create(tenant, 'videos', deployment, rest, extensions, { files }));
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
            )
          ).fields,
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
    const inherited = { prompt: request.prompt, ...pick(source.request, ['seconds', 'size']) };
    const record = await this.jobs.create(tenant, 'videos', source.deployment, inherited, extensions, {
      remixedFrom: { id: source.id, upstream_id: source.upstream_id },
    });
    return presentVideo(record);
  }

  async list(tenant: string, query: Record<string, unknown>) {
    const params = listParams(query, true);
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
    const file = record.generations[0]?.files[variant];
    if (!file)
      throw ApiError.notFound(
        `the ${variant} of ${id} is not available${record.status === 'succeeded' ? '' : ` (the video is ${presentVideo(record).status})`}`,
      );
    await serveStored(req, res, this.storage, file.key, file.contentType);
  }
}

/** Azure renders from the reference at the video's own size, so a PNG of another size is refused here. */
function checkReferenceSize(file: UploadedFile, facts: FileFacts, size: unknown): void {
  if (typeof size !== 'string' || facts.width === undefined) return;
  if (`${facts.width}x${facts.height}` !== size) {
    throw ApiError.badRequest(
      `input_reference ${file.filename} is ${facts.width}x${facts.height}; it must match size ${size}`,
      'input_reference',
      'size_mismatch',
    );
  }
}

function pick(from: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));
}
