/**
 * Video, audio and Responses request bodies the client builds validate against the request
 * schemas of their operations in Azure's specs: Sora 1 jobs and the Responses API against
 * v1-preview, audio against 2024-10-21 (and 2025-04-01-preview, which adds timestamp granularities).
 * Sora 2 (`/videos`) is not in these specs; its shapes are covered by the unit and emulator tests.
 */
import { describe, expect, it } from 'vitest';
import { AzureOpenAIMedia } from '../src/index.js';
import { capturingFetch, jsonResponse } from './capture.js';
import { makePng, JPEG_HEAD } from './fixtures.js';
import { openSpec, SPEC_SKIP_REASON, specAvailable } from './spec.js';

if (!specAvailable) console.warn(`conformance (media): ${SPEC_SKIP_REASON}`);

const V1 = 'v1-preview.json';
const GA = '2024-10-21-inference.json';
const PREVIEW = '2025-04-01-preview-inference.json';

const JOB = {
  object: 'video.generation.job',
  id: 'task_1',
  status: 'queued',
  created_at: 1,
  finished_at: null,
  expires_at: null,
  generations: [],
  prompt: 'p',
  model: 'sora',
  n_variants: 1,
  n_seconds: 5,
  height: 480,
  width: 480,
};

async function capture(
  send: (c: AzureOpenAIMedia) => Promise<unknown>,
  answer: () => Response,
  apiVersion = 'preview',
) {
  const { fetch, calls } = capturingFetch(() => answer());
  await send(
    new AzureOpenAIMedia({
      endpoint: 'https://r.openai.azure.com',
      auth: { apiKey: 'k' },
      apiVersion,
      // The specs describe these older models; the lifecycle check is not under test here.
      allowRetiredModels: true,
      fetch,
    }),
  );
  return calls[0]!;
}

/** A multipart form as the object the spec's schema describes; `json` names fields sent as JSON text. */
function formObject(form: FormData, arrays: string[] = [], json: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key).map((v) => (typeof v === 'string' ? v : `<binary ${v.size} bytes>`));
    out[key] = arrays.includes(key)
      ? values
      : json.includes(key)
        ? JSON.parse(values[0] as string)
        : values[0];
  }
  return out;
}

describe.skipIf(!specAvailable)(
  `media conformance with Azure OpenAPI specs${specAvailable ? '' : ` (${SPEC_SKIP_REASON})`}`,
  () => {
    describe('video jobs (v1-preview)', () => {
      it.each([
        { model: 'sora', prompt: 'a fox', width: 480, height: 480 },
        { model: 'sora', prompt: 'a fox', width: 1920, height: 1080, n_seconds: 10, n_variants: 1 },
        { model: 'sora', prompt: 'a fox', width: 720, height: 1280, n_seconds: 20, n_variants: 5 },
      ])('JSON create %j', async (request) => {
        const call = await capture(
          (c) => c.videos.jobs.create(request),
          () => jsonResponse(200, JOB),
        );
        expect(new URL(call.url).pathname).toBe('/openai/v1/video/generations/jobs');
        const spec = openSpec(V1);
        expect(spec.checkRequest('/video/generations/jobs', 'post', call.body)).toEqual([]);
        const declared = spec.declaredProperties(spec.requestRef('/video/generations/jobs', 'post'));
        for (const key of Object.keys(call.body as object)) expect(declared.has(key)).toBe(true);
      });

      it('multipart create with files and inpaint items', async () => {
        const call = await capture(
          (c) =>
            c.videos.jobs.createWithMedia({
              model: 'sora',
              prompt: 'animate',
              width: 854,
              height: 480,
              n_seconds: 4,
              n_variants: 2,
              files: [makePng(8, 8), { data: JPEG_HEAD, filename: 'end.jpg' }],
              inpaint_items: [
                { frame_index: 0, type: 'image', file_name: 'file-0.png' },
                {
                  frame_index: 119,
                  type: 'image',
                  file_name: 'end.jpg',
                  crop_bounds: {
                    left_fraction: 0.1,
                    top_fraction: 0.1,
                    right_fraction: 0.9,
                    bottom_fraction: 0.9,
                  },
                },
              ],
            }),
          () => jsonResponse(200, JOB),
        );
        const body = formObject(call.rawBody as FormData, ['files'], ['inpaint_items']);
        expect(body.files).toHaveLength(2);
        const spec = openSpec(V1);
        expect(
          spec.checkRequest('/video/generations/jobs', 'post', body, {
            contentType: 'multipart/form-data',
            coerce: true,
          }),
        ).toEqual([]);
      });

      it('list statuses are the spec job statuses, and the answers we parse match the schemas', async () => {
        const spec = openSpec(V1);
        const call = await capture(
          (c) => c.videos.jobs.list({ limit: 5, statuses: ['queued', 'succeeded'] }),
          () =>
            jsonResponse(200, {
              object: 'list',
              data: [JOB],
              has_more: false,
              first_id: 'task_1',
              last_id: 'task_1',
            }),
        );
        const url = new URL(call.url);
        expect(url.searchParams.get('limit')).toBe('5');
        for (const s of url.searchParams.get('statuses')!.split(','))
          expect(spec.checkSchema('JobStatus', s)).toEqual([]);
        expect(
          spec.checkResponse('/video/generations/jobs', 'get', 200, {
            object: 'list',
            data: [{ ...JOB, finished_at: 2, expires_at: 3 }],
            has_more: false,
          }),
        ).toEqual([]);
      });

      it('the check rejects a body the spec forbids', () => {
        expect(
          openSpec(V1).checkRequest('/video/generations/jobs', 'post', {
            model: 'sora',
            prompt: 'x',
            width: '480',
          }),
        ).not.toEqual([]);
      });
    });

    describe('Responses image tool (v1-preview)', () => {
      it.each([false, true])(
        'the request body (stream %s) is an AzureCreateResponse with the image tool',
        async (stream) => {
          const spec = openSpec(V1);
          const request = {
            model: 'gpt-image-1',
            prompt: 'a fox',
            size: '1024x1536',
            quality: 'high',
            background: 'transparent',
            output_format: 'webp',
            output_compression: 80,
            partial_images: 3,
            moderation: 'low',
          } as const;
          const item = {
            type: 'image_generation_call',
            id: 'ig',
            status: 'completed',
            result: Buffer.from(makePng(2, 2)).toString('base64'),
          };
          const call = await capture(
            async (c) => {
              if (!stream) return c.images.generateWithResponses(request);
              for await (const _ of c.images.stream(request)) void _;
            },
            () =>
              stream
                ? new Response(
                    `data: ${JSON.stringify({ type: 'response.completed', sequence_number: 1, response: { status: 'completed', output: [item] } })}\n\n`,
                    {
                      headers: { 'content-type': 'text/event-stream' },
                    },
                  )
                : jsonResponse(200, { status: 'completed', output: [item] }),
          );
          expect(spec.checkRequest('/responses', 'post', call.body)).toEqual([]);
          expect(
            spec.checkSchema('OpenAI.ImageGenTool', (call.body as { tools: unknown[] }).tools[0]),
          ).toEqual([]);
          expect(call.headers['x-ms-oai-image-generation-deployment']).toBe('gpt-image-1');
        },
      );

      it('the streamed events our tests send match the event schemas', () => {
        const spec = openSpec(V1);
        const base = { output_index: 0, item_id: 'ig_1', sequence_number: 1 };
        expect(
          spec.checkSchema('OpenAI.ResponseImageGenCallInProgressEvent', {
            type: 'response.image_generation_call.in_progress',
            ...base,
          }),
        ).toEqual([]);
        expect(
          spec.checkSchema('OpenAI.ResponseImageGenCallGeneratingEvent', {
            type: 'response.image_generation_call.generating',
            ...base,
          }),
        ).toEqual([]);
        expect(
          spec.checkSchema('OpenAI.ResponseImageGenCallPartialImageEvent', {
            type: 'response.image_generation_call.partial_image',
            ...base,
            partial_image_index: 0,
            partial_image_b64: 'AA==',
          }),
        ).toEqual([]);
        expect(
          spec.checkSchema('OpenAI.ResponseErrorEvent', {
            type: 'error',
            code: 'content_policy_violation',
            message: 'm',
            param: null,
            sequence_number: 2,
          }),
        ).toEqual([]);
      });
    });

    describe('audio (deployment paths)', () => {
      const wav = new Uint8Array([...Buffer.from('RIFF'), 36, 0, 0, 0, ...Buffer.from('WAVEfmt ')]);
      it.each([
        ['transcribe', { language: 'en', prompt: 'names', response_format: 'srt', temperature: 0.3 }],
        ['transcribe', { response_format: 'verbose_json' }],
        ['translate', { response_format: 'vtt', temperature: 1, prompt: 'x' }],
      ] as const)('%s %j against 2024-10-21', async (operation, extra) => {
        const call = await capture(
          (c) =>
            operation === 'transcribe'
              ? c.audio.transcribe({ model: 'whisper', file: wav, ...extra })
              : c.audio.translate({ model: 'whisper', file: wav, ...extra }),
          () =>
            extra.response_format === 'verbose_json' ? jsonResponse(200, { text: 't' }) : new Response('t'),
          '2024-10-21',
        );
        const path = `/deployments/{deployment-id}/audio/${operation === 'transcribe' ? 'transcriptions' : 'translations'}`;
        const body = formObject(call.rawBody as FormData);
        expect(
          openSpec(GA).checkRequest(path, 'post', body, { contentType: 'multipart/form-data', coerce: true }),
        ).toEqual([]);
      });

      it('timestamp granularities against 2025-04-01-preview', async () => {
        const call = await capture(
          (c) =>
            c.audio.transcribe({
              model: 'whisper',
              file: wav,
              response_format: 'verbose_json',
              timestamp_granularities: ['word', 'segment'],
            }),
          () => jsonResponse(200, { text: 't', language: 'en', duration: 1, segments: [] }),
          '2025-04-01-preview',
        );
        const body = formObject(call.rawBody as FormData, ['timestamp_granularities[]']);
        expect(body['timestamp_granularities[]']).toEqual(['word', 'segment']);
        const spec = openSpec(PREVIEW);
        expect(
          spec.checkRequest('/deployments/{deployment-id}/audio/transcriptions', 'post', body, {
            contentType: 'multipart/form-data',
            coerce: true,
          }),
        ).toEqual([]);
        expect(
          spec.checkSchema('audioVerboseResponse', {
            text: 't',
            task: 'transcribe',
            language: 'en',
            duration: 1,
            segments: [],
          }),
        ).toEqual([]);
      });
    });
  },
);
