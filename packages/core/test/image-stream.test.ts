import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import {
  AzureOpenAIMedia,
  ContentFilterError,
  ValidationError,
  type ImageStreamEvent,
} from '../src/index.js';
import { startServer, json, type Recorded, type TestServer } from './server.js';
import { makePng, TEST_NOW } from './fixtures.js';

const partial = Buffer.from(makePng(2, 2)).toString('base64');
const final = Buffer.from(makePng(16, 16)).toString('base64');

/** How the next /responses answer behaves. */
let mode: 'ok' | 'error-event' | 'endless' | 'failed' = 'ok';
let closedByClient = false;

function sse(res: ServerResponse, events: object[], split = 7): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const text = events
    .map(
      (e, i) =>
        `event: ${(e as { type: string }).type}\r\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\r\n\r\n`,
    )
    .join('');
  // Deliberately awkward chunking: events split mid-line and mid-CRLF.
  for (let i = 0; i < text.length; i += split) res.write(text.slice(i, i + split));
  res.end();
}

function handle(req: Recorded, res: ServerResponse): void {
  if (req.path !== '/openai/v1/responses')
    return json(res, 404, { error: { code: 'NotFound', message: 'no route' } });
  const body = JSON.parse(req.body.toString());
  const item = {
    id: 'ig_1',
    type: 'image_generation_call',
    status: 'completed',
    result: final,
    revised_prompt: 'a red square, centred',
  };
  const response = { id: 'resp_1', object: 'response', status: 'completed', output: [item] };
  if (!body.stream) {
    if (mode === 'failed') {
      return json(res, 200, {
        ...response,
        status: 'failed',
        output: [],
        error: { code: 'content_filter', message: 'blocked' },
      });
    }
    return json(res, 200, response);
  }
  if (mode === 'error-event') {
    return sse(res, [
      { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } },
      {
        type: 'error',
        code: 'content_policy_violation',
        message: 'Your request was rejected by the safety system.',
        param: null,
      },
    ]);
  }
  if (mode === 'endless') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.on('close', () => {
      closedByClient = true;
    });
    let n = 0;
    const timer = setInterval(() => {
      if (n > 2000) {
        clearInterval(timer);
        return void res.end();
      }
      res.write(
        `data: ${JSON.stringify({ type: 'response.image_generation_call.generating', output_index: 0, item_id: 'ig_1', sequence_number: n++ })}\n\n`,
      );
    }, 5);
    res.on('close', () => clearInterval(timer));
    return;
  }
  sse(res, [
    { type: 'response.created', response: { ...response, status: 'in_progress', output: [] } },
    { type: 'response.image_generation_call.in_progress', output_index: 0, item_id: 'ig_1' },
    { type: 'response.image_generation_call.generating', output_index: 0, item_id: 'ig_1' },
    {
      type: 'response.image_generation_call.partial_image',
      output_index: 0,
      item_id: 'ig_1',
      partial_image_index: 0,
      partial_image_b64: partial,
    },
    {
      type: 'response.image_generation_call.partial_image',
      output_index: 0,
      item_id: 'ig_1',
      partial_image_index: 1,
      partial_image_b64: partial,
    },
    { type: 'response.image_generation_call.completed', output_index: 0, item_id: 'ig_1' },
    { type: 'response.completed', response },
  ]);
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer(handle);
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  mode = 'ok';
  closedByClient = false;
});

const client = () =>
  new AzureOpenAIMedia({ endpoint: server.url, auth: { apiKey: 'k-stream' }, now: () => TEST_NOW });

describe('images.stream', () => {
  it('posts the image_generation tool with the deployment header and yields typed events', async () => {
    const events: ImageStreamEvent[] = [];
    for await (const e of client().images.stream({
      model: 'gpt-image-1.5',
      prompt: 'a red square',
      size: '1024x1024',
      partial_images: 2,
      output_format: 'png',
    })) {
      events.push(e);
    }
    expect(events.map((e) => e.type)).toEqual([
      'in_progress',
      'generating',
      'partial_image',
      'partial_image',
      'completed',
    ]);
    const p = events[2] as Extract<ImageStreamEvent, { type: 'partial_image' }>;
    expect(p.index).toBe(0);
    expect(p.mimeType).toBe('image/png');
    expect(Buffer.from(p.bytes).toString('base64')).toBe(partial);
    const done = events[4] as Extract<ImageStreamEvent, { type: 'completed' }>;
    expect(Buffer.from(done.image.bytes!).toString('base64')).toBe(final);
    expect(done.image.revisedPrompt).toBe('a red square, centred');

    const [req] = server.requests;
    expect(req!.url).toBe('/openai/v1/responses');
    expect(req!.headers['x-ms-oai-image-generation-deployment']).toBe('gpt-image-1.5');
    expect(req!.headers.accept).toBe('text/event-stream');
    expect(JSON.parse(req!.body.toString())).toEqual({
      model: 'gpt-image-1.5',
      input: 'a red square',
      tools: [{ type: 'image_generation', size: '1024x1024', output_format: 'png', partial_images: 2 }],
      tool_choice: { type: 'image_generation' },
      stream: true,
    });
  });

  it('turns an error event into a ContentFilterError', async () => {
    mode = 'error-event';
    const seen: string[] = [];
    const error = await (async () => {
      for await (const e of client().images.stream({ model: 'gpt-image-1.5', prompt: 'x' }))
        seen.push(e.type);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentFilterError);
    expect((error as ContentFilterError).code).toBe('content_policy_violation');
    expect(seen).toEqual([]);
  });

  it('aborts the request when the loop is left early', async () => {
    mode = 'endless';
    let count = 0;
    for await (const e of client().images.stream({ model: 'gpt-image-1.5', prompt: 'x' })) {
      expect(e.type).toBe('generating');
      if (++count === 3) break;
    }
    for (let i = 0; i < 200 && !closedByClient; i++) await new Promise((r) => setTimeout(r, 10));
    expect(closedByClient).toBe(true);
  });

  it('validates before sending: partial_images range and a model that cannot stream', async () => {
    const error = await (async () => {
      for await (const _ of client().images.stream({ model: 'dall-e-3', prompt: 'x', partial_images: 5 }))
        void _;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path);
    expect(paths).toContain('model');
    const gpt = await (async () => {
      for await (const _ of client().images.stream({
        model: 'gpt-image-1.5',
        prompt: 'x',
        partial_images: 4,
        n: 2,
      } as never))
        void _;
    })().catch((e: unknown) => e);
    expect((gpt as ValidationError).issues.map((i) => i.message)).toEqual([
      'unknown field "n"; known fields are model, prompt, size, quality, background, output_format, output_compression, moderation, partial_images or responses_model',
      'partial_images 4 is out of range for gpt-image-1.5; use 0 to 3',
    ]);
    expect(server.requests).toHaveLength(0);
  });
});

describe('images.generateWithResponses', () => {
  it('returns the final image from one non-streamed call, with a separate responses deployment', async () => {
    const image = await client().images.generateWithResponses({
      model: 'gpt-image-1.5',
      prompt: 'a red square',
      responses_model: 'gpt-4.1',
    });
    expect(image.mimeType).toBe('image/png');
    expect(Buffer.from(image.bytes!).toString('base64')).toBe(final);
    const body = JSON.parse(server.requests[0]!.body.toString());
    expect(body.model).toBe('gpt-4.1');
    expect(body.stream).toBe(false);
    expect(server.requests[0]!.headers['x-ms-oai-image-generation-deployment']).toBe('gpt-image-1.5');
  });

  it('a failed response is a typed error', async () => {
    mode = 'failed';
    await expect(
      client().images.generateWithResponses({ model: 'gpt-image-1.5', prompt: 'x' }),
    ).rejects.toBeInstanceOf(ContentFilterError);
  });
});
