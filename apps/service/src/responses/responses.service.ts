import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Issue } from '@aoai-media/core';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { readJson } from '../common/body.js';
import { ApiError } from '../common/api-error.js';
import { requestIdOf } from '../common/request-context.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { RequestChecks } from '../upstream/request-checks.js';

export const IMAGE_DEPLOYMENT_HEADER = 'x-ms-oai-image-generation-deployment';

/** Tool fields that are not image-request fields. */
const TOOL_ONLY = new Set(['type', 'partial_images', 'input_image_mask', 'input_fidelity']);

/**
 * The Responses API with the image_generation tool. The tool's settings are checked as an image
 * request for the deployment named in Azure's header; the answer (often an event stream) is relayed
 * as it arrives.
 */
@Injectable()
export class ResponsesService {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly upstream: UpstreamService,
    private readonly checks: RequestChecks,
  ) {}

  async create(req: Request, res: Response): Promise<void> {
    const body = await readJson(req, this.config.limits);
    this.checks.deploymentModel(body.model);
    if (body.input === undefined)
      throw ApiError.badRequest(
        'input is required: the prompt text or input items',
        'input',
        'missing_required',
      );
    if (body.stream !== undefined && typeof body.stream !== 'boolean') {
      throw ApiError.badRequest(
        `stream must be true or false (got ${JSON.stringify(body.stream)})`,
        'stream',
        'invalid_type',
      );
    }
    if (body.tools !== undefined && !Array.isArray(body.tools))
      throw ApiError.badRequest('tools must be an array', 'tools', 'invalid_type');
    const tools = (body.tools ?? []) as unknown[];
    const imageTools = tools
      .map((tool, index) => ({ tool, index }))
      .filter(
        ({ tool }) =>
          tool && typeof tool === 'object' && (tool as { type?: unknown }).type === 'image_generation',
      );
    const headers: Record<string, string> = {};
    if (imageTools.length > 0) {
      const checked = this.checks.deploymentModel(
        req.header(IMAGE_DEPLOYMENT_HEADER),
        IMAGE_DEPLOYMENT_HEADER,
      );
      const model = checked.model;
      if (model && (model.kind !== 'image' || !model.streaming)) {
        throw ApiError.badRequest(
          `${IMAGE_DEPLOYMENT_HEADER} names ${checked.deployment} (${model.name}), which cannot serve the image_generation tool`,
          IMAGE_DEPLOYMENT_HEADER,
          'unsupported_model',
        );
      }
      const problems: Issue[] = [];
      for (const { tool, index } of imageTools) {
        const settings = tool as Record<string, unknown>;
        const partial = settings.partial_images;
        if (
          partial !== undefined &&
          (!Number.isInteger(partial) || (partial as number) < 0 || (partial as number) > 3)
        ) {
          problems.push({
            path: `tools[${index}].partial_images`,
            code: 'out_of_range',
            message: `tools[${index}].partial_images is ${JSON.stringify(partial)}; use an integer from 0 to 3`,
            allowed: [0, 1, 2, 3],
          });
        }
        const asImage: Record<string, unknown> = {
          model: checked.deployment,
          prompt: 'image_generation tool',
        };
        for (const [k, v] of Object.entries(settings)) if (!TOOL_ONLY.has(k) && k !== 'model') asImage[k] = v;
        try {
          this.checks.check('imageGenerate', asImage, model);
        } catch (e) {
          const details = (e as ApiError).body?.details ?? [];
          for (const d of details)
            problems.push({
              path: `tools[${index}].${d.param}`,
              code: d.code,
              message: `tools[${index}]: ${d.message}`,
              ...(d.allowed ? { allowed: d.allowed } : {}),
            });
          if (details.length === 0) throw e;
        }
      }
      if (problems.length > 0) throw ApiError.fromIssues(problems);
      headers[IMAGE_DEPLOYMENT_HEADER] = checked.deployment;
    }
    const answer = await this.upstream.send(
      {
        method: 'POST',
        path: 'responses',
        route: 'v1',
        body,
        headers: { ...headers, ...(body.stream ? { accept: 'text/event-stream' } : {}) },
      },
      requestIdOf(req),
    );
    await this.upstream.relay(answer, res);
  }
}
