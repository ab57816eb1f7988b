import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { b64, parseSse, useHarness } from './support.js';

const PATH = '/openai/v1/responses?api-version=preview';
const HEADER = 'x-ms-oai-image-generation-deployment';

describe('Responses API image_generation tool', () => {
  const h = useHarness();

  const body = (tool: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
    model: 'gpt-4.1',
    input: 'Draw a lighthouse at night',
    tools: [{ type: 'image_generation', ...tool }],
    ...extra,
  });

  it('streams the events in order with sequence numbers and partial images', async () => {
    const r = await h.post(
      PATH,
      body({ partial_images: 2, output_format: 'webp', size: '1536x1024' }, { stream: true }),
      { [HEADER]: 'gpt-image-1' },
    );
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(r.text);
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.image_generation_call.in_progress',
      'response.image_generation_call.generating',
      'response.image_generation_call.partial_image',
      'response.image_generation_call.partial_image',
      'response.image_generation_call.completed',
      'response.output_item.done',
      'response.completed',
    ]);
    events.forEach((e, i) => {
      expect(e.data.sequence_number).toBe(i);
      expect(e.data.type).toBe(e.event);
    });
    const partials = events.filter((e) => e.event.endsWith('partial_image'));
    expect(partials.map((p) => p.data.partial_image_index)).toEqual([0, 1]);
    for (const p of partials) {
      const m = await sharp(b64(p.data.partial_image_b64)).metadata();
      expect([m.format, m.width, m.height]).toEqual(['webp', 1536, 1024]);
    }
    const final = events[events.length - 1]!.data.response;
    expect(final.status).toBe('completed');
    const m = await sharp(b64(final.output[0].result)).metadata();
    expect([m.format, m.width, m.height]).toEqual(['webp', 1536, 1024]);
    expect(partials[0]!.data.partial_image_b64).not.toBe(final.output[0].result);
  });

  it('answers one JSON response without stream', async () => {
    const r = await h.post(PATH, body({ background: 'transparent' }), { [HEADER]: 'gpt-image-1-mini' });
    expect(r.status).toBe(200);
    expect(r.json.object).toBe('response');
    expect(r.json.status).toBe('completed');
    const call = r.json.output[0];
    expect(call.type).toBe('image_generation_call');
    const m = await sharp(b64(call.result)).metadata();
    expect([m.format, m.hasAlpha, m.width]).toEqual(['png', true, 1024]);
  });

  it('takes the prompt from message input', async () => {
    const r = await h.post(
      PATH,
      body({}, { input: [{ role: 'user', content: [{ type: 'input_text', text: 'a cat' }] }] }),
      { [HEADER]: 'gpt-image-1' },
    );
    expect(r.status).toBe(200);
    expect(r.json.output[0].revised_prompt).toBe('a cat');
  });

  it('a blocked prompt ends the stream with an error event', async () => {
    h.emu.admin.setBlockedTerms(['forbidden']);
    const r = await h.post(PATH, body({}, { stream: true, input: 'something forbidden' }), {
      [HEADER]: 'gpt-image-1',
    });
    const events = parseSse(r.text);
    expect(events.map((e) => e.event)).toEqual(['response.created', 'error']);
    expect(events[1]!.data).toMatchObject({
      type: 'error',
      code: 'content_policy_violation',
      sequence_number: 1,
      param: null,
    });
  });

  it('a blocked prompt without stream answers 400 content_policy_violation', async () => {
    h.emu.admin.setBlockedTerms(['forbidden']);
    const r = await h.post(PATH, body({}, { input: 'forbidden' }), { [HEADER]: 'gpt-image-1' });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('content_policy_violation');
  });

  it.each([
    [{}, {}, undefined, 'x-ms-oai-image-generation-deployment', 400],
    [{}, {}, 'dall-e-3', 'x-ms-oai-image-generation-deployment', 400],
    [{}, {}, 'nope', undefined, 404],
    [{ partial_images: 4 }, {}, 'gpt-image-1', 'tools[].partial_images', 400],
    [{ size: '256x256' }, {}, 'gpt-image-1', 'tools[].size', 400],
    [{ colour: 'red' }, {}, 'gpt-image-1', 'tools[].colour', 400],
    [{}, { tools: [] }, 'gpt-image-1', 'tools', 400],
    [{}, { input: '' }, 'gpt-image-1', 'input', 400],
  ])('rejects tool %j body %j deployment %s', async (tool, extra, deployment, param, status) => {
    const headers: Record<string, string> = deployment ? { [HEADER]: deployment } : {};
    const r = await h.post(PATH, body(tool, extra), headers);
    expect(r.status).toBe(status);
    if (param) expect(r.json.error.param).toBe(param);
  });
});
