/**
 * Where results land: the video and its thumbnail in separate fields (a collision is refused before
 * anything is paid for), videos streamed into n8n where n8n stores files, and file references for
 * AI agents and later nodes.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { run, type Reply, type SentRequest } from './fake-context';
import { JPEG_HEAD, MP4_HEAD, PNG_1X1 } from './media';

const VIDEO = Buffer.concat([MP4_HEAD, Buffer.alloc(64 * 1024, 7)]);

/** Sora 2's videos API with one video that is done at once. */
function videosApi(options: { cutShort?: boolean } = {}) {
  const video = (status: string) => ({
    object: 'video',
    id: 'video_1',
    status,
    model: 'sora2',
    progress: 100,
    prompt: 'boat',
    created_at: 1,
    completed_at: 2,
    expires_at: 3,
    seconds: '4',
    size: '720x1280',
    remixed_from_video_id: null,
    error: null,
  });
  return (request: SentRequest): Reply => {
    const path = request.url.pathname;
    if (request.method === 'POST' && path === '/openai/v1/videos') return { body: video('queued') };
    if (request.method === 'GET' && path === '/openai/v1/videos/video_1') return { body: video('completed') };
    if (path === '/openai/v1/videos/video_1/content') {
      if (request.url.searchParams.get('variant') === 'thumbnail')
        return { body: new Uint8Array(JPEG_HEAD), headers: { 'content-type': 'image/jpeg' } };
      // Cut short: the body stops before the length the headers promise.
      return options.cutShort
        ? {
            body: new Uint8Array(VIDEO.subarray(0, 1000)),
            headers: { 'content-type': 'video/mp4', 'content-length': String(VIDEO.length) },
          }
        : { body: new Uint8Array(VIDEO), headers: { 'content-type': 'video/mp4' } };
    }
    return { status: 404, body: { error: { code: 'NotFound', message: path } } };
  };
}

const generate = {
  resource: 'video',
  operation: 'generate',
  deployment: 'sora2',
  model: 'sora-2',
  prompt: 'boat',
  size: '720x1280',
  seconds: '4',
};

describe('the thumbnail field', () => {
  it('a thumbnail that would replace the video is refused before the video is created', async () => {
    let sent = 0;
    const error = await run({
      params: { ...generate, binaryPropertyOutput: 'thumbnail' },
      respond: (request) => {
        sent++;
        return videosApi()(request);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as NodeOperationError).message).toBe(
      'The video and its thumbnail would both be written to the field "thumbnail"',
    );
    expect((error as NodeOperationError).description).toContain('Nothing was sent to Azure');
    expect(sent).toBe(0);
  });

  it('the same for a chosen thumbnail field, and none when thumbnails are off', async () => {
    const collision = await run({
      params: { ...generate, binaryPropertyOutput: 'clip', options: { thumbnailProperty: 'clip' } },
      respond: videosApi(),
    }).catch((e: unknown) => e);
    expect(collision).toBeInstanceOf(NodeOperationError);

    const { output } = await run({
      params: { ...generate, binaryPropertyOutput: 'thumbnail', options: { thumbnail: false } },
      respond: videosApi(),
    });
    expect(Object.keys(output[0]!.binary!)).toEqual(['thumbnail']);
    expect(output[0]!.binary!.thumbnail!.mimeType).toBe('video/mp4');
  });

  it('goes to its own field: "thumbnail" by default, or the one chosen', async () => {
    const { output } = await run({ params: generate, respond: videosApi() });
    expect(output[0]!.binary!.data!.mimeType).toBe('video/mp4');
    expect(output[0]!.binary!.thumbnail!.mimeType).toBe('image/jpeg');

    const chosen = await run({
      params: { ...generate, options: { thumbnailProperty: 'still' } },
      respond: videosApi(),
    });
    expect(Object.keys(chosen.output[0]!.binary!).sort()).toEqual(['data', 'still']);
  });
});

describe('video downloads', () => {
  it('stream into n8n where it stores files: the bytes arrive whole, never as one buffer', async () => {
    const { output, stored, prepared } = await run({
      params: generate,
      binaryMode: 'filesystem',
      respond: videosApi(),
    });
    const video = output[0]!.binary!.data!;
    expect(prepared.find((p) => p.fileName === 'video_1.mp4')?.input).toBe('stream');
    expect(stored.get(video.id!)?.equals(VIDEO)).toBe(true);
    expect(video.bytes).toBe(VIDEO.length);
  });

  it('are read whole where n8n keeps binary data in memory (it cannot take a web stream there)', async () => {
    const { output, prepared } = await run({ params: generate, respond: videosApi() });
    expect(prepared.find((p) => p.fileName === 'video_1.mp4')?.input).toBe('buffer');
    expect(Buffer.from(output[0]!.binary!.data!.data, 'base64').equals(VIDEO)).toBe(true);
  });

  it('cut short, fail the item instead of handing on part of a video', async () => {
    for (const binaryMode of ['filesystem', 'default'] as const) {
      const error = await run({
        params: generate,
        binaryMode,
        respond: videosApi({ cutShort: true }),
      }).catch((e: unknown) => e);
      expect(error, binaryMode).toBeInstanceOf(NodeApiError);
      expect((error as Error).message, binaryMode).toMatch(/ended early/);
    }
  });
});

describe('file references', () => {
  it("list each file with n8n's signed URL where n8n stores files", async () => {
    const { output, stored } = await run({
      params: { ...generate, options: { output: 'reference' } },
      binaryMode: 'filesystem',
      respond: videosApi(),
    });
    const files = output[0]!.json.files as { field: string; url: string; mimeType: string }[];
    expect(files.map((f) => [f.field, f.mimeType])).toEqual([
      ['data', 'video/mp4'],
      ['thumbnail', 'image/jpeg'],
    ]);
    const token = decodeURIComponent(new URL(files[0]!.url).searchParams.get('token')!);
    expect(stored.get(token)?.equals(VIDEO)).toBe(true);
    // The files themselves stay on the item for the nodes after this one.
    expect(output[0]!.binary!.data).toBeDefined();
  });

  it("give Azure's URL where Azure answers with one (DALL-E), without downloading it", async () => {
    const { output, requests } = await run({
      params: {
        resource: 'image',
        operation: 'generate',
        deployment: 'd3',
        model: 'dall-e-3',
        prompt: 'x',
        options: { output: 'reference' },
      },
      respond: (request) =>
        request.url.origin === 'https://blob.example.net'
          ? { body: new Uint8Array(PNG_1X1) }
          : { body: { created: 1, data: [{ url: 'https://blob.example.net/img/1.png?sig=x' }] } },
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.json.response_format).toBe('url');
    expect(output[0]!.binary).toBeUndefined();
    expect(output[0]!.json.files).toEqual([
      {
        field: null,
        mimeType: 'image/png',
        url: 'https://blob.example.net/img/1.png?sig=x',
        source: 'azure',
      },
    ]);
  });
});
