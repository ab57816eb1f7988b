import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { readJson, readMultipart, single } from '../common/body.js';
import { ApiError } from '../common/api-error.js';
import { requestIdOf } from '../common/request-context.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { RequestChecks, coerceFormFields, fileInput } from '../upstream/request-checks.js';
import { filesFacts } from '../common/media.js';
import { Spool } from '../common/uploads.js';

/** Image generation and edits: check against the model table, then relay Azure's answer as it is. */
@Injectable()
export class ImagesService {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly upstream: UpstreamService,
    private readonly checks: RequestChecks,
  ) {}

  /** `pathDeployment` is set on deployment-style paths; on /openai/v1 the body's `model` names it. */
  async generate(req: Request, res: Response, pathDeployment?: string): Promise<void> {
    const body = await readJson(req, this.config.limits);
    const { deployment, model } = this.checks.deploymentModel(pathDeployment ?? body.model);
    const request = { ...body, model: deployment };
    this.checks.check('imageGenerate', request, model);
    const answer = await this.upstream.send(
      { method: 'POST', path: 'images/generations', deployment, body: request },
      requestIdOf(req),
    );
    await this.upstream.relay(answer, res);
  }

  async edit(req: Request, res: Response, pathDeployment?: string): Promise<void> {
    // Files stream to temp files and are sent on from there: never held whole in memory.
    const spool = new Spool();
    try {
      const form = await readMultipart(
        req,
        {
          maxBytes: this.config.limits.maxUploadBytes,
          maxFileBytes: this.config.limits.maxUploadBytes,
          maxFiles: 17,
          maxFields: 32,
          maxFieldBytes: 256 * 1024,
        },
        this.config.limits,
        spool.sink,
        spool.discard,
      );
      const { deployment, model } = this.checks.deploymentModel(pathDeployment ?? single(form, 'model'));
      for (const name of Object.keys(form.files)) {
        if (name !== 'image' && name !== 'mask')
          throw ApiError.badRequest(
            `file field ${name} is not part of images/edits; send image and mask`,
            name,
            'unknown_field',
          );
      }
      const images = form.files.image ?? [];
      const masks = form.files.mask ?? [];
      if (masks.length > 1)
        throw ApiError.badRequest(`mask was sent ${masks.length} times; send one`, 'mask', 'duplicate_field');
      const fields = coerceFormFields(form.fields, 'images.edit');
      for (const name of ['image', 'mask']) {
        if (name in fields)
          throw ApiError.badRequest(`${name} must be a file part, not a text field`, name, 'invalid_type');
      }
      const request: Record<string, unknown> = { ...fields, model: deployment };
      if (images.length > 0)
        request.image = images.length === 1 ? fileInput(images[0]!) : images.map(fileInput);
      if (masks[0]) request.mask = fileInput(masks[0]);
      // The bytes decide what a file is: junk labelled image/png never reaches Azure.
      const image = filesFacts(images, 'image', 'image');
      const mask = filesFacts(masks, 'mask', 'image', false);
      this.checks.check(
        'imageEdit',
        request,
        model,
        { image: image.facts, ...(mask.facts[0] ? { mask: mask.facts[0] } : {}) },
        [...image.issues, ...mask.issues],
      );

      const upload = new FormData();
      for (const [name, value] of form.entries) if (name !== 'model') upload.append(name, value);
      upload.append('model', deployment);
      const imageField = images.length > 1 ? 'image[]' : 'image';
      for (const [i, f] of images.entries())
        upload.append(imageField, await spool.file(f, image.facts[i]!.contentType!));
      if (masks[0]) upload.append('mask', await spool.file(masks[0], mask.facts[0]!.contentType!));
      const answer = await this.upstream.send(
        { method: 'POST', path: 'images/edits', deployment, body: upload },
        requestIdOf(req),
      );
      await this.upstream.relay(answer, res);
    } finally {
      await spool.dispose();
    }
  }
}
