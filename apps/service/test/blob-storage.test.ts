/**
 * The service on Azure Blob Storage (Azurite): uploads stream into the container, results are served
 * from it with Range and HEAD, a refused upload leaves nothing behind, and deleting a job removes
 * its blobs.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { BlobServiceClient } from '@azure/storage-blob';
import { samplePng } from '@aoai-media/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type TestAzurite } from './support/azurite.js';
import {
  azureError,
  call,
  startInstance,
  startStack,
  until,
  type Instance,
  type Stack,
} from './support/stack.js';

let azurite: TestAzurite;
let stack: Stack;
let svc: Instance;
beforeAll(async () => {
  azurite = await startAzurite();
  stack = await startStack();
  svc = await startInstance(stack, {
    MAX_UPLOAD_BYTES: String(2 * 1024 * 1024),
    STORAGE_BACKEND: 'azure-blob',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    AZURE_STORAGE_CONTAINER: 'results',
    // Its own queues: the stack's other instance (a local directory) must not take its jobs.
    QUEUE_PREFIX: 'blob-storage',
  });
});
afterAll(async () => {
  await svc?.close();
  await stack?.close();
  await azurite?.stop();
});

async function blobNames(): Promise<string[]> {
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    'results',
  );
  const names: string[] = [];
  for await (const item of container.listBlobsFlat()) names.push(item.name);
  return names;
}

function audioForm(bytes: Uint8Array<ArrayBuffer>): FormData {
  const form = new FormData();
  form.append('model', 'whisper');
  form.append('file', new Blob([bytes], { type: 'audio/wav' }), 'long.wav');
  return form;
}

function referenceForm(png: Uint8Array<ArrayBuffer>, prompt: string): FormData {
  const form = new FormData();
  form.append('model', 'sora-2');
  form.append('prompt', prompt);
  form.append('size', '1280x720');
  form.append('input_reference', new Blob([png], { type: 'image/png' }), 'first.png');
  return form;
}

describe('the service on Azure Blob Storage', () => {
  it('keeps the upload and the results in the container; serves them whole, by range and HEAD', async () => {
    const png = samplePng(1280, 720);
    const res = await call(svc, '/openai/v1/videos', { method: 'POST', body: referenceForm(png, 'a blob') });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect(await blobNames()).toEqual([`acme/${id}/uploads/0`]);
    await until(
      'done',
      async () => ((await (await call(svc, `/openai/v1/videos/${id}`)).json()) as any).status === 'completed',
    );
    const names = await blobNames();
    expect(names.filter((n) => n.startsWith(`acme/${id}/`) && n.endsWith('/video'))).toHaveLength(1);
    const sent = stack.emu.admin.requests({ operation: 'videos.create' }).at(-1)!;
    expect(sent.files?.[0]?.size).toBe(png.length);

    const whole = Buffer.from(await (await call(svc, `/openai/v1/videos/${id}/content`)).arrayBuffer());
    expect(whole.subarray(4, 8).toString('latin1')).toBe('ftyp');
    const part = await call(svc, `/openai/v1/videos/${id}/content`, { headers: { range: 'bytes=-100' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(whole.subarray(whole.length - 100))).toBe(true);
    const beyond = await call(svc, `/openai/v1/videos/${id}/content`, {
      headers: { range: `bytes=${whole.length}-` },
    });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${whole.length}`);
    const head = await call(svc, `/openai/v1/videos/${id}/content?variant=thumbnail`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(100);

    expect((await call(svc, `/openai/v1/videos/${id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await blobNames()).filter((n) => n.startsWith(`acme/${id}/`))).toEqual([]);
  });

  it('a refused upload leaves nothing in the container and nothing reaches Azure', async () => {
    const before = await blobNames();
    const sends = stack.emu.admin.requests({ operation: 'videos.create' }).length;
    const res = await call(svc, '/openai/v1/videos', {
      method: 'POST',
      body: referenceForm(samplePng(640, 480), 'wrong size'),
    });
    expect(res.status).toBe(400);
    expect(azureError(await res.json())?.param).toBe('input_reference');
    expect(await blobNames()).toEqual(before);
    expect(stack.emu.admin.requests({ operation: 'videos.create' })).toHaveLength(sends);
  });

  it('holds MAX_UPLOAD_BYTES while an upload streams (no length declared): 413, nothing kept, nothing sent', async () => {
    const before = await blobNames();
    const spools = () => readdirSync(tmpdir()).filter((n) => n.startsWith('aoai-upload-')).length;
    const spooled = spools();
    const sends = stack.emu.admin.requests().length;
    const png = samplePng(1280, 720);
    // A body with no content-length: the limit can only be seen as the bytes arrive.
    const chunked = (form: FormData) =>
      new Request('http://x', { method: 'POST', body: form }).body as ReadableStream<Uint8Array>;
    const huge = new Uint8Array(3 * 1024 * 1024) as Uint8Array<ArrayBuffer>;
    huge.set(png);
    for (const [path, form] of [
      ['/openai/v1/videos', referenceForm(huge, 'too big')],
      ['/openai/v1/audio/transcriptions', audioForm(huge)],
    ] as const) {
      const body = new Request('http://x', { method: 'POST', body: form });
      const res = await call(svc, path, {
        method: 'POST',
        body: chunked(form),
        headers: { 'content-type': body.headers.get('content-type')! },
        duplex: 'half',
      } as RequestInit);
      expect(res.status, path).toBe(413);
      expect(azureError(await res.json())?.code).toBe('payload_too_large');
    }
    expect(await blobNames()).toEqual(before);
    expect(spools()).toBe(spooled);
    expect(stack.emu.admin.requests().length).toBe(sends);
  });

  it('reports the container in readiness', async () => {
    const ready: any = await (await fetch(`${svc.url}/health/ready`)).json();
    expect(ready.info.storage.status).toBe('up');
  });
});
