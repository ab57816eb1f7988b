/**
 * Lifecycle with an injected clock: on both sides of a retirement date, a retired model is refused
 * before anything is sent (with its date and replacement) unless the caller allows it; a model
 * within Azure's notice period, or deprecated, gives a warning that comes back with the result and
 * is logged. The client's clock is the only clock read.
 */
import { describe, expect, it } from 'vitest';
import {
  AzureOpenAIMedia,
  checkRequest,
  getModel,
  lifecycleIssues,
  lifecycleOf,
  retiringMessage,
  RETIREMENT_WARNING_DAYS,
  ValidationError,
  type Logger,
} from '../src/index.js';
import { capturingFetch, jsonResponse } from './capture.js';
import { gptImageResponse, makeWav } from './fixtures.js';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);

function setup(now: number, extra: Partial<ConstructorParameters<typeof AzureOpenAIMedia>[0]> = {}) {
  const { fetch, calls } = capturingFetch((req) =>
    req.url.includes('/audio/') ? jsonResponse(200, { text: 'hi' }) : jsonResponse(200, gptImageResponse()),
  );
  const warnings: string[] = [];
  const logger: Logger = { warn: (message) => void warnings.push(message) };
  const client = new AzureOpenAIMedia({
    endpoint: 'https://r.openai.azure.com',
    auth: { apiKey: 'k' },
    fetch,
    logger,
    now: () => now,
    ...extra,
  });
  return { client, calls, warnings };
}

describe('a retirement date, both sides', () => {
  // gpt-image-1 retires 2026-10-23 (00:00 UTC).
  const retires = at('2026-10-23T00:00:00Z');

  it('the last moment before it: sent, with a warning naming the date', async () => {
    const { client, calls, warnings } = setup(retires - 1);
    const result = await client.images.generate({ model: 'gpt-image-1', prompt: 'a fox' });
    expect(calls).toHaveLength(1);
    expect(result.warnings).toEqual([
      expect.objectContaining({ path: 'model', code: 'model_retiring', severity: 'warning' }),
    ]);
    expect(result.warnings[0]!.message).toContain(
      'gpt-image-1 retires on Azure on 2026-10-23 (1 day from now)',
    );
    expect(warnings).toEqual([expect.stringContaining('gpt-image-1 retires on Azure on 2026-10-23')]);
  });

  it('the moment it is reached: refused before sending, naming the date and the current models', async () => {
    const { client, calls } = setup(retires);
    const error = await client.images
      .generate({ model: 'gpt-image-1', prompt: 'a fox' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const [issue] = (error as ValidationError).issues;
    expect(issue).toMatchObject({ path: 'model', code: 'model_retired' });
    expect(issue!.message).toContain('gpt-image-1 was retired on Azure on 2026-10-23');
    // Azure names no replacement for gpt-image-1: the current image models are offered instead.
    expect(issue!.message).toContain(
      'current image models are gpt-image-2, gpt-image-1.5 or gpt-image-1-mini',
    );
    expect(issue!.message).toContain('allowRetiredModels');
    expect(calls).toHaveLength(0);
  });

  it('a named replacement is in the error', async () => {
    const { client, calls } = setup(at('2026-12-06T00:00:00Z'), { apiVersion: '2024-10-21' });
    const error = (await client.images
      .generate({ model: 'dall-e-3', prompt: 'a fox' })
      .catch((e: unknown) => e)) as ValidationError;
    expect(error.issues[0]!.message).toBe(
      'dall-e-3 was retired on Azure on 2026-03-04; Azure names gpt-image-1-mini as its replacement. Deployments of a retired model answer only errors; if Azure has extended yours, set the client option allowRetiredModels',
    );
    expect(error.issues[0]!.allowed).toEqual(['gpt-image-1-mini']);
    expect(calls).toHaveLength(0);
  });

  it('a model Azure lists as retired is retired whatever the clock says', () => {
    const early = at('2020-01-01T00:00:00Z');
    expect(lifecycleOf(getModel('dall-e-2')!, early).status).toBe('retired');
    expect(lifecycleOf(getModel('gpt-image-1')!, early).status).toBe('preview');
  });

  it('deployments of the same model follow the deployment map', async () => {
    const { client, calls } = setup(retires + DAY, { deployments: { 'house-style': 'gpt-image-1' } });
    await expect(client.images.generate({ model: 'house-style', prompt: 'x' })).rejects.toThrow(
      'gpt-image-1 was retired',
    );
    expect(calls).toHaveLength(0);
  });
});

describe('allowRetiredModels: for deployments Azure has extended', () => {
  const after = at('2026-12-06T00:00:00Z');

  it('true: every retired model is sent, with a warning', async () => {
    const { client, calls } = setup(after, { allowRetiredModels: true });
    const result = await client.images.generate({ model: 'gpt-image-1', prompt: 'a fox' });
    expect(calls).toHaveLength(1);
    expect(result.warnings.map((w) => [w.code, w.severity])).toEqual([['model_retired', 'warning']]);
  });

  it('a list: only the models named', async () => {
    const { client, calls } = setup(after, { allowRetiredModels: ['gpt-image-1'] });
    await client.images.generate({ model: 'gpt-image-1', prompt: 'a fox' });
    await expect(client.audio.transcribe({ model: 'gpt-4o-transcribe', file: makeWav(1) })).rejects.toThrow(
      'gpt-4o-transcribe was retired on Azure on 2026-10-15',
    );
    expect(calls).toHaveLength(1);
  });

  it('a bad value is a configuration error naming the option', () => {
    expect(
      () =>
        new AzureOpenAIMedia({
          endpoint: 'https://r.openai.azure.com',
          auth: { apiKey: 'k' },
          allowRetiredModels: 'yes' as never,
        }),
    ).toThrow('allowRetiredModels must be true, false or a list of model names');
  });

  it("validation: 'off' skips the lifecycle check too", async () => {
    const { client, calls } = setup(after, { validation: 'off' });
    await client.images.generate({ model: 'gpt-image-1', prompt: 'a fox' });
    expect(calls).toHaveLength(1);
  });
});

describe('the notice period', () => {
  it(`warns from ${RETIREMENT_WARNING_DAYS} days before retirement, not earlier`, async () => {
    // whisper retires 2026-12-15.
    const retires = at('2026-12-15T00:00:00Z');
    const quiet = setup(retires - (RETIREMENT_WARNING_DAYS + 1) * DAY);
    expect((await quiet.client.audio.transcribe({ model: 'whisper', file: makeWav(1) })).warnings).toEqual(
      [],
    );
    const noisy = setup(retires - RETIREMENT_WARNING_DAYS * DAY);
    const result = await noisy.client.audio.transcribe({ model: 'whisper', file: makeWav(1) });
    expect(result.warnings.map((w) => w.code)).toEqual(['model_retiring']);
    expect(result.warnings[0]!.message).toContain(
      `whisper retires on Azure on 2026-12-15 (${RETIREMENT_WARNING_DAYS} days from now)`,
    );
    expect(noisy.warnings).toHaveLength(1);
  });

  it('checkRequest reports the same, given a clock', () => {
    const model = getModel('gpt-image-1.5')!;
    const request = { model: 'd', prompt: 'x' };
    expect(checkRequest('images.generate', request, model)).toEqual({ errors: [], warnings: [] });
    const late = checkRequest('images.generate', request, model, { now: at('2027-06-16T00:00:00Z') });
    expect(late.errors.map((e) => e.code)).toEqual(['model_retired']);
    const soon = checkRequest('images.generate', request, model, { now: at('2027-06-01T00:00:00Z') });
    expect(soon.warnings.map((e) => e.code)).toEqual(['model_retiring']);
    const allowed = checkRequest('images.generate', request, model, {
      now: at('2027-06-16T00:00:00Z'),
      allowRetiredModels: ['gpt-image-1.5'],
    });
    expect([allowed.errors, allowed.warnings.map((w) => w.code)]).toEqual([[], ['model_retired']]);
  });

  it('the newest version decides for a bare model name; older versions keep their own dates', () => {
    const mini = getModel('gpt-4o-mini-transcribe')!;
    const now = at('2026-11-01T00:00:00Z');
    expect(lifecycleOf(mini, now)).toMatchObject({
      version: '2025-12-15',
      status: 'ga',
      retires: '2027-06-15',
    });
    expect(lifecycleOf(mini, now, '2025-03-20')).toMatchObject({ status: 'retired', retires: '2026-10-15' });
  });
});

describe('lifecycle messages', () => {
  it('never offers as a way out a model that retires no later than the one it replaces', () => {
    // All three speech models retire on 2026-12-15: none of them is an alternative to another.
    const message = retiringMessage(getModel('gpt-4o-mini-tts')!, Date.parse('2026-12-06T00:00:00Z'));
    expect(message).toContain('retires on Azure on 2026-12-15');
    expect(message).not.toContain('current speech models are');
    expect(message).toContain('lists no current speech model');
  });

  it("ends a retired model's error with the caller's own way to allow it", () => {
    const now = Date.parse('2026-12-20T00:00:00Z');
    const model = getModel('gpt-4o-mini-tts')!;
    const [byDefault] = lifecycleIssues(model, now);
    expect(byDefault).toMatchObject({ code: 'model_retired' });
    expect(byDefault!.message).toMatch(/set the client option allowRetiredModels$/);
    const [custom] = lifecycleIssues(model, now, false, 'add it to the allow-retired-models input');
    expect(custom!.message).toMatch(/add it to the allow-retired-models input$/);
  });
});
