/**
 * `POST /openai/v1/responses` with the `image_generation` tool. The image deployment comes from
 * the `x-ms-oai-image-generation-deployment` header; the answer is one JSON response or a stream of
 * server-sent events.
 */
import type { ImageModel, ModelSpec } from '@aoai-media/core';
import { badRequest, HttpError, invalidValue } from '../errors.js';
import { POLICY_MESSAGE } from '../filter.js';
import { json, type Ctx, type Reply } from '../http.js';
import { renderPartial, type ImageFormat } from '../media/image.js';
import type { EmulatorState } from '../state.js';
import { isRecord, newId, seconds } from '../util.js';
import { intIn, oneOf } from '../validate.js';
import { checkTransparency, chooseSize, imageSize, imageSpec, rejectIfBlocked } from './images.js';

const TOOL_FIELDS = [
  'type',
  'model',
  'quality',
  'size',
  'output_format',
  'output_compression',
  'moderation',
  'background',
  'input_image_mask',
  'partial_images',
];

/** The prompt: `input` as a string, or the text parts of its messages. */
function promptOf(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  const parts: string[] = [];
  for (const item of input) {
    if (!isRecord(item)) continue;
    if (typeof item.content === 'string') parts.push(item.content);
    else if (Array.isArray(item.content)) {
      for (const c of item.content) if (isRecord(c) && typeof c.text === 'string') parts.push(c.text);
    }
  }
  return parts.join('\n');
}

export async function create(ctx: Ctx, emu: EmulatorState, spec: ModelSpec | undefined): Promise<Reply> {
  if (ctx.body.kind !== 'json') throw badRequest('The Responses API takes a JSON body.');
  const f = ctx.body.fields;
  if (!spec) {
    throw badRequest(
      "The image_generation tool needs the image deployment in the 'x-ms-oai-image-generation-deployment' header.",
      'x-ms-oai-image-generation-deployment',
      'missing_required_parameter',
    );
  }
  if (spec.kind !== 'image' || !spec.streaming) {
    throw invalidValue(
      'x-ms-oai-image-generation-deployment',
      ctx.deployment,
      'The deployment must be a gpt-image model that supports the image_generation tool.',
    );
  }
  const model: ImageModel = spec;
  if (typeof f.model !== 'string' || f.model === '')
    throw badRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
  const tools = Array.isArray(f.tools) ? f.tools : [];
  const tool = tools.find((t) => isRecord(t) && t.type === 'image_generation') as
    Record<string, unknown> | undefined;
  if (!tool)
    throw invalidValue(
      'tools',
      f.tools ?? null,
      "This endpoint emulates the 'image_generation' tool; include { type: 'image_generation' } in tools.",
    );
  for (const key of Object.keys(tool)) {
    if (!TOOL_FIELDS.includes(key))
      throw new HttpError(400, {
        code: 'unknown_parameter',
        message: `Unknown parameter: 'tools[].${key}'.`,
        param: `tools[].${key}`,
        type: 'invalid_request_error',
      });
  }
  const size = imageSize('tools[].size', tool.size, model) ?? 'auto';
  const quality = oneOf('tools[].quality', tool.quality, model.qualities, model.name) ?? 'auto';
  const format = (oneOf('tools[].output_format', tool.output_format, model.outputFormats, model.name) ??
    model.defaultOutputFormat ??
    'png') as ImageFormat;
  const range = model.outputCompression ?? { min: 0, max: 100 };
  const compression = intIn('tools[].output_compression', tool.output_compression, range) ?? range.max;
  const background = oneOf('tools[].background', tool.background, model.backgrounds, model.name) ?? 'auto';
  oneOf('tools[].moderation', tool.moderation, model.moderations, model.name);
  const partials =
    intIn('tools[].partial_images', tool.partial_images, model.partialImages ?? { min: 0, max: 0 }) ?? 0;
  checkTransparency('tools[].background', background, format, model);
  const prompt = promptOf(f.input);
  if (!prompt.trim())
    throw badRequest(
      "Invalid 'input': expected a prompt (a string or messages with text).",
      'input',
      'invalid_value',
    );
  const stream = f.stream === true;

  const usedSize = chooseSize(model, size);
  const usedQuality = quality === 'auto' ? 'medium' : quality;
  const responseId = newId('resp');
  const itemId = newId('ig');
  const createdAt = seconds(emu.clock.now());
  const toolEcho = {
    type: 'image_generation',
    model: model.name,
    quality,
    size,
    output_format: format,
    output_compression: compression,
    moderation: tool.moderation ?? 'auto',
    background,
    partial_images: partials,
  };
  const responseBase = (status: string, output: unknown[], usage?: unknown) => {
    const r: Record<string, unknown> = {
      id: responseId,
      object: 'response',
      created_at: createdAt,
      status,
      error: null,
      incomplete_details: null,
      instructions: null,
      max_output_tokens: null,
      model: f.model,
      output,
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: null,
      temperature: 1,
      top_p: 1,
      tool_choice: 'auto',
      tools: [toolEcho],
      user: null,
      metadata: {},
      text: { format: { type: 'text' } },
      truncation: 'disabled',
    };
    if (usage) r.usage = usage;
    return r;
  };
  const c = { format, compression, transparent: background === 'transparent' };
  const specFor = imageSpec(model, c, usedSize, `${model.name}|${prompt}|${usedQuality}||0`);
  const item = (status: string, result: string | null) => ({
    type: 'image_generation_call',
    id: itemId,
    status,
    result,
    background: c.transparent ? 'transparent' : 'opaque',
    output_format: format,
    quality: usedQuality,
    size: usedSize,
    revised_prompt: prompt,
  });
  const textTokens = Math.ceil(prompt.length / 4);
  const usage = {
    input_tokens: textTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 1056,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: textTokens + 1056,
  };

  if (!stream) {
    rejectIfBlocked(emu, ctx, prompt, model);
    const image = await emu.imageCache.get(specFor);
    emu.count('imagesGenerated', ctx.deployment!);
    return json(200, responseBase('completed', [item('completed', image.base64)], usage));
  }

  const blocked = emu.blockedBy(prompt);
  if (blocked) emu.count('contentFiltered', ctx.deployment!);
  const deployment = ctx.deployment!;
  async function* events(): AsyncGenerator<string> {
    let seq = 0;
    const event = (type: string, data: Record<string, unknown>) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
    yield event('response.created', { response: responseBase('in_progress', []) });
    if (blocked) {
      yield event('error', { code: 'content_policy_violation', message: POLICY_MESSAGE, param: null });
      return;
    }
    yield event('response.in_progress', { response: responseBase('in_progress', []) });
    yield event('response.output_item.added', { output_index: 0, item: item('in_progress', null) });
    yield event('response.image_generation_call.in_progress', { output_index: 0, item_id: itemId });
    yield event('response.image_generation_call.generating', { output_index: 0, item_id: itemId });
    for (let i = 0; i < partials; i++) {
      const bytes = await renderPartial(specFor, i, partials);
      yield event('response.image_generation_call.partial_image', {
        output_index: 0,
        item_id: itemId,
        partial_image_index: i,
        partial_image_b64: bytes.toString('base64'),
        size: usedSize,
        quality: usedQuality,
        background: c.transparent ? 'transparent' : 'opaque',
        output_format: format,
      });
    }
    const image = await emu.imageCache.get(specFor);
    emu.count('imagesGenerated', deployment);
    yield event('response.image_generation_call.completed', { output_index: 0, item_id: itemId });
    yield event('response.output_item.done', { output_index: 0, item: item('completed', image.base64) });
    yield event('response.completed', {
      response: responseBase('completed', [item('completed', image.base64)], usage),
    });
  }
  return {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    },
    body: events(),
  };
}
