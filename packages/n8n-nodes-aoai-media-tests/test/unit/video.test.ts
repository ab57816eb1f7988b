import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { binaryItem, run, type SentRequest } from './fake-context';
import { JPEG_HEAD, MP4_HEAD, PNG_1X1 } from './media';

function job(status: string, overrides: Record<string, unknown> = {}) {
  return {
    object: 'video.generation.job',
    id: 'task_1',
    status,
    created_at: 1_700_000_000,
    finished_at: status === 'succeeded' ? 1_700_000_060 : null,
    expires_at: status === 'succeeded' ? 1_700_086_400 : null,
    generations:
      status === 'succeeded'
        ? [
            {
              object: 'video.generation',
              id: 'gen_1',
              job_id: 'task_1',
              created_at: 1_700_000_050,
              width: 480,
              height: 480,
              n_seconds: 2,
              prompt: 'boat',
            },
          ]
        : [],
    prompt: 'boat',
    model: 'sora',
    n_variants: 1,
    n_seconds: 2,
    height: 480,
    width: 480,
    ...overrides,
  };
}

/** Plays the jobs API: the job runs for `pollsUntilDone` polls, then succeeds. */
function soraApi(pollsUntilDone = 0) {
  let polls = 0;
  return (request: SentRequest) => {
    const path = request.url.pathname;
    if (request.method === 'POST' && path === '/openai/v1/video/generations/jobs')
      return { body: job('queued') };
    if (request.method === 'GET' && path === '/openai/v1/video/generations/jobs/task_1') {
      return { body: polls++ < pollsUntilDone ? job('running') : job('succeeded') };
    }
    if (path === '/openai/v1/video/generations/gen_1/content/video')
      return { body: new Uint8Array(MP4_HEAD), headers: { 'content-type': 'video/mp4' } };
    if (path === '/openai/v1/video/generations/gen_1/content/thumbnail')
      return { body: new Uint8Array(JPEG_HEAD), headers: { 'content-type': 'image/jpg' } };
    return { status: 404, body: { code: 'NotFound', message: `no route ${path}` } };
  };
}

const base = { resource: 'video', deployment: 'sora-eu', model: 'sora', prompt: 'boat' };

describe('video generate', () => {
  it('creates the job from size, duration and variants, waits, and returns the video with its thumbnail', async () => {
    const { output, requests } = await run({
      params: {
        ...base,
        operation: 'generate',
        size: '480x480',
        seconds: 2,
        variants: 1,
        options: { pollSeconds: 1, quality: 'low' },
      },
      respond: soraApi(1),
    });
    const create = requests[0]!;
    expect(create.json).toEqual({
      model: 'sora-eu',
      prompt: 'boat',
      width: 480,
      height: 480,
      n_seconds: 2,
      n_variants: 1,
    });
    const polls = requests.filter((r) => r.url.pathname.endsWith('/jobs/task_1'));
    expect(polls).toHaveLength(2);
    const download = requests.find((r) => r.url.pathname.endsWith('/content/video'))!;
    expect(download.url.searchParams.get('quality')).toBe('low');

    expect(output).toHaveLength(1);
    const item = output[0]!;
    expect(item.pairedItem).toEqual({ item: 0 });
    expect(item.json).toMatchObject({
      jobId: 'task_1',
      generationId: 'gen_1',
      width: 480,
      height: 480,
      n_seconds: 2,
    });
    expect(item.binary?.data?.mimeType).toBe('video/mp4');
    expect(item.binary?.data?.fileName).toBe('gen_1.mp4');
    expect(Buffer.from(item.binary!.data!.data, 'base64').equals(MP4_HEAD)).toBe(true);
    // Azure says image/jpg; the file gets the registered type.
    expect(item.binary?.thumbnail?.mimeType).toBe('image/jpeg');
    expect(item.binary?.thumbnail?.fileName).toBe('gen_1.jpeg');
  });

  it('stops waiting when the execution is cancelled', async () => {
    const controller = new AbortController();
    let polls = 0;
    const api = soraApi(1000);
    const error = await run({
      params: {
        ...base,
        operation: 'generate',
        size: '480x480',
        seconds: 2,
        options: { pollSeconds: 30 },
      },
      cancel: controller.signal,
      respond: (request) => {
        if (request.url.pathname.endsWith('/jobs/task_1') && ++polls === 1)
          setImmediate(() => controller.abort());
        return api(request);
      },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toMatch(/cancel/i);
    expect(polls).toBe(1);
  });

  it('reports a failed job with its reason', async () => {
    const error = await run({
      params: { ...base, operation: 'generate', size: '480x480', seconds: 2 },
      respond: (request) =>
        request.method === 'POST'
          ? { body: job('queued') }
          : { body: job('failed', { failure_reason: 'internal_error' }) },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).description).toContain('internal_error');
  });

  it('lists every problem with size, duration and variants before sending', async () => {
    const { ctx, requests } = (await import('./fake-context')).fakeContext({
      params: { ...base, operation: 'createJob', size: '1920x1080', seconds: 15, variants: 3 },
    });
    const { AzureOpenAiMedia } =
      await import('n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/AzureOpenAiMedia.node');
    const error = await new AzureOpenAiMedia().execute.call(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    const description = (error as NodeOperationError).description ?? '';
    // Core's one video request names them seconds and variants, whichever API the model speaks.
    expect(description).toContain('Duration (Seconds) (seconds): 15 is out of range for sora at 1920x1080');
    expect(description).toContain('Variants (variants): 3 is out of range');
    expect(requests).toHaveLength(0);
  });
});

describe('video jobs', () => {
  it('Create Job returns the queued job at once', async () => {
    const { output, requests } = await run({
      params: { ...base, operation: 'createJob', size: '854x480', seconds: 3 },
      respond: soraApi(),
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.json).toMatchObject({ width: 854, height: 480, n_seconds: 3 });
    expect(output[0]!.json).toMatchObject({ id: 'task_1', status: 'queued' });
  });

  it('Get Job and Delete Job address the job by id', async () => {
    const got = await run({
      params: { ...base, operation: 'getJob', jobId: 'task_1' },
      respond: soraApi(),
    });
    expect(got.requests[0]!.method).toBe('GET');
    expect(got.output[0]!.json).toMatchObject({ id: 'task_1', status: 'succeeded' });

    const deleted = await run({
      params: { ...base, operation: 'deleteJob', jobId: 'task_1' },
      respond: (r) =>
        r.method === 'DELETE' && r.url.pathname.endsWith('/jobs/task_1')
          ? { status: 204 }
          : { status: 404, body: {} },
    });
    expect(deleted.requests[0]!.method).toBe('DELETE');
    expect(deleted.output[0]!.json).toEqual({ id: 'task_1', deleted: true });
  });

  it('Get Job maps a missing job to NodeApiError 404', async () => {
    const error = await run({
      params: { ...base, operation: 'getJob', jobId: 'task_x' },
      respond: () => ({
        status: 404,
        headers: { 'x-request-id': 'req-404' },
        body: { code: 'NotFound', message: 'job task_x not found' },
      }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).httpCode).toBe('404');
    expect((error as NodeApiError).description).toContain('req-404');
  });

  const page = (ids: string[], hasMore: boolean) => ({
    body: {
      object: 'list',
      data: ids.map((id) => job('succeeded', { id })),
      has_more: hasMore,
      first_id: ids[0],
      last_id: ids.at(-1),
    },
  });

  it('List Jobs follows pages for Return All and stops at the limit otherwise', async () => {
    const respond = (r: SentRequest) =>
      r.url.searchParams.get('after') === 'b' ? page(['c'], false) : page(['a', 'b'], true);
    const all = await run({ params: { ...base, operation: 'listJobs', returnAll: true }, respond });
    expect(all.output.map((i) => i.json.id)).toEqual(['a', 'b', 'c']);
    expect(all.requests).toHaveLength(2);

    const limited = await run({
      params: { ...base, operation: 'listJobs', returnAll: false, limit: 1 },
      respond,
    });
    expect(limited.output.map((i) => i.json.id)).toEqual(['a']);
    expect(limited.requests).toHaveLength(1);
    expect(limited.requests[0]!.url.searchParams.get('limit')).toBe('1');
  });

  it("List Jobs keeps the statuses asked for: core's words, or Azure's that version 1 saved", async () => {
    const statuses: Record<string, string> = {
      a: 'succeeded',
      b: 'preprocessing',
      c: 'running',
      d: 'failed',
    };
    const respond = () => ({
      body: {
        object: 'list',
        data: Object.entries(statuses).map(([id, status]) => job(status, { id })),
        has_more: false,
      },
    });
    const listed = async (wanted: string[]) =>
      (
        await run({
          params: { ...base, operation: 'listJobs', returnAll: true, options: { statuses: wanted } },
          respond,
        })
      ).output.map((i) => i.json.id);
    // Core's vocabulary: preprocessing is queued, processing and running are running.
    expect(await listed(['queued'])).toEqual(['b']);
    expect(await listed(['running', 'failed'])).toEqual(['c', 'd']);
    // Azure's own word, as a version 1 workflow may hold it.
    expect(await listed(['preprocessing'])).toEqual(['b']);
    expect(await listed([])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('Download fetches the video with a quality or the thumbnail', async () => {
    const video = await run({
      params: {
        ...base,
        operation: 'download',
        generationId: 'gen_1',
        content: 'video',
        quality: 'low',
        binaryPropertyOutput: 'clip',
      },
      respond: soraApi(),
    });
    expect(video.requests[0]!.url.searchParams.get('quality')).toBe('low');
    expect(video.output[0]!.binary?.clip?.mimeType).toBe('video/mp4');
    expect(video.output[0]!.json).toMatchObject({ bytes: MP4_HEAD.length });

    const thumb = await run({
      params: { ...base, operation: 'download', generationId: 'gen_1', content: 'thumbnail' },
      respond: soraApi(),
    });
    expect(thumb.requests[0]!.url.pathname).toBe('/openai/v1/video/generations/gen_1/content/thumbnail');
    expect(thumb.output[0]!.binary?.data?.mimeType).toBe('image/jpeg');
  });

  it('Generate from Media uploads the binary inputs with inpaint items naming their files', async () => {
    const { output, requests } = await run({
      params: {
        ...base,
        operation: 'generateFromMedia',
        size: '480x480',
        seconds: 2,
        mediaProperties: 'data, end',
        inpaintItems: {
          item: [{ property: 'end', frameIndex: 30, left: 0.1, top: 0, right: 1, bottom: 0.9 }],
        },
        options: { wait: false },
      },
      items: [
        binaryItem({
          data: { bytes: PNG_1X1, fileName: 'start.png', mimeType: 'image/png' },
          end: { bytes: PNG_1X1, fileName: 'end.png', mimeType: 'image/png' },
        }),
      ],
      respond: soraApi(),
    });
    const form = requests[0]!.form!;
    expect(requests[0]!.url.pathname).toBe('/openai/v1/video/generations/jobs');
    // The media an inpaint item places; a media field no item names is not sent.
    expect((form.getAll('files') as File[]).map((f) => f.name)).toEqual(['end.png']);
    const inpaint = JSON.parse(String(form.get('inpaint_items')));
    expect(inpaint).toEqual([
      {
        frame_index: 30,
        type: 'image',
        file_name: 'end.png',
        crop_bounds: {
          left_fraction: 0.1,
          top_fraction: 0,
          right_fraction: 1,
          bottom_fraction: 0.9,
        },
      },
    ]);
    expect(output[0]!.json).toMatchObject({ id: 'task_1', status: 'queued' });
  });

  it('Generate from Media names an inpaint item that points at no media field', async () => {
    const error = await run({
      params: {
        ...base,
        operation: 'generateFromMedia',
        size: '480x480',
        seconds: 2,
        mediaProperties: 'data',
        inpaintItems: {
          item: [{ property: 'nope', frameIndex: 0, left: 0, top: 0, right: 1, bottom: 1 }],
        },
      },
      items: [binaryItem({ data: { bytes: PNG_1X1, fileName: 'a.png', mimeType: 'image/png' } })],
      respond: soraApi(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as NodeOperationError).description).toContain('"nope"');
  });
});
