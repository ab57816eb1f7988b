/**
 * Thousands of generated malformed requests: every answer is a 4xx in Azure's error shape, none a
 * 5xx, nothing reaches Azure, and the process keeps serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KEYS, azureError, startStack, type Stack } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

interface Route {
  path: string;
  valid: Record<string, unknown>;
}

const ROUTES: Route[] = [
  {
    path: '/openai/v1/images/generations',
    valid: { model: 'gpt-image-1', prompt: 'a cat', size: '1024x1024', n: 1, quality: 'low' },
  },
  {
    path: '/openai/deployments/dall-e-3/images/generations?api-version=2024-10-21',
    valid: { prompt: 'a cat', size: '1024x1024', style: 'vivid' },
  },
  {
    path: '/openai/v1/video/generations/jobs',
    valid: { model: 'sora', prompt: 'a cat', width: 480, height: 480, n_seconds: 2, n_variants: 1 },
  },
  { path: '/openai/v1/videos', valid: { model: 'sora-2', prompt: 'a cat', seconds: '4', size: '720x1280' } },
  { path: '/openai/v1/videos/video_nope/remix', valid: { prompt: 'a cat' } },
];

// Values that no field of these requests accepts in the place they are put. (Not null: where Azure's
// spec marks a field nullable, null means "not set" and the request is valid.)
const badValue = fc.oneof(
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
  fc.integer({ min: -1_000_000, max: 0 }),
  fc.integer({ min: 100_000, max: 2_000_000_000 }),
  fc.double({ min: 0.01, max: 0.99, noNaN: true }),
  fc.string({ maxLength: 20 }).map((s) => `zz ${s}!`),
);

const corrupted = fc.oneof(
  // One known field gets a value of the wrong kind.
  fc.record({
    kind: fc.constant('field' as const),
    route: fc.nat(ROUTES.length - 1),
    pick: fc.nat(),
    value: badValue,
  }),
  // A field Azure does not know.
  fc.record({
    kind: fc.constant('unknown' as const),
    route: fc.nat(ROUTES.length - 1),
    name: fc.string({ minLength: 1, maxLength: 12 }).map((s) => `x_${s}`),
    value: fc.jsonValue(),
  }),
  // A required field missing.
  fc.record({ kind: fc.constant('missing' as const), route: fc.nat(ROUTES.length - 1), pick: fc.nat() }),
  // Bodies that are not JSON objects.
  fc.record({
    kind: fc.constant('raw' as const),
    route: fc.nat(ROUTES.length - 1),
    body: fc.oneof(
      fc.string({ maxLength: 40 }).map((s) => `{${s}`),
      fc
        .jsonValue()
        .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
        .map((v) => JSON.stringify(v)),
    ),
  }),
  // Wrong or broken content types.
  fc.record({
    kind: fc.constant('type' as const),
    route: fc.nat(ROUTES.length - 1),
    type: fc.constantFrom(
      'text/plain',
      'multipart/form-data',
      'multipart/form-data; boundary=zz',
      'application/x-www-form-urlencoded',
      '',
    ),
    body: fc.string({ maxLength: 60 }),
  }),
  // Paths and methods that do not exist, or ids that are not ours.
  fc.record({
    kind: fc.constant('path' as const),
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'),
    path: fc.oneof(
      fc.webPath(),
      fc
        .string({ maxLength: 20 })
        .map((s) => `/openai/v1/video/generations/${encodeURIComponent(s)}/content/video`),
      fc.constantFrom(
        '/openai/v1/videos/%zz',
        '/openai/v1/video/generations/jobs/task_nope',
        '/openai/deployments//images/generations',
      ),
    ),
  }),
  // No key, or a wrong one.
  fc.record({
    kind: fc.constant('key' as const),
    route: fc.nat(ROUTES.length - 1),
    key: fc.oneof(
      fc.constant(''),
      fc.string({ minLength: 1, maxLength: 30 }).filter((k) => /^[\x21-\x7e]+$/.test(k)),
    ),
  }),
);

const REQUIRED: Record<string, string[]> = {
  '/openai/v1/images/generations': ['prompt', 'model'],
  '/openai/deployments/dall-e-3/images/generations?api-version=2024-10-21': ['prompt'],
  '/openai/v1/video/generations/jobs': ['prompt', 'model', 'width', 'height'],
  '/openai/v1/videos': ['prompt', 'model'],
  '/openai/v1/videos/video_nope/remix': ['prompt'],
};

type Corruption = typeof corrupted extends fc.Arbitrary<infer T> ? T : never;

function build(c: Corruption): {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
} {
  const headers: Record<string, string> = { 'api-key': KEYS.acme, 'content-type': 'application/json' };
  if (c.kind === 'path')
    return {
      method: c.method,
      path: c.path.startsWith('/') ? c.path : `/${c.path}`,
      headers,
      ...(c.method === 'GET' ? {} : { body: '{}' }),
    };
  const route = ROUTES[c.route]!;
  const body: Record<string, unknown> = { ...route.valid };
  switch (c.kind) {
    case 'field': {
      // Any text is a valid prompt; everything else rejects a string with a space and a "!".
      const keys = Object.keys(body).filter((k) => typeof c.value !== 'string' || k !== 'prompt');
      body[keys[c.pick % keys.length]!] = c.value;
      return { method: 'POST', path: route.path, headers, body: JSON.stringify(body) };
    }
    case 'unknown':
      body[c.name] = c.value;
      return { method: 'POST', path: route.path, headers, body: JSON.stringify(body) };
    case 'missing': {
      const req = REQUIRED[route.path]!;
      delete body[req[c.pick % req.length]!];
      return { method: 'POST', path: route.path, headers, body: JSON.stringify(body) };
    }
    case 'raw':
      return { method: 'POST', path: route.path, headers, body: c.body };
    case 'type':
      return {
        method: 'POST',
        path: route.path,
        headers: { ...headers, 'content-type': c.type },
        body: c.body,
      };
    case 'key': {
      const h: Record<string, string> = { 'content-type': 'application/json' };
      if (c.key) h['api-key'] = c.key;
      return { method: 'POST', path: route.path, headers: h, body: JSON.stringify(body) };
    }
  }
  throw new Error('unreachable');
}

describe('malformed requests', () => {
  it('always get a 4xx in Azure shape, never reach Azure, and the service stays up', async () => {
    const before = stack.emu.admin.counters().requests;
    let count = 0;
    await fc.assert(
      fc.asyncProperty(corrupted, async (c) => {
        const r = build(c);
        const res = await fetch(`${stack.url}${r.path}`, {
          method: r.method,
          headers: r.headers,
          ...(r.body !== undefined ? { body: r.body } : {}),
        });
        const text = await res.text();
        count++;
        expect(
          res.status,
          `${r.method} ${r.path} ${r.body?.slice(0, 200)} -> ${text.slice(0, 300)}`,
        ).toBeGreaterThanOrEqual(400);
        expect(
          res.status,
          `${r.method} ${r.path} ${r.body?.slice(0, 200)} -> ${text.slice(0, 300)}`,
        ).toBeLessThan(500);
        expect(azureError(JSON.parse(text)), text).toBeTruthy();
      }),
      { numRuns: 2500, seed: 20260101 },
    );
    expect(count).toBe(2500);
    expect(stack.emu.admin.counters().requests - before).toBe(0);
    expect((await fetch(`${stack.url}/health/live`)).status).toBe(200);
  });
});
