import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { readMultipart, single } from '../common/body.js';
import { ApiError } from '../common/api-error.js';
import { requestIdOf } from '../common/request-context.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { RequestChecks, coerceFormFields, fileInput } from '../upstream/request-checks.js';

export type AudioOperation = 'transcriptions' | 'translations';

/** Transcription and translation: multipart in, Azure's answer (JSON or text) relayed. */
@Injectable()
export class AudioService {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly upstream: UpstreamService,
    private readonly checks: RequestChecks,
  ) {}

  async run(operation: AudioOperation, req: Request, res: Response, pathDeployment?: string): Promise<void> {
    const form = await readMultipart(
      req,
      {
        maxBytes: this.config.limits.maxUploadBytes,
        maxFileBytes: this.config.limits.maxUploadBytes,
        maxFiles: 1,
        maxFields: 16,
        maxFieldBytes: 64 * 1024,
        filesParam: 'file',
      },
      this.config.limits,
    );
    const { deployment, model } = this.checks.deploymentModel(pathDeployment ?? single(form, 'model'));
    for (const name of Object.keys(form.files)) {
      if (name !== 'file')
        throw ApiError.badRequest(
          `file field ${name} is not part of audio/${operation}; send the audio as file`,
          name,
          'unknown_field',
        );
    }
    const file = form.files.file?.[0];
    const fields = coerceFormFields(form.fields);
    if ('file' in fields)
      throw ApiError.badRequest('file must be a file part, not a text field', 'file', 'invalid_type');
    const request: Record<string, unknown> = { ...fields, model: deployment };
    if (file) request.file = fileInput(file);
    this.checks.check(operation === 'transcriptions' ? 'transcription' : 'translation', request, model);

    const upload = new FormData();
    for (const [name, value] of Object.entries(form.fields)) {
      if (name === 'model') continue;
      const many = Array.isArray(value);
      for (const v of many ? value : [value])
        upload.append(name === 'timestamp_granularities' ? `${name}[]` : name, v);
    }
    upload.append('model', deployment);
    upload.append(
      'file',
      new Blob([new Uint8Array(file!.data)], { type: file!.contentType }),
      file!.filename,
    );
    const answer = await this.upstream.send(
      { method: 'POST', path: `audio/${operation}`, deployment, body: upload },
      requestIdOf(req),
    );
    await this.upstream.relay(answer, res);
  }
}
