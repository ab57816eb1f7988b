import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, azureError, call, json, startStack, type Stack } from './support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

const PNG_SIG = [0x89, 0x50, 0x4e, 0x47];

describe('images', () => {
  it('generates on /openai/v1 with model naming the deployment', async () => {
    const res = await json(stack, '/openai/v1/images/generations', {
      model: 'gpt-image-1',
      prompt: 'a red fox',
      size: '1024x1024',
      n: 2,
    });
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body.data).toHaveLength(2);
    const bytes = Buffer.from(body.data[0].b64_json, 'base64');
    expect([...bytes.subarray(0, 4)]).toEqual(PNG_SIG);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('generates on the deployment path with api-version', async () => {
    const res = await json(stack, '/openai/deployments/dall-e-3/images/generations?api-version=2024-10-21', {
      prompt: 'a lighthouse',
      size: '1792x1024',
      response_format: 'b64_json',
    });
    expect(res.status).toBe(200);
    const body: any = await res.json();
    expect(body.data).toHaveLength(1);
  });

  it('refuses a size the model does not offer, naming the field, before calling Azure', async () => {
    const before = stack.emu.admin.counters().requests;
    const res = await json(stack, '/openai/v1/images/generations', {
      model: 'dall-e-3',
      prompt: 'x',
      size: '512x512',
    });
    expect(res.status).toBe(400);
    const err = azureError(await res.json());
    expect(err?.param).toBe('size');
    expect(err?.message).toContain('1792x1024');
    expect(stack.emu.admin.counters().requests).toBe(before);
  });

  it('passes the request id through to the caller and to Azure', async () => {
    const res = await json(
      stack,
      '/openai/v1/images/generations',
      { model: 'gpt-image-1-mini', prompt: 'a cat', quality: 'low' },
      { headers: { 'x-request-id': 'trace-abc-123' } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
  });

  it('edits with a mask (multipart), v1 and deployment paths', async () => {
    const gen: any = await (
      await json(stack, '/openai/v1/images/generations', {
        model: 'gpt-image-1',
        prompt: 'a room',
        size: '1024x1024',
      })
    ).json();
    const png = Buffer.from(gen.data[0].b64_json, 'base64');
    for (const path of [
      '/openai/v1/images/edits',
      '/openai/deployments/gpt-image-1/images/edits?api-version=2025-04-01-preview',
    ]) {
      const form = new FormData();
      if (path.includes('/v1/')) form.append('model', 'gpt-image-1');
      form.append('prompt', 'add a window');
      form.append('image', new Blob([png], { type: 'image/png' }), 'room.png');
      form.append('mask', new Blob([png], { type: 'image/png' }), 'mask.png');
      form.append('n', '1');
      const res = await call(stack, path, { method: 'POST', body: form });
      expect(res.status, path).toBe(200);
      const body: any = await res.json();
      expect([...Buffer.from(body.data[0].b64_json, 'base64').subarray(0, 4)]).toEqual(PNG_SIG);
    }
  });

  it('refuses an edit with a non-image file naming the field', async () => {
    const form = new FormData();
    form.append('model', 'gpt-image-1');
    form.append('prompt', 'x');
    form.append('image', new Blob([Buffer.from('not an image at all')], { type: 'text/plain' }), 'a.txt');
    const res = await call(stack, '/openai/v1/images/edits', { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(azureError(await res.json())?.param).toBe('image');
  });

  it('answers 413 for a body over the limit, without reading it', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const res = await call(stack, '/openai/v1/images/generations', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(azureError(await res.json())?.code).toBe('payload_too_large');
  });

  it('needs a service key; Bearer works like api-key', async () => {
    const none = await call(stack, '/openai/v1/images/generations', { method: 'POST', key: '' });
    expect(none.status).toBe(401);
    expect(azureError(await none.json())).toBeTruthy();
    const wrong = await call(stack, '/openai/v1/images/generations', { method: 'POST', key: 'nope' });
    expect(wrong.status).toBe(401);
    const bearer = await fetch(`${stack.url}/openai/v1/images/generations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.globex}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-image-1', prompt: 'a boat', quality: 'low' }),
    });
    expect(bearer.status).toBe(200);
  });

  it("relays Azure's failures in Azure's shape; a paid request that may have been processed is not resent and says so", async () => {
    for (const [fault, status, code] of [
      [{ kind: 'status', status: 500 }, 502, 'InternalServerError'],
      [{ kind: 'reset' }, 502, 'upstream_maybe_processed'],
      [{ kind: 'truncate', truncateAt: 5 }, 502, 'upstream_maybe_processed'],
      [{ kind: 'status', status: 400, body: { error: { code: 'bad', message: 'no' } } }, 400, 'bad'],
    ] as const) {
      const sent = stack.emu.admin.requests({ operation: 'images.generate' }).length;
      stack.emu.admin.fault({ ...fault, count: 1, match: { operation: 'images.generate' } } as never);
      const res = await json(stack, '/openai/v1/images/generations', {
        model: 'gpt-image-1',
        prompt: 'a lamp',
        quality: 'low',
      });
      expect(res.status, fault.kind).toBe(status);
      expect(azureError(await res.json())?.code, fault.kind).toBe(code);
      expect(res.headers.get('x-aoai-maybe-processed'), fault.kind).toBe(status === 502 ? 'true' : null);
      expect(stack.emu.admin.requests({ operation: 'images.generate' }).length - sent, fault.kind).toBe(1);
    }
  });

  it('answers unknown routes with 404 in Azure shape', async () => {
    const res = await call(stack, '/openai/v1/nothing/here');
    expect(res.status).toBe(404);
    expect(azureError(await res.json())?.code).toBe('NotFound');
  });
});
