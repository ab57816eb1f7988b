import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { detectContentType, wavSeconds, type AudioFileFacts } from '@aoai-media/core';
import { readJson, readMultipart, single, type UploadedFile } from '../common/body.js';
import { Spool } from '../common/uploads.js';
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
    // The file streams to a temp file and is sent on from there: never held whole in memory.
    const spool = new Spool();
    try {
      const form = await readMultipart(
        req,
        {
          maxBytes: this.config.limits.maxUploadBytes,
          maxFileBytes: this.config.limits.maxUploadBytes,
          maxFiles: 1,
          maxFields: 32,
          maxFieldBytes: 256 * 1024,
          filesParam: 'file',
        },
        this.config.limits,
        spool.sink,
        spool.discard,
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
      const fields = coerceFormFields(
        form.fields,
        operation === 'transcriptions' ? 'audio.transcribe' : 'audio.translate',
      );
      if ('file' in fields)
        throw ApiError.badRequest('file must be a file part, not a text field', 'file', 'invalid_type');
      const request: Record<string, unknown> = { ...fields, model: deployment };
      if (file) request.file = fileInput(file);
      this.checks.check(
        operation === 'transcriptions' ? 'transcription' : 'translation',
        request,
        model,
        file ? audioFacts(file) : undefined,
      );

      const upload = new FormData();
      // Fields go on as they came (`timestamp_granularities[]`, `chunking_strategy[type]`, ...).
      for (const [name, value] of form.entries) if (name !== 'model') upload.append(name, value);
      upload.append('model', deployment);
      upload.append('file', await spool.file(file!, file!.contentType));
      const answer = await this.upstream.send(
        { method: 'POST', path: `audio/${operation}`, deployment, body: upload },
        requestIdOf(req),
      );
      await this.upstream.relay(answer, res);
    } finally {
      await spool.dispose();
    }
  }
}

/**
 * Text to speech: JSON in, checked against the model table (input length, the model's voices,
 * formats, speed, instructions), then Azure's audio streamed back as it arrives.
 */
@Injectable()
export class SpeechService {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    private readonly upstream: UpstreamService,
    private readonly checks: RequestChecks,
  ) {}

  async speak(req: Request, res: Response, pathDeployment?: string): Promise<void> {
    const body = await readJson(req, this.config.limits);
    const { deployment, model } = this.checks.deploymentModel(pathDeployment ?? body.model);
    const request = { ...body, model: deployment };
    this.checks.check('speech', request, model);
    const answer = await this.upstream.send(
      { method: 'POST', path: 'audio/speech', deployment, body: request, headers: { accept: '*/*' } },
      requestIdOf(req),
    );
    await this.upstream.relay(answer, res);
  }
}

/** What the validators read about an audio file: its type from the bytes, size, and a WAV's length. */
function audioFacts(file: UploadedFile): AudioFileFacts {
  const detected = detectContentType(file.head.subarray(0, 64));
  const seconds = wavSeconds(file.head.subarray(0, 4096), file.size);
  return {
    size: file.size,
    contentType: detected ?? file.contentType,
    detectedType: detected,
    filename: file.filename,
    ...(seconds !== undefined ? { durationSeconds: seconds } : {}),
  };
}
