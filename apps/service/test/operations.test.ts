import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSchemas } from '@aoai-media/core';
import { KEYS, call, json, sha, startStack, until, type Stack } from './support/stack.js';
import { ConfigProblem, loadConfig } from '../src/config/config.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    env: { VIDEO_MAX_RUNNING_PER_DEPLOYMENT: 'sora=2', LOG_LEVEL: 'info' },
    emulator: { timeScale: 4 },
  });
});
afterAll(async () => {
  await stack?.close();
});

describe('health and docs', () => {
  it('reports readiness of Redis, storage, Azure and the video queue; liveness without a key', async () => {
    for (const path of ['/health', '/health/ready']) {
      const res = await fetch(`${stack.url}${path}`);
      expect(res.status).toBe(200);
      const body: any = await res.json();
      expect(body.status).toBe('ok');
      expect(Object.keys(body.info).sort()).toEqual(['redis', 'storage', 'upstream', 'videoQueue']);
    }
    expect((await fetch(`${stack.url}/health/live`)).status).toBe(200);
  });

  it("serves OpenAPI 3.1 whose request schemas are core's, model by model", async () => {
    for (const path of ['/docs', '/docs/']) {
      const ui = await fetch(`${stack.url}${path}`);
      expect(ui.status, path).toBe(200);
      expect(await ui.text(), path).toMatch(/swagger-ui/);
    }
    const doc: any = await (await fetch(`${stack.url}/docs/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/openai/v1/images/generations']).toBeTruthy();
    expect(doc.paths['/openai/v1/video/generations/jobs']).toBeTruthy();
    let compared = 0;
    for (const [model, byOperation] of Object.entries(requestSchemas())) {
      for (const [operation, core] of Object.entries(byOperation)) {
        const { $schema: _dialect, ...expected } = core as Record<string, any>;
        const served = doc.components.schemas[`${operation}.${model}`];
        if (operation.startsWith('videos.')) {
          // The service's own extensions, added to the video creates.
          expect(Object.keys(served.properties)).toEqual([
            ...Object.keys(expected.properties),
            'callback_url',
            'metadata',
          ]);
          expect({ ...served, properties: expected.properties }).toEqual(expected);
        } else expect(served, `${operation}.${model}`).toEqual(expected);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(20);
    const groups = doc.components.schemas;
    expect(groups.ImageGenerateRequest.oneOf).toContainEqual({
      $ref: '#/components/schemas/images.generate.gpt-image-2',
    });
    expect(groups.VideoCreateRequest.oneOf).toContainEqual({
      $ref: '#/components/schemas/videos.create.sora-2',
    });
    expect(groups.VideoJobRequest.oneOf).toContainEqual({ $ref: '#/components/schemas/videos.create.sora' });
    expect(groups.TranscriptionRequest.oneOf).toContainEqual({
      $ref: '#/components/schemas/audio.transcribe.gpt-4o-transcribe-diarize',
    });
  });
});

describe('admin', () => {
  it('Bull Board and stats need the admin key; tenant keys are not enough', async () => {
    expect((await call(stack, '/admin/queues', { key: KEYS.acme })).status).toBe(401);
    expect((await fetch(`${stack.url}/admin/queues`)).status).toBe(401);
    const board = await call(stack, '/admin/queues', { key: KEYS.admin });
    expect(board.status).toBe(200);
    expect(await board.text()).toMatch(/<html/i);
    const basic = await fetch(`${stack.url}/admin/queues`, {
      headers: { authorization: `Basic ${Buffer.from(`ops:${KEYS.admin}`).toString('base64')}` },
    });
    expect(basic.status).toBe(200);
    expect((await call(stack, '/admin/stats', { key: KEYS.acme })).status).toBe(401);
    expect((await call(stack, '/admin/stats', { key: KEYS.admin })).status).toBe(200);
  });
});

describe('per-deployment cap', () => {
  it('never runs more than the configured upstream jobs at once; the rest wait and then succeed', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r: any = await (
        await json(stack, '/openai/v1/video/generations/jobs', {
          model: 'sora',
          prompt: `capped ${i}`,
          width: 480,
          height: 480,
          n_seconds: 1,
        })
      ).json();
      ids.push(r.id);
    }
    for (const id of ids) {
      await until(
        `job ${id}`,
        async () => {
          const j: any = await (await call(stack, `/openai/v1/video/generations/jobs/${id}`)).json();
          return j.status === 'succeeded' ? j : undefined;
        },
        { tries: 600 },
      );
    }
    const peak = stack.emu.admin.counters().peakRunningVideoJobs.sora ?? 0;
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBeGreaterThanOrEqual(1);
    expect(stack.emu.admin.counters().videoJobsCreated.sora).toBe(6);
  });
});

describe('logs', () => {
  it('are JSON with request ids, and never hold keys or base64 media', async () => {
    await json(
      stack,
      '/openai/v1/images/generations',
      { model: 'gpt-image-1', prompt: 'log me', quality: 'low' },
      { headers: { 'x-request-id': 'log-check-1' } },
    );
    await call(stack, '/openai/v1/images/generations', {
      method: 'POST',
      key: 'a-wrong-key-that-must-not-be-logged',
    });
    const lines = stack.logs
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.requestId === 'log-check-1' && l.status === 200)).toBe(true);
    const all = stack.logs.join('');
    for (const secret of [KEYS.acme, KEYS.admin, 'a-wrong-key-that-must-not-be-logged', stack.emu.apiKey])
      expect(all).not.toContain(secret);
    expect(all).not.toMatch(/[A-Za-z0-9+/]{200,}/);
  });
});

describe('configuration', () => {
  it('lists every problem at once, naming the variable and never echoing secrets', () => {
    let problem: ConfigProblem | undefined;
    try {
      loadConfig({
        AZURE_OPENAI_ENDPOINT: 'ftp://x',
        SERVICE_KEYS: 'acme:supersecretkey',
        PORT: 'eighty',
        VIDEO_MAX_RUNNING: '0',
      });
    } catch (e) {
      problem = e as ConfigProblem;
    }
    expect(problem).toBeInstanceOf(ConfigProblem);
    const text = problem!.message;
    for (const name of [
      'AZURE_OPENAI_ENDPOINT',
      'AZURE_OPENAI_API_KEY',
      'REDIS_URL',
      'SERVICE_KEYS',
      'PORT',
      'VIDEO_MAX_RUNNING',
    ])
      expect(text).toContain(name);
    expect(text).not.toContain('supersecretkey');
  });

  it('accepts a complete configuration', () => {
    const c = loadConfig({
      AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
      AZURE_OPENAI_API_KEY: 'k',
      REDIS_URL: 'redis://127.0.0.1:6379',
      SERVICE_KEYS: `a:${sha('x')}`,
    });
    expect(c.keys[0]!.tenant).toBe('a');
    expect(c.port).toBe(3000);
  });
});
