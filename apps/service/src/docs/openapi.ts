/**
 * The OpenAPI document (3.1, whose schemas are JSON Schema 2020-12). The request schemas are core's
 * per-model, per-operation JSON Schemas (built from the model table the validators read), so the
 * docs cannot say something the checks do not enforce; the service adds only its own extensions
 * (callback_url, metadata) to the video creates.
 */
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import {
  getModel,
  requestSchemas,
  videoApiOf,
  type JsonSchema,
  type ModelOperation,
  type VideoApi,
} from '@aoai-media/core';
import {
  EVENT_HEADER,
  ID_HEADER,
  REPLAY_WINDOW_SECONDS,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from '../webhooks/signing.js';

type Schema = Record<string, unknown>;

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
    description: 'Service extension: echoed back on the job (JSON text in multipart forms)',
  },
};

/** The request groups the service's paths refer to, by operation (video creates by the API's paths). */
const GROUPS: Partial<Record<ModelOperation, string>> = {
  'images.generate': 'ImageGenerateRequest',
  'images.edit': 'ImageEditRequest',
  'images.stream': 'ImageToolSettings',
  'videos.remix': 'VideoRemixRequest',
  'audio.transcribe': 'TranscriptionRequest',
  'audio.translate': 'TranslationRequest',
  'audio.speech': 'SpeechRequest',
};
const VIDEO_CREATE_GROUPS: Record<VideoApi, string> = {
  jobs: 'VideoJobRequest',
  videos: 'VideoCreateRequest',
};

/** Component schemas: one per model and operation from core, and a group per path that picks one. */
export function modelSchemas(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const groups: Record<string, string[]> = {};
  for (const [model, byOperation] of Object.entries(requestSchemas())) {
    for (const [operation, schema] of Object.entries(byOperation) as [ModelOperation, JsonSchema][]) {
      const { $schema: _dialect, ...rest } = schema;
      const video = operation === 'videos.create' || operation === 'videos.remix';
      const props = rest.properties as Record<string, Schema> | undefined;
      const name = `${operation}.${model}`;
      out[name] = video ? { ...rest, properties: { ...props, ...EXTENSIONS } } : rest;
      const api = operation === 'videos.create' ? videoApiOf(getModel(model)) : undefined;
      const group = api ? VIDEO_CREATE_GROUPS[api] : GROUPS[operation];
      if (group) (groups[group] ??= []).push(name);
    }
  }
  for (const [group, names] of Object.entries(groups)) {
    out[group] = {
      oneOf: names.map((name) => ({ $ref: `#/components/schemas/${name}` })),
      description: 'One schema per model: the deployment named in the request decides which applies.',
    };
  }
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
          description:
            'An image_generation tool: its settings as the image model of the deployment named in x-ms-oai-image-generation-deployment takes them',
          $ref: '#/components/schemas/ImageToolSettings',
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
    .setOpenAPIVersion('3.1.0')
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
  // The page loads its assets by relative paths, which only resolve from /docs: send /docs/ there.
  app.use(
    (
      req: { path: string; url: string },
      res: { redirect(status: number, to: string): void },
      next: () => void,
    ) => {
      if (req.path === '/docs/') res.redirect(301, `/docs${req.url.slice(req.path.length)}`);
      else next();
    },
  );
  SwaggerModule.setup('docs', app, () => buildDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
}
