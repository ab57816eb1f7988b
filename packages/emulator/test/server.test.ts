import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseSse, useHarness } from './support.js';

const GEN = '/openai/v1/images/generations?api-version=preview';
const small = { model: 'dall-e-2', prompt: 'a boat', size: '256x256', response_format: 'b64_json' };

/** Raw HTTP so a cut-short body can be observed byte for byte. */
function rawPost(
  url: string,
  path: string,
  body: unknown,
  key: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; received: number; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request(
      `${url}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': payload.length, 'api-key': key },
      },
      (res) => {
        let received = 0;
        let aborted = false;
        res.on('data', (c: Buffer) => (received += c.length));
        res.on('aborted', () => (aborted = true));
        res.on('error', () => (aborted = true));
        res.on('close', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            received,
            aborted: aborted || !res.complete,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('auth, routing and api-versions', () => {
  const h = useHarness();

  it('accepts the api-key header and a Bearer token', async () => {
    expect((await h.post(GEN, small)).status).toBe(200);
    const bearer = await h.call(GEN, {
      method: 'POST',
      json: small,
      key: null,
      headers: { authorization: `Bearer ${h.emu.apiKey}` },
    });
    expect(bearer.status).toBe(200);
  });

  it.each([
    ['a wrong key', { key: 'not-the-key-xyz' }],
    ['no key', { key: null }],
    ['a wrong Bearer token', { key: null, headers: { authorization: 'Bearer not-the-key-xyz' } }],
  ])('answers 401 in Azure shape for %s', async (_name, init) => {
    const r = await h.call(GEN, { method: 'POST', json: small, ...init });
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('401');
    expect(r.json.error.message).toContain('Access denied');
    expect(r.text).not.toContain('not-the-key-xyz');
    const entry = h.emu.admin.requests().at(-1)!;
    expect([entry.status, entry.operation]).toEqual([401, 'images.generate']);
  });

  it.each([
    ['/openai/v1/images/variations', 'an unknown v1 path'],
    ['/openai/v1/images/generations?api-version=2099-01-01', 'an unsupported v1 api-version'],
    ['/openai/deployments/dall-e-2/images/generations', 'a missing dated api-version'],
    [
      '/openai/deployments/dall-e-2/images/generations?api-version=1999-01-01',
      'an unsupported dated api-version',
    ],
    [
      '/openai/deployments/dall-e-2/chat/completions?api-version=2024-10-21',
      'an unknown deployment operation',
    ],
    ['/elsewhere', 'a path outside /openai'],
    [
      '/openai/deployments/%E0%A4%A/images/generations?api-version=2024-10-21',
      'a malformed escape in the path',
    ],
  ])('%s -> 404 Resource not found (%s)', async (path) => {
    const r = await h.post(path, small);
    expect(r.status).toBe(404);
    expect(r.json.error).toEqual({ code: '404', message: 'Resource not found' });
  });

  it('GET /models lists the deployments in the v1 list shape, with a key only, creating nothing', async () => {
    h.emu.admin.setDeployments({ 'my-images': 'gpt-image-2' });
    const made = () => {
      const c = h.emu.admin.counters();
      return [c.imagesGenerated, c.videoJobsCreated, c.videosCreated, c.transcriptions, c.speechGenerated];
    };
    const before = made();
    for (const path of ['/openai/v1/models', '/openai/v1/models?api-version=preview']) {
      const r = await h.get(path);
      expect(r.status, path).toBe(200);
      expect(r.json.object).toBe('list');
      const ids = r.json.data.map((m: { id: string }) => m.id);
      expect(ids).toEqual([...ids].sort());
      expect(ids).toEqual(expect.arrayContaining(['my-images', 'gpt-image-2', 'sora-2']));
      expect(ids).toHaveLength(Object.keys(h.emu.admin.deployments()).length);
      for (const model of r.json.data) {
        expect(model).toEqual({
          id: model.id,
          object: 'model',
          created: expect.any(Number),
          owned_by: 'system',
        });
        expect(Number.isInteger(model.created)).toBe(true);
      }
    }
    expect(made()).toEqual(before);
    expect(h.emu.admin.counters().byOperation['models.list']).toBe(2);
    expect(h.emu.admin.requests().at(-1)).toMatchObject({ operation: 'models.list', status: 200 });
    const refused = await h.call('/openai/v1/models', { key: 'not-the-key-xyz' });
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe('401');
    // A dated api-version has no /models on the v1 surface, as anywhere else.
    expect((await h.get('/openai/v1/models?api-version=2025-04-01-preview')).status).toBe(404);
  });

  it('v1 works without api-version and with v1', async () => {
    expect((await h.post('/openai/v1/images/generations', small)).status).toBe(200);
    expect((await h.post('/openai/v1/images/generations?api-version=v1', small)).status).toBe(200);
  });

  it('every answer carries apim-request-id and echoes x-ms-client-request-id', async () => {
    const r = await h.post(GEN, small, { 'x-ms-client-request-id': 'abc-123' });
    expect(r.headers.get('apim-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('x-ms-client-request-id')).toBe('abc-123');
  });
});

describe('faults', () => {
  const h = useHarness();

  it('status: the next N matching requests answer the given status, headers and body', async () => {
    h.emu.admin.fault({
      match: { operation: 'images.generate', deployment: 'dall-e-2' },
      count: 2,
      kind: 'status',
      status: 503,
      headers: { 'retry-after': '7' },
      body: { error: { code: 'Busy', message: 'try later' } },
    });
    const other = await h.post(GEN, {
      ...small,
      model: 'gpt-image-1',
      size: '1024x1024',
      response_format: undefined,
    });
    expect(other.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const r = await h.post(GEN, small);
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('7');
      expect(r.json).toEqual({ error: { code: 'Busy', message: 'try later' } });
    }
    expect((await h.post(GEN, small)).status).toBe(200);
    expect(h.emu.admin.faults()).toEqual([]);
    expect(h.emu.admin.counters().faultsInjected).toBe(2);
    expect(h.emu.admin.requests({ operation: 'images.generate' }).map((e) => e.fault ?? null)).toEqual([
      null,
      'status',
      'status',
      null,
    ]);
  });

  it('status 429 without headers gets retry-after defaults and Azure body; video routes use the unwrapped shape', async () => {
    h.emu.admin.fault({ kind: 'status', status: 429, match: { path: '/images/' } });
    const r = await h.post(GEN, small);
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(r.headers.get('retry-after-ms')).toBe('1000');
    expect(r.json.error.code).toBe('429');
    h.emu.admin.fault({
      kind: 'status',
      status: 500,
      match: { method: 'GET', path: '/video/generations/jobs' },
    });
    const v = await h.get('/openai/v1/video/generations/jobs?limit=1');
    expect(v.status).toBe(500);
    expect(v.json.code).toBe('InternalServerError');
    expect(v.json.error).toBeUndefined();
  });

  it('reset: the connection is dropped without an answer', async () => {
    h.emu.admin.fault({ kind: 'reset' });
    await expect(
      fetch(`${h.emu.url}${GEN}`, {
        method: 'POST',
        headers: { 'api-key': h.emu.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify(small),
      }),
    ).rejects.toThrow();
    expect((await h.post(GEN, small)).status).toBe(200);
    expect(h.emu.admin.requests()[0]!.fault).toBe('reset');
  });

  it('truncate: the body stops short of its content-length and the connection closes', async () => {
    h.emu.admin.fault({ kind: 'truncate', truncateAt: 10 });
    const r = await rawPost(h.emu.url, GEN, small, h.emu.apiKey);
    expect(r.status).toBe(200);
    expect(Number(r.headers['content-length'])).toBeGreaterThan(10);
    expect(r.received).toBe(10);
    expect(r.aborted).toBe(true);
    h.emu.admin.fault({ kind: 'truncate' });
    const half = await rawPost(h.emu.url, GEN, small, h.emu.apiKey);
    expect(half.received).toBe(Math.floor(Number(half.headers['content-length']) / 2));
  });

  it('truncate on a stream: the event stream breaks off mid-way', async () => {
    h.emu.admin.fault({ kind: 'truncate', match: { operation: 'responses.create' } });
    const res = await fetch(`${h.emu.url}/openai/v1/responses`, {
      method: 'POST',
      headers: {
        'api-key': h.emu.apiKey,
        'content-type': 'application/json',
        'x-ms-oai-image-generation-deployment': 'gpt-image-1',
      },
      body: JSON.stringify({ model: 'm', input: 'x', stream: true, tools: [{ type: 'image_generation' }] }),
    });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('delay: the answer waits while other requests go through', async () => {
    h.emu.admin.fault({ kind: 'delay', delayMs: 1500, match: { deployment: 'dall-e-2' } });
    let settled = false;
    const delayed = h.post(GEN, small).then((r) => {
      settled = true;
      return r;
    });
    const quick = await h.post(GEN, { model: 'gpt-image-1-mini', prompt: 'x' });
    expect(quick.status).toBe(200);
    expect(settled).toBe(false);
    expect((await delayed).status).toBe(200);
    expect(h.emu.admin.requests({ deployment: 'dall-e-2' })[0]!.fault).toBe('delay');
  });

  it('in-flight: a request held by a delay is listed until it is answered', async () => {
    h.emu.admin.fault({ kind: 'delay', delayMs: 800, match: { deployment: 'dall-e-2' } });
    const delayed = h.post(GEN, small);
    let held: unknown[] = [];
    for (let i = 0; i < 100 && held.length === 0; i++) {
      held = h.emu.admin.inFlight({ deployment: 'dall-e-2' });
      if (held.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(held).toEqual([
      {
        method: 'POST',
        path: '/openai/v1/images/generations',
        operation: 'images.generate',
        deployment: 'dall-e-2',
      },
    ]);
    const overHttp = await fetch(`${h.emu.url}/_emulator/in-flight?operation=images.generate`);
    expect(((await overHttp.json()) as { data: unknown[] }).data).toHaveLength(1);
    expect((await delayed).status).toBe(200);
    expect(h.emu.admin.inFlight()).toEqual([]);
  });

  it('delay: many delayed answers leave no listeners behind (no MaxListeners warning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      h.emu.admin.fault({ kind: 'delay', delayMs: 1, count: 25, match: { deployment: 'dall-e-2' } });
      for (let i = 0; i < 25; i++) expect((await h.post(GEN, small)).status).toBe(200);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
    expect(h.emu.admin.requests({ deployment: 'dall-e-2' }).filter((r) => r.fault === 'delay')).toHaveLength(
      25,
    );
  });

  it('slow: the body trickles out, so a client can abort mid-download', async () => {
    h.emu.admin.fault({ kind: 'slow', bytesPerSecond: 200, match: { deployment: 'dall-e-2' } });
    const controller = new AbortController();
    const res = await fetch(`${h.emu.url}${GEN}`, {
      method: 'POST',
      headers: { 'api-key': h.emu.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(small),
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const total = Number(res.headers.get('content-length'));
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.value!.length).toBeLessThan(total);
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    // A slow answer that is read to the end is complete and valid.
    h.emu.admin.fault({ kind: 'slow', bytesPerSecond: 100_000 });
    const full = await h.post(GEN, small);
    expect(full.json.data[0].b64_json.length).toBeGreaterThan(1000);
    // The aborted answer is logged once the server notices the closed connection.
    for (let i = 0; i < 100 && h.emu.admin.requests().length < 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(h.emu.admin.requests().map((e) => e.fault)).toEqual(['slow', 'slow']);
  });

  it('rejects malformed faults with a clear message', () => {
    expect(() => h.emu.admin.fault({ kind: 'explode' as never })).toThrow(
      /kind.*status, reset, delay, truncate, slow/,
    );
    expect(() => h.emu.admin.fault({ kind: 'slow' })).toThrow(/bytesPerSecond/);
    expect(() => h.emu.admin.fault({ kind: 'status', status: 42 })).toThrow(/status/);
    expect(() => h.emu.admin.fault({ kind: 'status', count: 0 })).toThrow(/count/);
    expect(() => h.emu.admin.fault({ kind: 'reset', match: { host: 'x' } as never })).toThrow(
      /fault\.match\.host is not a match field/,
    );
  });
});

describe('rate limits, request log, counters, reset', () => {
  const h = useHarness({ apiKey: 'sekret-key-123' });

  it('requests per minute per deployment: 429 with retry-after, retry-after-ms, x-ratelimit-remaining-requests', async () => {
    h.emu.admin.setLimits({ deployments: { 'dall-e-2': { requestsPerMinute: 2 } } });
    const first = await h.post(GEN, small);
    expect(first.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    h.emu.admin.advance(10_000);
    expect((await h.post(GEN, small)).headers.get('x-ratelimit-remaining-requests')).toBe('0');
    const limited = await h.post(GEN, small);
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('429');
    expect(limited.headers.get('retry-after')).toBe('50');
    expect(limited.headers.get('retry-after-ms')).toBe('50000');
    expect(limited.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    // Another deployment is not limited.
    expect((await h.post(GEN, { model: 'gpt-image-1-mini', prompt: 'x' })).status).toBe(200);
    h.emu.admin.advance(50_000);
    expect((await h.post(GEN, small)).status).toBe(200);
    expect(h.emu.admin.counters().rateLimited['dall-e-2']).toBe(1);
  });

  it('setLimits validates its input', () => {
    expect(() => h.emu.admin.setLimits({ requestsPerMinute: -1 })).toThrow(/requestsPerMinute/);
  });

  it('the log records what reached the endpoint but never the key', async () => {
    await h.post(GEN, small);
    await h.call(GEN, {
      method: 'POST',
      json: small,
      key: null,
      headers: { authorization: 'Bearer sekret-key-123' },
    });
    await h.call('/openai/v1/images/generations?api-version=preview&api-key=sekret-key-123', {
      method: 'POST',
      json: small,
    });
    const log = h.emu.admin.requests();
    expect(log).toHaveLength(3);
    expect(log[0]).toMatchObject({
      method: 'POST',
      operation: 'images.generate',
      deployment: 'dall-e-2',
      status: 200,
      auth: 'api-key',
      contentType: 'application/json',
    });
    expect(log[0]!.fields).toMatchObject({ prompt: 'a boat' });
    expect(log[1]!.auth).toBe('bearer');
    expect(JSON.stringify(log)).not.toContain('sekret-key-123');
    const overHttp = await fetch(`${h.emu.url}/_emulator/requests`);
    expect(await overHttp.text()).not.toContain('sekret-key-123');
  });

  it('reset forgets jobs, log, counters, limits and faults', async () => {
    h.emu.admin.setLimits({ requestsPerMinute: 1 });
    h.emu.admin.fault({ kind: 'status', status: 500, match: { path: 'nothing-matches' } });
    const job = await h.post('/openai/v1/video/generations/jobs', {
      model: 'sora',
      prompt: 'x',
      width: 480,
      height: 480,
    });
    expect(job.status).toBe(200);
    h.emu.admin.reset();
    expect(h.emu.admin.requests()).toEqual([]);
    expect(h.emu.admin.counters().requests).toBe(0);
    expect(h.emu.admin.faults()).toEqual([]);
    expect(h.emu.admin.limits()).toEqual({});
    expect((await h.get(`/openai/v1/video/generations/jobs/${job.json.id}`)).status).toBe(404);
  });
});

describe('admin API over HTTP', () => {
  const h = useHarness();

  async function admin(method: string, path: string, body?: unknown) {
    const res = await fetch(`${h.emu.url}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }

  it('drives the clock, faults, blocked terms, limits, timings, deployments, log, counters and reset', async () => {
    expect((await admin('GET', 'health')).json).toEqual({ ok: true });
    const before = (await admin('GET', 'clock')).json.now as number;
    expect((await admin('POST', 'clock/advance', { ms: 1234 })).json.now).toBe(before + 1234);
    expect((await admin('POST', 'clock/advance', { ms: -1 })).status).toBe(400);

    const fault = await admin('POST', 'faults', {
      kind: 'status',
      status: 502,
      count: 1,
      match: { operation: 'images.generate' },
    });
    expect(fault.status).toBe(201);
    expect((await admin('GET', 'faults')).json.data).toHaveLength(1);
    expect((await h.post(GEN, small)).status).toBe(502);
    expect((await admin('POST', 'faults', { kind: 'nope' })).json.error.message).toContain('fault.kind');
    await admin('POST', 'faults', { kind: 'reset' });
    expect((await admin('DELETE', 'faults')).status).toBe(204);
    expect((await admin('GET', 'faults')).json.data).toEqual([]);

    expect(
      (await admin('PUT', 'blocked-terms', { terms: ['bomb'], videoModeration: 'reject' })).json
        .videoModeration,
    ).toBe('reject');
    expect((await h.post(GEN, { ...small, prompt: 'a bomb' })).json.error.code).toBe(
      'content_policy_violation',
    );
    expect((await admin('PUT', 'blocked-terms', { terms: [{ term: 'x', category: 'bogus' }] })).status).toBe(
      400,
    );

    await admin('PUT', 'limits', { deployments: { 'dall-e-2': { requestsPerMinute: 1000 } } });
    expect((await admin('GET', 'limits')).json.deployments['dall-e-2'].requestsPerMinute).toBe(1000);

    expect((await admin('PUT', 'video-timings', { running: 10 })).json.running).toBe(10);
    expect((await admin('PUT', 'video-timings', { cooking: 10 })).status).toBe(400);

    expect((await admin('PUT', 'deployments', { 'my-dalle': 'dall-e-2' })).json['my-dalle']).toBe('dall-e-2');
    expect((await h.post(GEN, { ...small, model: 'my-dalle' })).status).toBe(200);
    expect((await admin('PUT', 'deployments', { bad: 'gpt-99' })).status).toBe(400);

    const log = (await admin('GET', 'requests?deployment=my-dalle')).json.data;
    expect(log).toHaveLength(1);
    expect((await admin('GET', 'counters')).json.imagesGenerated['my-dalle']).toBe(1);
    expect((await admin('DELETE', 'requests')).status).toBe(204);
    expect((await admin('GET', 'requests')).json.data).toEqual([]);

    expect((await admin('POST', 'reset')).status).toBe(204);
    expect((await admin('GET', 'blocked-terms')).json.terms).toEqual([]);
    expect((await admin('GET', 'nowhere')).status).toBe(404);
  });

  it('streams are parseable by the shared SSE helper (sanity of the helper)', () => {
    expect(parseSse('event: a\ndata: {"x":1}\n\n')).toEqual([{ event: 'a', data: { x: 1 } }]);
  });
});
