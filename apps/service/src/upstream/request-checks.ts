/**
 * Every request is checked against core's validators (which read the model table) before anything
 * is sent to Azure. Problems become one 400 naming each field, the value and what is allowed.
 */
import { Injectable } from '@nestjs/common';
import {
  errorsOf,
  lifecycleIssues,
  requestSchemas,
  validate,
  type Issue,
  type JsonSchema,
  type ModelOperation,
  type ModelSpec,
  type VideoApi,
  VIDEO_APIS,
} from '@aoai-media/core';
import { ApiError } from '../common/api-error.js';
import { UpstreamService } from './upstream.service.js';
import type { UploadedFile } from '../common/body.js';

const HOW_TO_ALLOW = "the service's operator can allow it with AZURE_OPENAI_ALLOW_RETIRED_MODELS.";

export type Operation =
  | 'imageGenerate'
  | 'imageEdit'
  | 'videoJob'
  | 'videoCreate'
  | 'videoRemix'
  | 'transcription'
  | 'translation'
  | 'speech';

type FieldKind = 'number' | 'list' | 'object';
const kindsByOperation = new Map<ModelOperation, Map<string, FieldKind>>();

function kindOf(schema: JsonSchema): FieldKind | undefined {
  const types = [schema.type, ...((schema.oneOf ?? schema.anyOf ?? []) as JsonSchema[]).map((s) => s.type)]
    .flat()
    .filter(Boolean);
  if (types.includes('array')) return 'list';
  if (types.includes('object')) return 'object';
  if (types.includes('integer') || types.includes('number')) return 'number';
  return undefined;
}

/**
 * What each form field of an operation holds (a number, a list, an object), read from core's
 * request schemas over every model that takes the operation, so a deployment whose model is not
 * known is read the same way.
 */
function fieldKinds(operation: ModelOperation): Map<string, FieldKind> {
  let kinds = kindsByOperation.get(operation);
  if (kinds) return kinds;
  kinds = new Map();
  for (const byOperation of Object.values(requestSchemas())) {
    const props = byOperation[operation]?.properties as Record<string, JsonSchema> | undefined;
    for (const [name, schema] of Object.entries(props ?? {})) {
      const kind = kindOf(schema);
      if (kind && !kinds.has(name)) kinds.set(name, kind);
    }
  }
  kindsByOperation.set(operation, kinds);
  return kinds;
}

/**
 * Multipart sends text: turn the fields that are numbers, lists or objects on the wire into those
 * types, as the request schemas describe them. Objects arrive as JSON text or as `name[key]` fields
 * (the official SDKs' form of `chunking_strategy`).
 */
export function coerceFormFields(
  fields: Record<string, string | string[]>,
  operation: ModelOperation,
): Record<string, unknown> {
  const kinds = fieldKinds(operation);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    const member = /^([A-Za-z_]+)\[([A-Za-z_]+)\]$/.exec(name);
    if (member) {
      const [, parent, key] = member as unknown as [string, string, string];
      const prev = out[parent];
      const object = prev && typeof prev === 'object' && !Array.isArray(prev) ? prev : {};
      out[parent] = { ...object, [key]: numberLike(value) };
      continue;
    }
    const kind = kinds.get(name);
    if (kind === 'list') out[name] = Array.isArray(value) ? value : listOf(value);
    else if (Array.isArray(value)) out[name] = value;
    else if (kind === 'number') out[name] = numberLike(value);
    else if (kind === 'object' && value.trim().startsWith('{')) out[name] = jsonOr(value);
    else out[name] = value;
  }
  return out;
}

/** A list sent as one field: JSON text of an array (`inpaint_items`), else the one value. */
function listOf(value: string): unknown {
  if (!value.trim().startsWith('[')) return [value];
  const parsed = jsonOr(value);
  // Not JSON: left as the text, so the check names the field and says what it must be.
  return Array.isArray(parsed) ? parsed : value;
}

function numberLike(value: string | string[]): unknown {
  return typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}

function jsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A file as core's validators take it: its first bytes stand for it (its facts come separately). */
export function fileInput(file: UploadedFile): { data: Uint8Array; filename: string; contentType: string } {
  return {
    data: new Uint8Array(file.head.buffer, file.head.byteOffset, file.head.byteLength),
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
   * A video deployment used on the paths of `api`: its model must be a video model whose API
   * (core decides which, from the model table) is the one these paths speak.
   */
  videoDeployment(deployment: string, model: ModelSpec | undefined, api: VideoApi): void {
    if (model && model.kind !== 'video')
      throw ApiError.badRequest(
        `model ${deployment} (${model.name}) is not a video model; use a video deployment`,
        'model',
        'unsupported_model',
      );
    const actual = this.upstream.client.videos.apiFor(deployment);
    if (actual === api) return;
    throw ApiError.badRequest(
      model
        ? `model ${deployment} (${model.name}) is served by ${VIDEO_APIS[actual].label}; send it there`
        : `the model of deployment ${deployment} is not known; name it in AZURE_OPENAI_DEPLOYMENTS (${deployment}=<model>) to use it with ${VIDEO_APIS[api].label}`,
      'model',
      'unsupported_model',
    );
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
    const issues = [...found, ...runValidator(operation, request, model, extra), ...this.lifecycle(model)];
    if (issues.length > 0) throw ApiError.fromIssues(issues);
  }

  /** A retired model is refused here, as core would refuse it when sending, unless the operator allows it. */
  lifecycle(model: ModelSpec | undefined): Issue[] {
    if (!model) return [];
    const { client } = this.upstream;
    return errorsOf(lifecycleIssues(model, client.now(), client.allowRetiredModels, HOW_TO_ALLOW));
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
      return validate.transcription(request, model, extra as never);
    case 'translation':
      return validate.translation(request, model, extra as never);
    case 'speech':
      return validate.speech(request, model);
  }
}
