/**
 * The unified video interface's pure parts: request builders for either API, parsers into one task
 * shape, capability answers from the tables, the unified validation, the reconcile matcher, and the
 * one rule that picks an API for a deployment. Plus the operation table every request goes through.
 */
import { describe, expect, it } from 'vitest';
import {
  AzureOpenAIMedia,
  FALLBACK_VIDEO_API,
  ValidationError,
  buildVideoCreate,
  buildVideoDownload,
  buildVideoList,
  buildVideoRemix,
  getModel,
  listOperations,
  matchCreatedTask,
  operationPath,
  parseVideoTask,
  parseVideoTaskList,
  supportsRemix,
  validateVideoCreate,
  videoCapabilities,
  videoTaskError,
  ContentFilterError,
  JobFailedError,
  type Logger,
  type VideoTask,
} from '../src/index.js';
import { makePng } from './fixtures.js';
import { openSpec, specAvailable, SPEC_SKIP_REASON } from './spec.js';
import { json, startServer } from './server.js';

const png = makePng(1280, 720);
const sora = getModel('sora');
const sora2 = getModel('sora-2');

describe('request builders', () => {
  it('Sora 1 without media: JSON in its own names', () => {
    const spec = buildVideoCreate('jobs', {
      model: 'v',
      prompt: 'p',
      size: '854x480',
      seconds: 5,
      variants: 2,
    });
    expect(spec).toEqual({
      operation: 'videos.create',
      method: 'POST',
      route: 'v1',
      path: 'video/generations/jobs',
      body: { model: 'v', prompt: 'p', width: 854, height: 480, n_seconds: 5, n_variants: 2 },
    });
  });

  it('Sora 1 with media: multipart files with unique names, one inpaint item each', async () => {
    const spec = buildVideoCreate('jobs', {
      model: 'v',
      prompt: 'p',
      size: '1280x720',
      media: [
        { file: { data: png, filename: 'a.png' } },
        { file: { data: png, filename: 'a.png' }, frame_index: 30, crop_bounds: { left_fraction: 0.5 } },
      ],
    });
    const form = spec.body as FormData;
    expect(form.getAll('files').map((f) => (f as File).name)).toEqual(['a.png', '1-a.png']);
    expect(JSON.parse(String(form.get('inpaint_items')))).toEqual([
      { frame_index: 0, type: 'image', file_name: 'a.png' },
      { frame_index: 30, type: 'image', file_name: '1-a.png', crop_bounds: { left_fraction: 0.5 } },
    ]);
    expect([form.get('width'), form.get('height')]).toEqual(['1280', '720']);
  });

  it('Sora 2: multipart, seconds as a string, the media as input_reference', () => {
    const spec = buildVideoCreate('videos', {
      model: 'v',
      prompt: 'p',
      size: '1280x720',
      seconds: 8,
      media: [{ file: { data: png, filename: 'start.png' } }],
    });
    expect(spec.path).toBe('videos');
    const form = spec.body as FormData;
    expect(form.get('seconds')).toBe('8');
    expect((form.get('input_reference') as File).name).toBe('start.png');
    expect((form.get('input_reference') as File).type).toBe('image/png');
  });

  it('downloads: Sora 1 paths per content with quality; Sora 2 one path with variant', () => {
    expect(buildVideoDownload('jobs', 'gen_1', { quality: 'low' })).toMatchObject({
      path: 'video/generations/gen_1/content/video',
      query: { quality: 'low' },
    });
    expect(buildVideoDownload('jobs', 'gen_1', { content: 'thumbnail' })).toMatchObject({
      path: 'video/generations/gen_1/content/thumbnail',
    });
    expect(buildVideoDownload('videos', 'video_1', { content: 'spritesheet' })).toMatchObject({
      path: 'videos/video_1/content',
      query: { variant: 'spritesheet' },
    });
    expect(() => buildVideoDownload('jobs', 'gen_1', { content: 'spritesheet' })).toThrow(ValidationError);
    expect(() => buildVideoDownload('videos', 'video_1', { quality: 'low' })).toThrow(
      /quality is not offered/,
    );
  });

  it('remix exists only where the operation table has a path for it', () => {
    expect(buildVideoRemix('videos', 'video_1', { prompt: 'x' })).toMatchObject({
      operation: 'videos.remix',
      path: 'videos/video_1/remix',
      body: { prompt: 'x' },
    });
    expect(() => buildVideoRemix('jobs', 'task_1', { prompt: 'x' })).toThrow(ValidationError);
  });

  it('lists: Sora 1 always sends limit; Sora 2 asks for newest first', () => {
    expect(buildVideoList('jobs', {}).query).toEqual({ limit: 10, after: undefined });
    expect(buildVideoList('videos', { limit: 5, after: 'video_9' }).query).toEqual({
      limit: 5,
      after: 'video_9',
      order: 'desc',
    });
    expect(() => buildVideoList('videos', { limit: 0 })).toThrow(/limit must be a positive integer/);
  });
});

describe('task parsers', () => {
  it.each([
    ['jobs', 'preprocessing', 'queued'],
    ['jobs', 'queued', 'queued'],
    ['jobs', 'running', 'running'],
    ['jobs', 'processing', 'running'],
    ['jobs', 'succeeded', 'succeeded'],
    ['jobs', 'failed', 'failed'],
    ['jobs', 'cancelled', 'cancelled'],
    ['videos', 'queued', 'queued'],
    ['videos', 'in_progress', 'running'],
    ['videos', 'completed', 'succeeded'],
    ['videos', 'failed', 'failed'],
    ['videos', 'something_new', 'running'],
  ] as const)('%s status %s is %s', (api, raw, status) => {
    const task = parseVideoTask(api, { id: 'x', status: raw, created_at: 1 });
    expect(task.status).toBe(status);
    expect(task.rawStatus).toBe(raw);
  });

  it('a succeeded Sora 1 job has one output per generation; a Sora 2 video one, itself', () => {
    const job = parseVideoTask('jobs', {
      id: 'task_1',
      status: 'succeeded',
      width: 854,
      height: 480,
      n_seconds: 5,
      n_variants: 2,
      generations: [{ id: 'gen_a' }, { id: 'gen_b' }],
    });
    expect(job).toMatchObject({ size: '854x480', seconds: 5, variants: 2, progress: 100 });
    expect(job.outputs).toEqual([
      { index: 0, id: 'gen_a', contents: ['video', 'thumbnail'] },
      { index: 1, id: 'gen_b', contents: ['video', 'thumbnail'] },
    ]);
    const video = parseVideoTask('videos', {
      id: 'video_1',
      status: 'completed',
      seconds: '8',
      size: '1280x720',
    });
    expect(video).toMatchObject({ seconds: 8, size: '1280x720', variants: 1 });
    expect(video.outputs).toEqual([
      { index: 0, id: 'video_1', contents: ['video', 'thumbnail', 'spritesheet'] },
    ]);
  });

  it('failures: moderation is a ContentFilterError with inner_error, anything else JobFailedError', () => {
    const inner = { code: 'ResponsibleAIPolicyViolation', revised_prompt: 'calm' };
    const refused = parseVideoTask('videos', {
      id: 'video_1',
      status: 'failed',
      error: { code: 'moderation_blocked', message: 'no', inner_error: inner },
    });
    expect(refused.failure).toMatchObject({
      code: 'moderation_blocked',
      contentFilter: true,
      innerError: inner,
    });
    const error = videoTaskError(refused) as ContentFilterError;
    expect(error).toBeInstanceOf(ContentFilterError);
    expect(error.innerError).toEqual(inner);
    const broken = parseVideoTask('jobs', {
      id: 'task_1',
      status: 'failed',
      failure_reason: 'internal_error',
    });
    expect(broken.failure).toMatchObject({ code: 'internal_error', contentFilter: false });
    expect(videoTaskError(broken)).toBeInstanceOf(JobFailedError);
    expect(
      parseVideoTask('jobs', { id: 't', status: 'failed', failure_reason: 'input_moderation' }).failure,
    ).toMatchObject({ contentFilter: true });
  });

  it('a list page knows its cursor', () => {
    const page = parseVideoTaskList('videos', {
      data: [
        { id: 'v2', status: 'queued' },
        { id: 'v1', status: 'queued' },
      ],
      has_more: true,
      last_id: 'v1',
    });
    expect(page).toMatchObject({ hasMore: true, nextAfter: 'v1' });
    expect(parseVideoTaskList('videos', { data: [], has_more: false }).nextAfter).toBeUndefined();
  });
});

describe('capabilities come from the tables', () => {
  it('answers what a consumer asks, without naming the API', () => {
    expect(videoCapabilities('sora')).toMatchObject({
      remix: false,
      inpaint: true,
      thumbnail: true,
      contents: ['video', 'thumbnail'],
      qualities: ['high', 'low'],
      variants: { min: 1, max: 5 },
    });
    expect(videoCapabilities('sora')!.seconds).toHaveLength(20);
    expect(videoCapabilities('sora-2')).toMatchObject({
      remix: true,
      inpaint: false,
      media: { max: 1 },
      contents: ['video', 'thumbnail', 'spritesheet'],
      seconds: [4, 8, 12],
      variants: { min: 1, max: 1 },
    });
    expect(supportsRemix('sora-2')).toBe(true);
    expect(supportsRemix('sora')).toBe(false);
    expect(videoCapabilities('gpt-image-1')).toBeUndefined();
    expect(videoCapabilities(undefined)).toBeUndefined();
  });

  it('one rule picks the API: configured model, else the name, else the fallback (Sora 2)', () => {
    const client = new AzureOpenAIMedia({
      endpoint: 'https://r.openai.azure.com',
      auth: { apiKey: 'k' },
      deployments: { 'video-eu': 'sora', clips: 'sora-2' },
    });
    expect(client.videos.apiFor('video-eu')).toBe('jobs');
    expect(client.videos.apiFor('clips')).toBe('videos');
    expect(client.videos.apiFor('my-sora-test')).toBe('jobs');
    expect(client.videos.apiFor('my-sora-2-test')).toBe('videos');
    expect(client.videos.apiFor('mystery')).toBe(FALLBACK_VIDEO_API);
    expect(FALLBACK_VIDEO_API).toBe('videos');
    expect(client.videos.capabilities('mystery')).toBeUndefined();
  });
});

describe('unified validation names the unified fields', () => {
  const paths = (api: 'jobs' | 'videos', request: unknown, model = api === 'jobs' ? sora : sora2) =>
    validateVideoCreate(api, request, model).map((i) => `${i.path}: ${i.message}`);

  it('Sora 1 rules, in unified names', () => {
    expect(paths('jobs', { model: 'v', prompt: 'p', size: '1x1', seconds: 25, variants: 9 })).toEqual([
      'size: size 1x1 is not supported by sora; use 480x480, 854x480, 480x854, 720x720, 1280x720, 720x1280, 1080x1080, 1920x1080 or 1080x1920',
      'seconds: seconds 25 is out of range for sora; use 1 to 20',
      'variants: variants 9 is out of range for sora; use 1 to 5',
    ]);
    expect(paths('jobs', { model: 'v', prompt: 'p' })).toEqual(['size: size is required']);
    expect(paths('jobs', { model: 'v', prompt: 'p', size: '1920x1080', variants: 2 })).toEqual([
      'variants: variants 2 is out of range for sora at 1920x1080; use 1',
    ]);
    const media = paths('jobs', {
      model: 'v',
      prompt: 'p',
      size: '480x480',
      seconds: 1,
      media: [{ file: { data: new Uint8Array([1, 2, 3]), contentType: 'text/plain' }, frame_index: 99 }],
    });
    expect(media).toContain(
      'media[0].file.contentType: media[0].file.contentType "text/plain" is not supported by sora; use image/png, image/jpeg, image/webp or video/mp4',
    );
    expect(
      media.some((m) => m.startsWith('media[0].frame_index: media[0].frame_index 99 is out of range')),
    ).toBe(true);
  });

  it('Sora 2 rules, in unified names, and what it does not do', () => {
    expect(paths('videos', { model: 'v', prompt: 'p', size: '1920x1080', seconds: 5 })).toEqual([
      'seconds: seconds 5 is not supported by sora-2; use 4, 8 or 12',
      'size: size "1920x1080" is not supported by sora-2; use 720x1280 or 1280x720',
    ]);
    const file = { data: png };
    expect(
      paths('videos', { model: 'v', prompt: 'p', variants: 2, media: [{ file, frame_index: 4 }, { file }] }),
    ).toEqual([
      'variants: variants 2 is out of range for sora-2; use 1',
      'media[0].frame_index: media[0].frame_index 4 is not supported by sora-2: media only starts the video (frame 0)',
      'media: media has 2 items; sora-2 takes 1',
    ]);
  });

  it('shape problems come first and name the field', () => {
    expect(paths('videos', { model: 'v', prompt: 'p', size: 'big', seconds: '4', colour: 'red' })).toEqual([
      'colour: unknown field "colour"; known fields are model, prompt, size, seconds, variants, media',
      'size: size must be "WIDTHxHEIGHT", e.g. "1280x720" (got "big")',
      'seconds: seconds must be an integer (got "4")',
    ]);
  });
});

describe('the reconcile matcher', () => {
  const expected = {
    api: 'videos' as const,
    models: ['clips', 'sora-2'],
    prompt: 'a kite',
    size: '1280x720',
    seconds: 4,
  };
  const task = (fields: Partial<VideoTask> = {}): VideoTask => ({
    ...parseVideoTask('videos', {
      id: 'video_1',
      status: 'queued',
      model: 'sora-2',
      prompt: 'a kite',
      size: '1280x720',
      seconds: '4',
      created_at: 1000,
    }),
    ...fields,
  });

  it.each([
    ['the same task', {}, 'match'],
    ['reported under the deployment name', { model: 'clips' }, 'match'],
    ['another model', { model: 'sora' }, 'no'],
    ['another prompt', { prompt: 'a kite!' }, 'no'],
    ['another size', { size: '720x1280' }, 'no'],
    ['another length', { seconds: 8 }, 'no'],
    ['made before the window', { createdAt: 998 }, 'no'],
    ['a remix', { remixedFrom: 'video_0' }, 'no'],
    ['the other API', { api: 'jobs' as const }, 'no'],
    ['no prompt reported', { prompt: undefined }, 'uncertain'],
    ['no creation time reported', { createdAt: undefined }, 'uncertain'],
  ] as const)('%s: %s', (_label, fields, verdict) => {
    expect(matchCreatedTask(task(fields as Partial<VideoTask>), expected, 999_000)).toBe(verdict);
  });
});

describe('the operation table', () => {
  it('names every operation with a kind, and paid creates are exactly the billed calls', () => {
    const paid = listOperations()
      .filter((o) => o.kind === 'paid-create')
      .map((o) => o.id);
    expect(paid).toEqual([
      'images.generate',
      'images.edit',
      'images.stream',
      'videos.create',
      'videos.remix',
      'audio.transcribe',
      'audio.translate',
      'audio.speech',
    ]);
    expect(operationPath('videos.retrieve', 'jobs', { id: 'a/b' })).toBe('video/generations/jobs/a%2Fb');
    expect(operationPath('videos.remix', 'jobs')).toBeUndefined();
  });

  it('every request core sends names its operation', async () => {
    const server = await startServer((req, res) => {
      if (req.path.endsWith('/images/generations'))
        return json(res, 200, { created: 1, data: [{ b64_json: Buffer.from(png).toString('base64') }] });
      if (req.path.endsWith('/content')) {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': 4 });
        return void res.end('ftyp');
      }
      if (req.method === 'GET' && req.path.endsWith('/videos'))
        return json(res, 200, { object: 'list', data: [], has_more: false });
      return json(res, 200, { id: 'video_1', object: 'video', status: 'completed', created_at: 1 });
    });
    try {
      const seen: { message: string; operation: unknown }[] = [];
      const logger: Logger = {
        debug: (message, fields) => seen.push({ message, operation: fields?.operation }),
      };
      const c = new AzureOpenAIMedia({
        endpoint: server.url,
        auth: { apiKey: 'k' },
        allowRetiredModels: true,
        logger,
      });
      await c.images.generate({ model: 'gpt-image-1', prompt: 'p' });
      const task = await c.videos.create({ model: 'sora-2', prompt: 'p' });
      await c.videos.retrieve(task);
      await c.videos.list({ deployment: 'sora-2' });
      const download = await c.videos.downloadContent(task);
      await download.stream.cancel();
      await c.videos.remix(task, { prompt: 'q' });
      await c.videos.delete(task);
      expect(seen.map((s) => s.operation)).toEqual([
        'images.generate',
        'videos.create',
        'videos.retrieve',
        'videos.list',
        'videos.downloadContent',
        'videos.remix',
        'videos.delete',
      ]);
    } finally {
      await server.close();
    }
  });

  it('the raw resources and audio name theirs too', async () => {
    const server = await startServer((req, res) => {
      if (req.path.includes('/content')) {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': 4 });
        return void res.end(req.method === 'HEAD' ? undefined : 'ftyp');
      }
      if (req.path.includes('/audio/')) return json(res, 200, { text: 'hello' });
      if (req.method === 'GET' && /\/(jobs|videos)$/.test(req.path))
        return json(res, 200, { object: 'list', data: [], has_more: false });
      if (req.method === 'DELETE' && req.path.includes('/jobs/')) {
        res.writeHead(204);
        return void res.end();
      }
      return json(res, 200, { id: 'x_1', status: 'succeeded', created_at: 1, generations: [] });
    });
    try {
      const seen: unknown[] = [];
      const logger: Logger = { debug: (_m, fields) => seen.push(fields?.operation) };
      const c = new AzureOpenAIMedia({
        endpoint: server.url,
        auth: { apiKey: 'k' },
        allowRetiredModels: true,
        logger,
      });
      await c.videos.jobs.create({ model: 'sora', prompt: 'p', width: 480, height: 480 });
      await c.videos.jobs.get('x_1');
      await c.videos.jobs.list();
      await c.videos.jobs.delete('x_1');
      await c.videos.generations.get('g_1');
      await c.videos.generations.head('g_1');
      await (await c.videos.generations.content('g_1')).stream.cancel();
      await c.videos.sora2.create({ model: 'sora-2', prompt: 'p' });
      await c.videos.sora2.get('x_1');
      await c.videos.sora2.list();
      await c.videos.sora2.remix('x_1', { prompt: 'q' });
      await c.videos.sora2.delete('x_1');
      await c.audio.transcribe({ model: 'whisper', file: { data: new Uint8Array([1]), filename: 'a.wav' } });
      expect(seen).toEqual([
        'videos.create',
        'videos.retrieve',
        'videos.list',
        'videos.delete',
        'videos.generations.retrieve',
        'videos.contentHead',
        'videos.downloadContent',
        'videos.create',
        'videos.retrieve',
        'videos.list',
        'videos.remix',
        'videos.delete',
        'audio.transcribe',
      ]);
    } finally {
      await server.close();
    }
  });

  it.skipIf(!specAvailable)(
    `its Sora 1 and image paths are in Azure's v1 spec with their methods${specAvailable ? '' : ` (${SPEC_SKIP_REASON})`}`,
    () => {
      const spec = openSpec('v1-preview.json');
      for (const op of listOperations()) {
        const template = op.paths?.jobs ?? (op.route === 'v1' ? op.paths?.any : undefined);
        if (template === undefined || template === 'responses') continue;
        const specPath = `/${template.replace('{id}', op.id.startsWith('videos.generations') || op.id === 'videos.downloadContent' || op.id === 'videos.contentHead' ? '{generation-id}' : '{job-id}').replace('{content}', 'video')}`;
        expect(Object.keys(spec.doc.paths), op.id).toContain(specPath);
        expect(Object.keys(spec.doc.paths[specPath]!), op.id).toContain(op.method.toLowerCase());
      }
    },
  );
});
