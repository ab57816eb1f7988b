/** The video operations on a Sora 2 deployment: Azure's `/openai/v1/videos`, chosen from the model table. */
import { getModel, type VideoModel } from '@aoai-media/core';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { binaryItem, run, type SentRequest } from './fake-context';
import { JPEG_HEAD, MP4_HEAD, PNG_1X1, PNG_720X1280 } from './media';

const WEBP_HEAD = Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1');

const sora2 = getModel('sora-2') as VideoModel;

function video(status: string, overrides: Record<string, unknown> = {}) {
  return {
    object: 'video',
    id: 'video_1',
    status,
    model: 'sora2-eu',
    progress: status === 'completed' ? 100 : 40,
    prompt: 'boat',
    created_at: 1_700_000_000,
    completed_at: status === 'completed' ? 1_700_000_060 : null,
    expires_at: status === 'completed' ? 1_700_086_400 : null,
    seconds: '8',
    size: '1280x720',
    remixed_from_video_id: null,
    error: null,
    ...overrides,
  };
}

/** Plays the videos API: a video is in progress for `pollsUntilDone` polls, then completed. */
function videosApi(pollsUntilDone = 0) {
  let polls = 0;
  return (request: SentRequest) => {
    const path = request.url.pathname;
    if (request.method === 'POST' && path === '/openai/v1/videos') return { body: video('queued') };
    if (request.method === 'POST' && path === '/openai/v1/videos/video_1/remix') {
      return {
        body: video('queued', {
          id: 'video_2',
          prompt: request.json?.prompt,
          remixed_from_video_id: 'video_1',
        }),
      };
    }
    const id = path.match(/^\/openai\/v1\/videos\/(video_\d)$/)?.[1];
    if (request.method === 'GET' && id) {
      return {
        body: polls++ < pollsUntilDone ? video('in_progress', { id }) : video('completed', { id }),
      };
    }
    if (request.method === 'DELETE' && id) return { body: { id, object: 'video.deleted', deleted: true } };
    if (/^\/openai\/v1\/videos\/video_\d\/content$/.test(path)) {
      const variant = request.url.searchParams.get('variant') ?? 'video';
      if (variant === 'thumbnail')
        return { body: new Uint8Array(WEBP_HEAD), headers: { 'content-type': 'image/webp' } };
      if (variant === 'spritesheet')
        return { body: new Uint8Array(JPEG_HEAD), headers: { 'content-type': 'image/jpeg' } };
      return { body: new Uint8Array(MP4_HEAD), headers: { 'content-type': 'video/mp4' } };
    }
    return {
      status: 404,
      body: { error: { code: 'not_found', message: `no route ${request.method} ${path}` } },
    };
  };
}

const base = { resource: 'video', deployment: 'sora2-eu', model: 'sora-2', prompt: 'boat' };
const failure = (e: unknown) => e;

describe('Sora 2 generate', () => {
  it('sends seconds as a string and the size, waits, and returns the MP4 with its thumbnail', async () => {
    const { output, requests } = await run({
      params: {
        ...base,
        operation: 'generate',
        size: '1280x720',
        seconds: '8',
        options: { pollSeconds: 1 },
      },
      respond: videosApi(1),
    });
    const create = requests[0]!;
    expect(create.url.pathname).toBe('/openai/v1/videos');
    expect(create.authenticated).toBe(true);
    const form = create.form!;
    expect(Object.fromEntries([...form.keys()].map((k) => [k, form.get(k)]))).toEqual({
      model: 'sora2-eu',
      prompt: 'boat',
      seconds: '8',
      size: '1280x720',
    });
    expect(
      requests.filter((r) => r.method === 'GET' && r.url.pathname === '/openai/v1/videos/video_1'),
    ).toHaveLength(2);
    const downloads = requests
      .filter((r) => r.url.pathname.endsWith('/content'))
      .map((r) => r.url.searchParams.get('variant'));
    // The video is the default variant, so core asks for it without naming it.
    expect(downloads).toEqual([null, 'thumbnail']);

    expect(output).toHaveLength(1);
    const item = output[0]!;
    expect(item.pairedItem).toEqual({ item: 0 });
    expect(item.json).toMatchObject({
      videoId: 'video_1',
      status: 'completed',
      size: '1280x720',
      width: 1280,
      height: 720,
      seconds: '8',
    });
    expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: 'video_1.mp4' });
    expect(Buffer.from(item.binary!.data!.data, 'base64').equals(MP4_HEAD)).toBe(true);
    expect(item.binary?.thumbnail).toMatchObject({
      mimeType: 'image/webp',
      fileName: 'video_1-thumbnail.webp',
    });
  });

  it('defaults the duration from the model table and skips the thumbnail when asked', async () => {
    const { output, requests } = await run({
      params: { ...base, operation: 'generate', options: { thumbnail: false } },
      respond: videosApi(),
    });
    expect(requests[0]!.form!.get('seconds')).toBe(String(sora2.defaultSeconds));
    expect(sora2.sizes).toContain(requests[0]!.form!.get('size'));
    expect(requests.filter((r) => r.url.pathname.endsWith('/content'))).toHaveLength(1);
    expect(Object.keys(output[0]!.binary!)).toEqual(['data']);
  });

  it('uploads the input reference from a binary field', async () => {
    const { requests } = await run({
      params: {
        ...base,
        operation: 'createJob',
        size: '720x1280',
        seconds: '4',
        inputReference: 'start',
      },
      items: [
        binaryItem({
          start: { bytes: PNG_720X1280, fileName: 'first-frame.png', mimeType: 'image/png' },
        }),
      ],
      respond: videosApi(),
    });
    const file = requests[0]!.form!.get('input_reference') as File;
    expect(file.name).toBe('first-frame.png');
    expect(file.type).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG_720X1280)).toBe(true);
  });

  it('names a missing input reference field, before anything is sent', async () => {
    const { ctx, requests } = (await import('./fake-context')).fakeContext({
      params: { ...base, operation: 'createJob', inputReference: 'nope' },
      items: [binaryItem({ data: { bytes: PNG_1X1, fileName: 'a.png', mimeType: 'image/png' } })],
    });
    const { AzureOpenAiMedia } =
      await import('n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/AzureOpenAiMedia.node');
    const error = await new AzureOpenAiMedia().execute.call(ctx).catch(failure);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toContain("'nope'");
    expect(requests).toHaveLength(0);
  });

  it('lists every problem with seconds, size and reference type before sending', async () => {
    const { ctx, requests } = (await import('./fake-context')).fakeContext({
      // Values set by expression, so the option lists cannot stop them.
      params: {
        ...base,
        operation: 'generate',
        seconds: 5,
        size: '480x480',
        inputReference: 'data',
      },
      items: [
        binaryItem({
          data: { bytes: Buffer.from('hello'), fileName: 'notes.txt', mimeType: 'text/plain' },
        }),
      ],
    });
    const { AzureOpenAiMedia } =
      await import('n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/AzureOpenAiMedia.node');
    const error = await new AzureOpenAiMedia().execute.call(ctx).catch(failure);
    expect(error).toBeInstanceOf(NodeOperationError);
    const description = (error as NodeOperationError).description ?? '';
    // Each field as the UI names it, with Azure's name, the value and what is allowed.
    expect(description).toContain('Duration (Seconds) (seconds): 5 is not supported by sora-2');
    expect(description).toContain(
      `Allowed: ${(sora2.seconds as string[]).map((s) => `${s} seconds`).join(', ')}`,
    );
    expect(description).toContain('Size (size): "480x480"');
    expect(description).toContain('Input Reference Field (media[0].file.contentType): "text/plain"');
    expect(description).toContain('Fix: give "Input Reference Field" a file of type');
    expect(requests).toHaveLength(0);
  });

  it('maps a moderated video to a content-filter API error and a failed one to its reason', async () => {
    const failWith = (code: string) => (r: SentRequest) =>
      r.method === 'POST'
        ? { body: video('queued') }
        : { body: video('failed', { error: { code, message: `failed: ${code}` } }) };

    const moderated = await run({
      params: { ...base, operation: 'generate' },
      respond: failWith('moderation_blocked'),
    }).catch(failure);
    expect(moderated).toBeInstanceOf(NodeApiError);
    expect((moderated as NodeApiError).message).toMatch(/content filter/);
    expect((moderated as NodeApiError).errorResponse).toMatchObject({ code: 'moderation_blocked' });

    const failed = await run({
      params: { ...base, operation: 'generate' },
      respond: failWith('internal_error'),
    }).catch(failure);
    expect(failed).toBeInstanceOf(NodeApiError);
    expect((failed as NodeApiError).description).toContain('video_1');
    expect((failed as NodeApiError).description).toContain('internal_error');
  });

  it('keeps a failure as an error item with Continue On Fail', async () => {
    const { output } = await run({
      params: { ...base, operation: 'createJob' },
      continueOnFail: true,
      respond: () => ({
        status: 400,
        headers: { 'x-request-id': 'req-400' },
        body: {
          error: {
            code: 'content_policy_violation',
            message: 'blocked',
            inner_error: { code: 'ResponsibleAIPolicyViolation', revised_prompt: 'calm boat' },
          },
        },
      }),
    });
    expect(output).toHaveLength(1);
    expect(output[0]!.json).toMatchObject({
      httpCode: '400',
      requestId: 'req-400',
      revisedPrompt: 'calm boat',
    });
    expect(output[0]!.pairedItem).toEqual({ item: 0 });
  });
});

describe('Sora 2 jobs', () => {
  it('Create Job returns the queued video at once', async () => {
    const { output, requests } = await run({
      params: { ...base, operation: 'createJob', size: '1280x720', seconds: '12' },
      respond: videosApi(),
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.form!.get('size')).toBe('1280x720');
    expect(requests[0]!.form!.get('seconds')).toBe('12');
    expect(output[0]!.json).toMatchObject({ object: 'video', id: 'video_1', status: 'queued' });
  });

  it('Get Job and Delete Job address the video by its Video ID', async () => {
    const got = await run({
      params: { ...base, operation: 'getJob', videoId: ' video_1 ' },
      respond: videosApi(),
    });
    expect(got.requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      'GET /openai/v1/videos/video_1',
    ]);
    expect(got.output[0]!.json).toMatchObject({ id: 'video_1', status: 'completed' });

    const deleted = await run({
      params: { ...base, operation: 'deleteJob', videoId: 'video_1' },
      respond: videosApi(),
    });
    expect(deleted.requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      'DELETE /openai/v1/videos/video_1',
    ]);
    expect(deleted.output[0]!.json).toEqual({ id: 'video_1', deleted: true });
  });

  it('Get Job maps a missing video to NodeApiError 404 with the request id', async () => {
    const error = await run({
      params: { ...base, operation: 'getJob', videoId: 'video_x' },
      respond: () => ({
        status: 404,
        headers: { 'x-request-id': 'req-404' },
        body: { error: { code: 'not_found', message: "Video 'video_x' was not found." } },
      }),
    }).catch(failure);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).httpCode).toBe('404');
    expect((error as NodeApiError).description).toContain('req-404');
    expect((error as NodeApiError).description).toContain('not_found');
  });

  it('an empty Video ID fails before sending, naming the field', async () => {
    const { ctx, requests } = (await import('./fake-context')).fakeContext({
      params: { ...base, operation: 'deleteJob', videoId: '  ' },
    });
    const { AzureOpenAiMedia } =
      await import('n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/AzureOpenAiMedia.node');
    const error = await new AzureOpenAiMedia().execute.call(ctx).catch(failure);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as NodeOperationError).description).toContain('videoId');
    expect(requests).toHaveLength(0);
  });

  const page = (ids: string[], hasMore: boolean) => ({
    body: {
      object: 'list',
      data: ids.map((id) => video('completed', { id })),
      has_more: hasMore,
      first_id: ids[0],
      last_id: ids.at(-1),
    },
  });

  it('List Jobs follows pages for Return All and stops at the limit otherwise, without the Sora 1 status filter', async () => {
    const respond = (r: SentRequest) =>
      r.url.searchParams.get('after') === 'b' ? page(['c'], false) : page(['a', 'b'], true);
    const all = await run({ params: { ...base, operation: 'listJobs', returnAll: true }, respond });
    expect(all.output.map((i) => i.json.id)).toEqual(['a', 'b', 'c']);
    expect(all.requests.map((r) => r.url.pathname)).toEqual(['/openai/v1/videos', '/openai/v1/videos']);
    expect(all.requests[0]!.url.searchParams.has('statuses')).toBe(false);

    const limited = await run({
      params: { ...base, operation: 'listJobs', returnAll: false, limit: 1 },
      respond,
    });
    expect(limited.output.map((i) => i.json.id)).toEqual(['a']);
    expect(limited.requests).toHaveLength(1);
    expect(limited.requests[0]!.url.searchParams.get('limit')).toBe('1');
  });

  it('Download fetches the video, thumbnail or spritesheet with the type Azure declares', async () => {
    const cases = [
      { variant: 'video', mimeType: 'video/mp4', fileName: 'video_1.mp4', bytes: MP4_HEAD },
      {
        variant: 'thumbnail',
        mimeType: 'image/webp',
        fileName: 'video_1-thumbnail.webp',
        bytes: WEBP_HEAD,
      },
      {
        variant: 'spritesheet',
        mimeType: 'image/jpeg',
        fileName: 'video_1-spritesheet.jpeg',
        bytes: JPEG_HEAD,
      },
    ];
    for (const c of cases) {
      const { output, requests } = await run({
        params: {
          ...base,
          operation: 'download',
          videoId: 'video_1',
          variant: c.variant,
          binaryPropertyOutput: 'file',
        },
        respond: videosApi(),
      });
      expect(requests).toHaveLength(1);
      expect(requests[0]!.url.pathname).toBe('/openai/v1/videos/video_1/content');
      // The video is the default variant, so core asks for it without naming it.
      expect(requests[0]!.url.searchParams.get('variant')).toBe(c.variant === 'video' ? null : c.variant);
      expect(output[0]!.json).toEqual({
        videoId: 'video_1',
        variant: c.variant,
        mimeType: c.mimeType,
        bytes: c.bytes.length,
      });
      expect(output[0]!.binary?.file).toMatchObject({ mimeType: c.mimeType, fileName: c.fileName });
    }
  });

  it('Download of a video that is not ready is an API error', async () => {
    const error = await run({
      params: { ...base, operation: 'download', videoId: 'video_1' },
      respond: () => ({
        status: 404,
        body: { error: { code: 'video_not_ready', message: "Video 'video_1' is in_progress." } },
      }),
    }).catch(failure);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).description).toContain('video_not_ready');
  });
});

describe('Sora 2 remix', () => {
  it('sends the new prompt for the video and returns the queued remix with Wait for Completion off', async () => {
    const { output, requests } = await run({
      params: {
        ...base,
        operation: 'remix',
        videoId: 'video_1',
        prompt: 'the same boat at night',
        options: { wait: false },
      },
      respond: videosApi(),
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('POST');
    expect(requests[0]!.url.pathname).toBe('/openai/v1/videos/video_1/remix');
    expect(requests[0]!.json).toEqual({ prompt: 'the same boat at night' });
    expect(output[0]!.json).toMatchObject({
      id: 'video_2',
      status: 'queued',
      remixed_from_video_id: 'video_1',
    });
  });

  it('waits for the remix and downloads it by default', async () => {
    const { output, requests } = await run({
      params: {
        ...base,
        operation: 'remix',
        videoId: 'video_1',
        prompt: 'at night',
        options: { pollSeconds: 1, thumbnail: false },
      },
      respond: videosApi(1),
    });
    expect(requests.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      'POST /openai/v1/videos/video_1/remix',
      'GET /openai/v1/videos/video_2',
      'GET /openai/v1/videos/video_2',
      'GET /openai/v1/videos/video_2/content',
    ]);
    expect(output[0]!.json).toMatchObject({ videoId: 'video_2', status: 'completed' });
    expect(output[0]!.binary?.data).toMatchObject({
      mimeType: 'video/mp4',
      fileName: 'video_2.mp4',
    });
  });

  it('an empty prompt fails before sending', async () => {
    const { ctx, requests } = (await import('./fake-context')).fakeContext({
      params: { ...base, operation: 'remix', videoId: 'video_1', prompt: '' },
    });
    const { AzureOpenAiMedia } =
      await import('n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/AzureOpenAiMedia.node');
    const error = await new AzureOpenAiMedia().execute.call(ctx).catch(failure);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as NodeOperationError).description).toContain('prompt');
    expect(requests).toHaveLength(0);
  });

  it('stops waiting when the execution is cancelled', async () => {
    const controller = new AbortController();
    let polls = 0;
    const api = videosApi(1000);
    const error = await run({
      params: {
        ...base,
        operation: 'remix',
        videoId: 'video_1',
        prompt: 'at night',
        options: { pollSeconds: 30 },
      },
      cancel: controller.signal,
      respond: (request) => {
        if (request.method === 'GET' && ++polls === 1) setImmediate(() => controller.abort());
        return api(request);
      },
    }).catch(failure);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toMatch(/cancel/i);
    expect(polls).toBe(1);
  });
});
