/**
 * Image generation through the Responses API `image_generation` tool (`POST /openai/v1/responses`),
 * streamed as server-sent events with partial images, or as one answer. Azure takes the image
 * deployment in the `x-ms-oai-image-generation-deployment` header.
 */
import { readJson, type AzureOpenAIMedia, type CallOptions } from '../client.js';
import {
  AbortError,
  AzureOpenAIMediaError,
  ConnectionError,
  errorFromResponse,
  type Issue,
} from '../errors.js';
import { decodeBase64 } from '../base64.js';
import { preflightChecked } from '../preflight.js';
import { readServerSentEvents } from '../sse.js';
import { detectContentType, extensionFor } from '../uploads.js';
import { imageStreamIssues } from '../validate/image-stream.js';
import type {
  GeneratedImage,
  ImageBackground,
  ImageOutputFormat,
  ImageQuality,
  ImageSize,
} from './images.js';

export interface ImageStreamRequest {
  /** The image deployment (a gpt-image model). */
  model: string;
  prompt: string;
  size?: ImageSize;
  quality?: ImageQuality;
  background?: ImageBackground;
  output_format?: ImageOutputFormat;
  output_compression?: number;
  moderation?: 'low' | 'auto';
  /** How many partial images to stream before the final one (0-3). */
  partial_images?: number;
  /**
   * The deployment that runs the Responses call (a chat model such as gpt-4.1). Defaults to
   * `model`, which suits endpoints that route the tool call by the header alone.
   */
  responses_model?: string;
}

export type ImageStreamEvent =
  | { type: 'in_progress' }
  | { type: 'generating' }
  | { type: 'partial_image'; index: number; bytes: Uint8Array; mimeType: string }
  /** The final image, with what the request carried that Azure accepts but ignores (see `ImagesResult.warnings`). */
  | { type: 'completed'; image: GeneratedImage; warnings: Issue[] };

const DEPLOYMENT_HEADER = 'x-ms-oai-image-generation-deployment';
const MIME_BY_FORMAT: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

interface ImageCallItem {
  type?: string;
  status?: string;
  result?: string | null;
  revised_prompt?: string;
  output_format?: string;
}
interface RawResponse {
  status?: string;
  error?: { code?: string; message?: string } | null;
  incomplete_details?: { reason?: string } | null;
  output?: ImageCallItem[];
}

function body(request: ImageStreamRequest, stream: boolean): Record<string, unknown> {
  const tool: Record<string, unknown> = { type: 'image_generation' };
  for (const key of [
    'size',
    'quality',
    'background',
    'output_format',
    'output_compression',
    'moderation',
    'partial_images',
  ] as const) {
    if (request[key] !== undefined) tool[key] = request[key];
  }
  return {
    model: request.responses_model ?? request.model,
    input: request.prompt,
    tools: [tool],
    tool_choice: { type: 'image_generation' },
    stream,
  };
}

function toImage(item: ImageCallItem, format: string | undefined): GeneratedImage {
  const bytes = decodeBase64(item.result ?? '');
  const mimeType =
    detectContentType(bytes) ?? MIME_BY_FORMAT[item.output_format ?? format ?? 'png'] ?? 'image/png';
  const image: GeneratedImage = { index: 0, bytes, mimeType, extension: extensionFor(mimeType) };
  if (typeof item.revised_prompt === 'string') image.revisedPrompt = item.revised_prompt;
  return image;
}

function findImage(output: unknown): ImageCallItem | undefined {
  if (!Array.isArray(output)) return undefined;
  return (output as ImageCallItem[]).find(
    (i) => i?.type === 'image_generation_call' && typeof i.result === 'string' && i.result !== '',
  );
}

/** A failed Responses answer (or an `error` event) as this library's error, content filtering included. */
function failure(
  status: number,
  headers: Headers,
  error: { code?: unknown; message?: unknown; param?: unknown } | undefined,
  fallback: string,
): Error {
  const payload = {
    error: {
      code: error?.code ?? undefined,
      message: error?.message ?? fallback,
      param: error?.param ?? undefined,
    },
  };
  return errorFromResponse(status, headers, JSON.stringify(payload));
}

function checkResponse(raw: RawResponse, headers: Headers): void {
  if (raw.status === 'failed' || raw.status === 'incomplete' || raw.status === 'cancelled') {
    throw failure(
      200,
      headers,
      raw.error ?? undefined,
      `the response ended ${raw.status}${raw.incomplete_details?.reason ? `: ${raw.incomplete_details.reason}` : ''}`,
    );
  }
}

/** Streamed generation. Leaving the `for await` loop early aborts the request. */
export async function* streamImage(
  client: AzureOpenAIMedia,
  request: ImageStreamRequest,
  options: CallOptions = {},
): AsyncGenerator<ImageStreamEvent> {
  const { warnings } = preflightChecked(client, request?.model, 'image stream', (model) =>
    imageStreamIssues(request, model),
  );
  const controller = new AbortController();
  const outer = options.signal;
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  try {
    const response = await client.request({
      ...options,
      signal: controller.signal,
      operation: 'images.stream',
      method: 'POST',
      route: 'v1',
      path: 'responses',
      headers: { [DEPLOYMENT_HEADER]: request.model, accept: 'text/event-stream' },
      body: body(request, true),
    });
    if (!response.body) throw new AzureOpenAIMediaError('the image stream had no body');
    let completed = false;
    try {
      for await (const message of readServerSentEvents(response.body)) {
        if (message.data === '[DONE]') break;
        let event: Record<string, unknown>;
        try {
          event = JSON.parse(message.data) as Record<string, unknown>;
        } catch {
          throw new AzureOpenAIMediaError(
            `the image stream sent an event that is not JSON: ${message.data.slice(0, 80)}`,
          );
        }
        const type = typeof event.type === 'string' ? event.type : message.event;
        switch (type) {
          case 'response.image_generation_call.in_progress':
            yield { type: 'in_progress' };
            break;
          case 'response.image_generation_call.generating':
            yield { type: 'generating' };
            break;
          case 'response.image_generation_call.partial_image': {
            const bytes = decodeBase64(String(event.partial_image_b64 ?? ''));
            const mimeType =
              detectContentType(bytes) ?? MIME_BY_FORMAT[request.output_format ?? 'png'] ?? 'image/png';
            yield { type: 'partial_image', index: Number(event.partial_image_index ?? 0), bytes, mimeType };
            break;
          }
          case 'response.output_item.done': {
            const item = event.item as ImageCallItem | undefined;
            if (!completed && item && findImage([item])) {
              completed = true;
              yield { type: 'completed', image: toImage(item, request.output_format), warnings };
            }
            break;
          }
          case 'response.completed':
          case 'response.failed':
          case 'response.incomplete': {
            const raw = (event.response ?? {}) as RawResponse;
            checkResponse(raw, response.headers);
            const item = findImage(raw.output);
            if (!completed && item) {
              completed = true;
              yield { type: 'completed', image: toImage(item, request.output_format), warnings };
            }
            break;
          }
          case 'error':
            throw failure(
              200,
              response.headers,
              event as { code?: unknown; message?: unknown },
              'the image stream reported an error',
            );
          default:
            // Other Responses events (created, in_progress, output_item.added, ...) carry nothing for the caller.
            break;
        }
      }
    } catch (error) {
      if (error instanceof AzureOpenAIMediaError) throw error;
      if (controller.signal.aborted) throw new AbortError('the image stream was aborted', { cause: error });
      throw new ConnectionError(
        `the image stream ended early: ${(error as Error)?.message ?? String(error)}`,
        { cause: error },
      );
    }
    if (!completed) throw new AzureOpenAIMediaError('the image stream ended without a final image');
    finished = true;
  } finally {
    outer?.removeEventListener('abort', onAbort);
    // Leaving early (break, return, throw) cancels the request.
    if (!finished) controller.abort();
  }
}

/** The non-streamed form: one Responses call, resolving with the final image. */
export async function generateWithResponses(
  client: AzureOpenAIMedia,
  request: ImageStreamRequest,
  options: CallOptions = {},
): Promise<GeneratedImage & { warnings: Issue[] }> {
  const { warnings } = preflightChecked(client, request?.model, 'image generation (responses)', (model) =>
    imageStreamIssues(request, model),
  );
  const { raw, headers } = await client.request(
    {
      ...options,
      operation: 'images.stream',
      method: 'POST',
      route: 'v1',
      path: 'responses',
      headers: { [DEPLOYMENT_HEADER]: request.model },
      body: body(request, false),
    },
    async (response) => ({ raw: await readJson<RawResponse>(response), headers: response.headers }),
  );
  checkResponse(raw, headers);
  const item = findImage(raw.output);
  if (!item) throw new AzureOpenAIMediaError('the response held no generated image');
  return { ...toImage(item, request.output_format), warnings };
}
