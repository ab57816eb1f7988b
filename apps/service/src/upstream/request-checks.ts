/**
 * Every request is checked against core's validators (which read the model table) before anything
 * is sent to Azure. Problems become one 400 naming each field, the value and what is allowed.
 */
import { Injectable } from '@nestjs/common';
import { validate, type Issue, type ModelSpec } from '@aoai-media/core';
import { ApiError } from '../common/api-error.js';
import { UpstreamService } from './upstream.service.js';
import type { UploadedFile } from '../common/body.js';

export type Operation =
  'imageGenerate' | 'imageEdit' | 'videoJob' | 'videoCreate' | 'videoRemix' | 'transcription' | 'translation';

/** Multipart sends text: turn the fields that are numbers or lists on the wire into those types. */
const NUMERIC = new Set([
  'n',
  'output_compression',
  'temperature',
  'n_seconds',
  'n_variants',
  'width',
  'height',
  'partial_images',
]);
const LISTS = new Set(['timestamp_granularities']);

export function coerceFormFields(fields: Record<string, string | string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (LISTS.has(name)) out[name] = Array.isArray(value) ? value : [value];
    else if (Array.isArray(value)) out[name] = value;
    else if (NUMERIC.has(name) && /^-?\d+(\.\d+)?$/.test(value.trim())) out[name] = Number(value);
    else out[name] = value;
  }
  return out;
}

/** A file as core's validators take it. */
export function fileInput(file: UploadedFile): { data: Uint8Array; filename: string; contentType: string } {
  return {
    data: new Uint8Array(file.data.buffer, file.data.byteOffset, file.data.byteLength),
    filename: file.filename,
    contentType: file.contentType,
  };
}

@Injectable()
export class RequestChecks {
  constructor(private readonly upstream: UpstreamService) {}

  /** The model for a deployment, or a 400 when the name is not a usable string. */
  deploymentModel(
    deployment: unknown,
    field = 'model',
  ): { deployment: string; model: ModelSpec | undefined } {
    if (typeof deployment !== 'string' || deployment.trim() === '') {
      throw ApiError.badRequest(
        `${field} is required: the name of the deployment to use`,
        field,
        'missing_required',
      );
    }
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(deployment)) {
      throw ApiError.badRequest(
        `${field} ${JSON.stringify(deployment.slice(0, 64))} is not a deployment name (letters, digits, ".", "_", "-", at most 64)`,
        field,
        'invalid_value',
      );
    }
    return { deployment, model: this.upstream.modelFor(deployment) };
  }

  /**
   * Run one validator; a 400 listing every issue when there are any (`found`: problems the service
   * found itself, such as files whose bytes are not what their field needs).
   */
  check(
    operation: Operation,
    request: Record<string, unknown>,
    model: ModelSpec | undefined,
    extra?: unknown,
    found: readonly Issue[] = [],
  ): void {
    const issues = [...found, ...runValidator(operation, request, model, extra)];
    if (issues.length > 0) throw ApiError.fromIssues(issues);
  }
}

function runValidator(
  operation: Operation,
  request: Record<string, unknown>,
  model: ModelSpec | undefined,
  extra: unknown,
): Issue[] {
  switch (operation) {
    case 'imageGenerate':
      return validate.imageGenerate(request, model);
    case 'imageEdit':
      return validate.imageEdit(request, model, extra as never);
    case 'videoJob':
      return validate.videoJob(request, model, extra as never);
    case 'videoCreate':
      return validate.videoCreate(request, model, extra as never);
    case 'videoRemix':
      return validate.videoRemix(request);
    case 'transcription':
      return validate.transcription(request, model);
    case 'translation':
      return validate.translation(request, model);
  }
}
