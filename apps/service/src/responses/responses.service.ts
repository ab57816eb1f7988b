import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IMAGE_STREAM_FIELDS, validate, type Issue } from '@aoai-media/core';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { readJson } from '../common/body.js';
import { ApiError } from '../common/api-error.js';
import { requestIdOf } from '../common/request-context.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { RequestChecks } from '../upstream/request-checks.js';

export const IMAGE_DEPLOYMENT_HEADER = 'x-ms-oai-image-generation-deployment';

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
      // The tool's image settings follow core's rules for streamed generation with that model
      // (which fields, their values, partial_images); other tool fields go on to Azure as sent.
      const problems: Issue[] = [];
      for (const { tool, index } of imageTools) {
        const settings = tool as Record<string, unknown>;
        const asStream: Record<string, unknown> = {
          model: checked.deployment,
          prompt: 'image_generation tool',
        };
        for (const field of IMAGE_STREAM_FIELDS) if (field in settings) asStream[field] = settings[field];
        for (const issue of validate.imageStream(asStream, checked.model))
          problems.push({
            ...issue,
            path: issue.path === 'model' ? IMAGE_DEPLOYMENT_HEADER : `tools[${index}].${issue.path}`,
            message: issue.path === 'model' ? issue.message : `tools[${index}]: ${issue.message}`,
          });
      }
      for (const issue of this.checks.lifecycle(checked.model))
        problems.push({ ...issue, path: IMAGE_DEPLOYMENT_HEADER });
      // A deployment that cannot stream is one problem, however many tools name it.
      const unique = problems.filter(
        (p, i) => problems.findIndex((q) => q.path === p.path && q.message === p.message) === i,
      );
      if (unique.length > 0) throw ApiError.fromIssues(unique);
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
