/**
 * The node's transport over real HTTP: n8n's request functions are stood in by `fetch` to the emulator on
 * loopback, so requests, retries and the credential test meet a server that answers like Azure.
 */
import { startEmulator, type Emulator } from '@aoai-media/emulator';
import { NodeApiError } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureOpenAiMediaApi } from 'n8n-nodes-aoai-media/credentials/AzureOpenAiMediaApi.credentials';
import { run } from './fake-context';
import { overHttp } from './over-http';

let emulator: Emulator;

const credentials = () => ({
  endpoint: emulator.url,
  authType: 'apiKey',
  apiKey: emulator.apiKey,
  apiVersion: 'preview',
});

beforeAll(async () => {
  emulator = await startEmulator({ port: 0 });
});
afterAll(async () => {
  await emulator?.close();
});

describe('against the emulator', () => {
  it("the credential's test request passes with the key and fails with 401 without it", async () => {
    const credential = new AzureOpenAiMediaApi();
    const { url, qs } = credential.test.request;
    const target = new URL(`${emulator.url}${url}`);
    for (const [k, v] of Object.entries(qs ?? {})) target.searchParams.set(k, String(v));
    const send = async (apiKey: string) => {
      const options = await credential.authenticate(
        { authType: 'apiKey', apiKey },
        { url: target.toString() },
      );
      return (await fetch(target, { headers: options.headers as Record<string, string> })).status;
    };
    expect(await send(emulator.apiKey)).toBe(200);
    expect(await send('not-the-key')).toBe(401);
  });

  it('generates an image, retrying a 429 after the wait the emulator asks for', async () => {
    emulator.admin.fault({
      match: { operation: 'images.generate' },
      kind: 'status',
      status: 429,
      headers: { 'retry-after-ms': '20' },
    });
    const before = emulator.admin.requests().length;
    const { output } = await run({
      params: {
        resource: 'image',
        operation: 'generate',
        deployment: 'gpt-image-1',
        model: 'gpt-image-1',
        prompt: 'a kite',
        size: '1024x1024',
      },
      credentials: credentials(),
      respond: overHttp,
    });
    const sent = emulator.admin.requests().slice(before);
    expect(sent.map((r) => r.status)).toEqual([429, 200]);
    expect(output[0]!.binary?.data?.mimeType).toBe('image/png');
  });

  it('maps a wrong key to NodeApiError 401', async () => {
    const error = await run({
      params: {
        resource: 'video',
        operation: 'listJobs',
        deployment: 'sora',
        model: 'sora',
        limit: 1,
      },
      credentials: { ...credentials(), apiKey: 'wrong-key' },
      respond: overHttp,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).httpCode).toBe('401');
  });
});
