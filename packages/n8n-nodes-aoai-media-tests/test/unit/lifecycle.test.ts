/**
 * Models and their lifecycle, on a clock the test sets (the node reads n8n's clock, `Date`): version
 * 2 refuses a retired model before anything is sent unless Options → Allow Retired Model is on,
 * version 1 calls it as it always did, reads only warn, and every warning reaches n8n once as a hint
 * above the node's output.
 */
import { NodeOperationError } from 'n8n-workflow';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { run, type Respond } from './fake-context';
import { PNG_1X1 } from './media';

const failure = (e: unknown) => e;
const at = (iso: string) => vi.setSystemTime(new Date(iso));

const images: Respond = () => ({
  body: { created: 1, data: [{ b64_json: PNG_1X1.toString('base64') }] },
});
/** 0.1 s of silence as a WAV file: any bytes do, the answer is what the test reads. */
const speech: Respond = () => ({ body: new Uint8Array([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4]) });

const generate = (model: string, extra: Record<string, unknown> = {}) => ({
  resource: 'image',
  operation: 'generate',
  deployment: 'img',
  model,
  prompt: 'a lighthouse',
  ...extra,
});
const speak = (extra: Record<string, unknown> = {}) => ({
  resource: 'audio',
  operation: 'speech',
  deployment: 'voice',
  model: 'gpt-4o-mini-tts',
  text: 'Welcome to the quarterly update.',
  ...extra,
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  at('2026-12-06T12:00:00Z');
});
afterEach(() => {
  vi.useRealTimers();
});

describe('retired models', () => {
  it('version 2 refuses one before anything is sent, naming its date, the replacement and the option', async () => {
    const error = await run({ params: generate('dall-e-3'), typeVersion: 2, respond: images }).catch(failure);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as NodeOperationError).message).toBe('dall-e-3 was retired on Azure on 2026-03-04');
    const description = (error as NodeOperationError).description ?? '';
    expect(description).toContain('Azure names gpt-image-1-mini as its replacement');
    expect(description).toContain(
      'If Azure has extended yours, add Options → Allow Retired Model. Nothing was sent to Azure.',
    );
    expect(description).not.toContain('allowRetiredModels');

    // Without a named replacement, the current models of its kind.
    const sent: unknown[] = [];
    const gptImage1 = await run({
      params: generate('gpt-image-1'),
      typeVersion: 2,
      respond: (r) => (sent.push(r), images(r)),
    }).catch(failure);
    expect((gptImage1 as NodeOperationError).description).toContain(
      'Azure names no replacement; current image models are gpt-image-2, gpt-image-1.5 or gpt-image-1-mini',
    );
    expect(sent).toHaveLength(0);
  });

  it('version 2 with Allow Retired Model sends it, with a warning above the output', async () => {
    const { requests, hints, output } = await run({
      params: generate('gpt-image-1', { options: { allowRetiredModel: true } }),
      typeVersion: 2,
      respond: images,
    });
    expect(requests).toHaveLength(1);
    expect(output).toHaveLength(1);
    expect(hints).toEqual([
      {
        type: 'warning',
        location: 'outputPane',
        message: expect.stringMatching(
          /^Retired model: gpt-image-1 was retired on Azure on 2026-10-23; .* It is called anyway: Options → Allow Retired Model says Azure has extended this deployment\.$/,
        ),
      },
    ]);
  });

  it('version 1 calls it as it always did, and says so', async () => {
    const { requests, hints } = await run({
      params: generate('gpt-image-1'),
      typeVersion: 1,
      respond: images,
    });
    expect(requests).toHaveLength(1);
    expect(hints.map((h) => h.message)).toEqual([
      expect.stringContaining(
        'It is called anyway, as version 1 of this node calls retired models; version 2 refuses them unless Options → Allow Retired Model is on.',
      ),
    ]);
  });

  it('a read costs nothing: it goes out, with a warning', async () => {
    const { requests, hints } = await run({
      params: {
        resource: 'video',
        operation: 'getJob',
        deployment: 'clips',
        model: 'sora-2',
        jobId: 'video_1',
      },
      typeVersion: 2,
      respond: () => ({ body: { object: 'video', id: 'video_1', status: 'queued', size: '720x1280' } }),
    });
    expect(requests.map((r) => r.url.pathname)).toEqual(['/openai/v1/videos/video_1']);
    expect(hints[0]!.message).toContain(
      'It is read anyway; a deployment Azure has not extended answers only errors.',
    );
  });
});

describe('a model near retirement', () => {
  it('is called with a warning before its date, refused from it, and called with the option', async () => {
    const before = await run({ params: speak(), typeVersion: 2, respond: speech });
    expect(before.requests).toHaveLength(1);
    expect(before.hints.map((h) => h.message)).toEqual([
      // Core's words: tts and tts-hd retire the same day, so none is offered instead.
      'Model retiring: gpt-4o-mini-tts retires on Azure on 2026-12-15 (9 days from now); Azure names no replacement and lists no current speech model.',
    ]);

    at('2026-12-15T00:00:00Z');
    const sent: unknown[] = [];
    const error = await run({
      params: speak(),
      typeVersion: 2,
      respond: (r) => (sent.push(r), speech(r)),
    }).catch(failure);
    expect((error as NodeOperationError).message).toBe('gpt-4o-mini-tts was retired on Azure on 2026-12-15');
    expect(sent).toHaveLength(0);

    const allowed = await run({
      params: speak({ options: { allowRetiredModel: true } }),
      typeVersion: 2,
      respond: speech,
    });
    expect(allowed.requests).toHaveLength(1);
    expect(allowed.hints[0]!.message).toMatch(/^Retired model: gpt-4o-mini-tts was retired/);
  });

  it('the warning is given once however many items repeat it', async () => {
    const { requests, hints } = await run({
      params: speak(),
      typeVersion: 2,
      items: [{ json: {} }, { json: {} }, { json: {} }],
      respond: speech,
    });
    expect(requests).toHaveLength(3);
    expect(hints).toHaveLength(1);
  });
});

describe('what Azure accepts but the sources disagree on, or ignores', () => {
  it('is sent as set, with a warning naming the field', async () => {
    const webp = await run({
      params: generate('gpt-image-2', { outputFormat: 'webp' }),
      typeVersion: 2,
      respond: images,
    });
    expect(webp.requests[0]!.json).toMatchObject({ output_format: 'webp' });
    expect(webp.hints.map((h) => h.message)).toEqual([
      expect.stringMatching(/^Output Format \(output_format\): .*WEBP output isn't supported on Azure/),
    ]);

    // Compression with PNG: Azure's own sample sends it and Azure ignores it.
    const png = await run({
      params: generate('gpt-image-2', { outputFormat: 'png', options: { outputCompression: 60 } }),
      typeVersion: 2,
      respond: images,
    });
    expect(png.requests[0]!.json).toMatchObject({ output_format: 'png', output_compression: 60 });
    expect(png.hints.map((h) => h.message)).toEqual([
      expect.stringMatching(/^Output Compression \(output_compression\): /),
    ]);
  });
});
