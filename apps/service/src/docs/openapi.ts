/**
 * The OpenAPI document. Request schemas are generated from core's model table (the same table the
 * validators read), one schema per model with its exact allowed values, so the docs cannot say
 * something the checks do not enforce.
 */
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { MODELS, type AudioModel, type ImageModel, type VideoModel } from '@aoai-media/core';
import {
  EVENT_HEADER,
  ID_HEADER,
  REPLAY_WINDOW_SECONDS,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '../webhooks/signing.js';

type Schema = Record<string, unknown>;

const enumOf = (values: readonly (string | number)[] | undefined): Schema =>
  values && values.length > 0 ? { enum: [...values] } : {};

function imageSchema(m: ImageModel, fields: readonly string[], edit: boolean): Schema {
  const props: Record<string, Schema> = {
    model: { type: 'string', description: `A deployment of ${m.name}` },
    prompt: { type: 'string', maxLength: m.promptMaxLength },
  };
  const known: Record<string, Schema | undefined> = {
    n: { type: 'integer', minimum: m.n.min, maximum: edit ? Math.min(m.n.max, m.n.max) : m.n.max },
    size: { type: 'string', ...enumOf(m.sizes) },
    quality: { type: 'string', ...enumOf(m.qualities) },
    output_format: m.outputFormats ? { type: 'string', ...enumOf(m.outputFormats) } : undefined,
    output_compression: { type: 'integer', minimum: 0, maximum: 100 },
    background: m.backgrounds ? { type: 'string', ...enumOf(m.backgrounds) } : undefined,
    moderation: m.moderations ? { type: 'string', ...enumOf(m.moderations) } : undefined,
    style: m.styles ? { type: 'string', ...enumOf(m.styles) } : undefined,
    response_format: m.responseFormats ? { type: 'string', ...enumOf(m.responseFormats) } : undefined,
    user: { type: 'string' },
  };
  for (const f of fields) if (known[f]) props[f] = known[f]!;
  const required = ['model', 'prompt'];
  if (edit && m.edit) {
    props.image = {
      type: 'array',
      maxItems: m.edit.maxImages,
      items: { type: 'string', format: 'binary' },
      description: `${m.edit.imageTypes.join(', ')}; each at most ${m.edit.maxImageBytes} bytes${m.edit.squareOnly ? '; square' : ''}`,
    };
    props.mask = {
      type: 'string',
      format: 'binary',
      description: 'PNG with transparent areas marking where to edit',
    };
    required.push('image');
  }
  return {
    type: 'object',
    title: `${m.name}${edit ? ' edit' : ''}`,
    required,
    properties: props,
    additionalProperties: false,
    'x-model': m.name,
  };
}

const EXTENSIONS: Record<string, Schema> = {
  callback_url: {
    type: 'string',
    format: 'uri',
    description: `Service extension: POSTed the job when it reaches a terminal state, signed with ${SIGNATURE_HEADER} (v1=HMAC-SHA256 of "timestamp.body"), ${TIMESTAMP_HEADER}, ${ID_HEADER}, ${EVENT_HEADER}. Reject timestamps more than ${REPLAY_WINDOW_SECONDS} s old.`,
  },
  metadata: {
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 512 },
    maxProperties: 16,
    description: 'Service extension: echoed back on the job',
  },
};

function videoJobSchema(m: VideoModel): Schema {
  const seconds = Array.isArray(m.seconds) ? undefined : (m.seconds as { min: number; max: number });
  const dims = m.sizes.map((s) => s.split('x').map(Number) as [number, number]);
  return {
    type: 'object',
    title: m.name,
    'x-model': m.name,
    required: ['model', 'prompt', 'width', 'height'],
    properties: {
      model: { type: 'string', description: `A deployment of ${m.name}` },
      prompt: { type: 'string', maxLength: m.promptMaxLength },
      width: { type: 'integer', enum: [...new Set(dims.map((d) => d[0]))] },
      height: { type: 'integer', enum: [...new Set(dims.map((d) => d[1]))] },
      n_seconds: { type: 'integer', minimum: seconds?.min, maximum: seconds?.max, default: m.defaultSeconds },
      n_variants: { type: 'integer', minimum: m.variants.min, maximum: m.variants.max, default: 1 },
      ...EXTENSIONS,
    },
    description: `Sizes (WIDTHxHEIGHT): ${m.sizes.join(', ')}. ${m.sizeLimits.map((l) => `${l.sizes.join('/')}: at most ${l.maxSeconds} s and ${l.maxVariants} variant(s)`).join('. ')}`,
  };
}

function videoCreateSchema(m: VideoModel): Schema {
  return {
    type: 'object',
    title: m.name,
    'x-model': m.name,
    required: ['model', 'prompt'],
    properties: {
      model: { type: 'string', description: `A deployment of ${m.name}` },
      prompt: { type: 'string', maxLength: m.promptMaxLength },
      seconds: {
        type: 'string',
        ...enumOf(Array.isArray(m.seconds) ? (m.seconds as readonly string[]) : undefined),
      },
      size: { type: 'string', ...enumOf(m.sizes) },
      input_reference: {
        type: 'string',
        format: 'binary',
        description: `Multipart only: the image (or video) the video starts from; ${m.mediaTypes.join(', ')}; at most ${m.maxMediaBytes} bytes; an image must have the video's size`,
      },
      ...EXTENSIONS,
    },
  };
}

function audioSchema(m: AudioModel): Schema {
  return {
    type: 'object',
    title: m.name,
    'x-model': m.name,
    required: ['file'],
    properties: {
      file: {
        type: 'string',
        format: 'binary',
        description: `${m.fileExtensions.join(', ')}; at most ${m.maxFileBytes} bytes`,
      },
      model: { type: 'string', description: 'v1 paths: the deployment' },
      language: { type: 'string' },
      prompt: { type: 'string' },
      response_format: { type: 'string', ...enumOf(m.responseFormats) },
      temperature: { type: 'number', minimum: m.temperature.min, maximum: m.temperature.max },
      ...(m.timestampGranularities.length > 0
        ? {
            timestamp_granularities: {
              type: 'array',
              items: { type: 'string', ...enumOf(m.timestampGranularities) },
            },
          }
        : {}),
    },
  };
}

/** Component schemas derived from the model table. */
export function modelSchemas(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  const groups: Record<string, string[]> = {
    ImageGenerateRequest: [],
    ImageEditRequest: [],
    VideoJobRequest: [],
    VideoCreateRequest: [],
    TranscriptionRequest: [],
  };
  for (const m of MODELS) {
    if (m.kind === 'image') {
      out[`ImageGenerate.${m.name}`] = imageSchema(m, m.generateFields, false);
      groups.ImageGenerateRequest!.push(`ImageGenerate.${m.name}`);
      if (m.edit) {
        out[`ImageEdit.${m.name}`] = imageSchema(m, m.edit.fields, true);
        groups.ImageEditRequest!.push(`ImageEdit.${m.name}`);
      }
    } else if (m.kind === 'video') {
      const name = m.api === 'jobs' ? `VideoJob.${m.name}` : `VideoCreate.${m.name}`;
      out[name] = m.api === 'jobs' ? videoJobSchema(m) : videoCreateSchema(m);
      groups[m.api === 'jobs' ? 'VideoJobRequest' : 'VideoCreateRequest']!.push(name);
    } else if (m.kind === 'audio') {
      out[`Transcription.${m.name}`] = audioSchema(m);
      groups.TranscriptionRequest!.push(`Transcription.${m.name}`);
    }
  }
  for (const [group, names] of Object.entries(groups)) {
    out[group] = {
      oneOf: names.map(ref),
      description: 'One schema per model: the deployment named in the request decides which applies.',
    };
  }
  out.VideoRemixRequest = {
    type: 'object',
    required: ['prompt'],
    additionalProperties: false,
    properties: {
      prompt: {
        type: 'string',
        description: "The new prompt; the source video's model, size and seconds apply",
      },
      ...EXTENSIONS,
    },
  };
  out.ResponsesImageRequest = {
    type: 'object',
    required: ['model', 'input'],
    properties: {
      model: { type: 'string' },
      input: {},
      stream: { type: 'boolean' },
      tools: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            type: { enum: ['image_generation'] },
            partial_images: { type: 'integer', minimum: 0, maximum: 3 },
          },
          description: `Other fields as the image model's request (${MODELS.filter(
            (m) => m.kind === 'image' && m.streaming,
          )
            .map((m) => m.name)
            .join(', ')})`,
        },
      },
    },
  };
  return out;
}

export function buildDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('aoai-media service')
    .setDescription(
      'An Azure OpenAI compatible gateway for images, video and audio: the same paths and shapes as Azure, checked against the model table before anything is sent, with queued video jobs, durable results and signed webhooks. Send a service key as `api-key` or `Authorization: Bearer`.',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'api-key' }, 'api-key')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...(document.components ?? {}),
    schemas: { ...(document.components?.schemas ?? {}), ...(modelSchemas() as Record<string, object>) },
  };
  return document;
}

export function setupDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
}
