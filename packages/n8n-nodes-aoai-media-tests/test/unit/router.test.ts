import { NodeApiError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { run, type SentRequest } from './fake-context';
import { PNG_1X1 } from './media';

const answer = (prompt: string) => ({
  status: 200,
  body: { created: 1, data: [{ b64_json: PNG_1X1.toString('base64'), revised_prompt: prompt }] },
});

const generate = (itemIndex: number, extra: Record<string, unknown> = {}) => ({
  resource: 'image',
  operation: 'generate',
  deployment: 'img',
  model: 'gpt-image-1',
  prompt: `prompt ${itemIndex}`,
  ...extra,
});

/** Answers later items sooner, so completion order differs from input order; counts requests in flight. */
function slowFirst(total: number) {
  let inFlight = 0;
  const stats = { maxInFlight: 0 };
  const respond = async (request: SentRequest) => {
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    const index = Number(String(request.json.prompt).split(' ')[1]);
    // Yield (total - index) turns of the event loop: no timers, no timing assumptions.
    for (let i = 0; i < (total - index) * 5; i++) await new Promise((resolve) => setImmediate(resolve));
    inFlight--;
    return answer(request.json.prompt);
  };
  return { respond, stats };
}

describe('router', () => {
  const items = Array.from({ length: 6 }, (_, i) => ({ json: { i } }));

  it('processes one item at a time by default', async () => {
    const { respond, stats } = slowFirst(items.length);
    const { output } = await run({ params: (i) => generate(i), items, respond });
    expect(stats.maxInFlight).toBe(1);
    expect(output.map((o) => o.json.revisedPrompt)).toEqual(items.map((_, i) => `prompt ${i}`));
  });

  it('runs up to the chosen number in parallel and keeps the input order', async () => {
    const { respond, stats } = slowFirst(items.length);
    const { output } = await run({
      params: (i) => generate(i, { options: { concurrency: 3 } }),
      items,
      respond,
    });
    expect(stats.maxInFlight).toBe(3);
    expect(output.map((o) => o.json.revisedPrompt)).toEqual(items.map((_, i) => `prompt ${i}`));
    expect(output.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
  });

  it('with Continue On Fail, a failing item becomes an error item and the others go on', async () => {
    const { output, requests } = await run({
      params: (i) => generate(i, i === 1 ? { size: '999x999' } : {}),
      items: items.slice(0, 3),
      continueOnFail: true,
      respond: (r) => answer(r.json.prompt),
    });
    expect(requests).toHaveLength(2);
    expect(output).toHaveLength(3);
    expect(output[1]!.pairedItem).toEqual({ item: 1 });
    expect(output[1]!.binary).toBeUndefined();
    expect(String(output[1]!.json.error)).toContain('size');
    expect(String(output[1]!.json.description)).toContain('1024x1024');
    expect(output[2]!.json.revisedPrompt).toBe('prompt 2');
  });

  it('with Continue On Fail, an API error item carries status, code and request id', async () => {
    const { output } = await run({
      params: (i) => generate(i),
      continueOnFail: true,
      respond: () => ({
        status: 400,
        headers: { 'apim-request-id': 'req-9' },
        body: { error: { code: 'invalid_value', message: 'bad value', param: 'size' } },
      }),
    });
    expect(output[0]!.json).toMatchObject({
      httpCode: '400',
      code: 'invalid_value',
      requestId: 'req-9',
    });
  });

  it('without Continue On Fail, the first failing item stops the run', async () => {
    const error = await run({
      params: (i) => generate(i),
      items: items.slice(0, 2),
      respond: (r) =>
        r.json.prompt === 'prompt 0'
          ? { status: 500, body: { error: { code: 'server_error', message: 'boom' } } }
          : answer(r.json.prompt),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).context.itemIndex).toBe(0);
  });

  it('retries a 429 after the wait Azure asks for', async () => {
    let calls = 0;
    const { output } = await run({
      params: (i) => generate(i),
      respond: (r) =>
        ++calls === 1
          ? {
              status: 429,
              headers: { 'retry-after-ms': '10' },
              body: { error: { code: '429', message: 'slow down' } },
            }
          : answer(r.json.prompt),
    });
    expect(calls).toBe(2);
    expect(output).toHaveLength(1);
  });

  it('as an AI tool, returns file references instead of binary', async () => {
    const { output } = await run({
      params: (i) => generate(i),
      nodeType: 'n8n-nodes-aoai-media.azureOpenAiMediaTool',
      respond: (r) => answer(r.json.prompt),
    });
    expect(output[0]!.binary).toBeUndefined();
    // n8n keeps binary data inline here, so there is no stored file to link to.
    expect(output[0]!.json.files).toEqual([
      {
        field: 'data',
        fileName: expect.stringMatching(/\.png$/),
        mimeType: 'image/png',
        fileSize: `${PNG_1X1.length} B`,
        url: null,
        source: 'n8n',
      },
    ]);
    expect(output[0]!.pairedItem).toEqual({ item: 0 });
  });

  it("as an AI tool with stored binary data, gives n8n's signed URL of the file", async () => {
    const { output, stored } = await run({
      params: (i) => generate(i),
      nodeType: 'n8n-nodes-aoai-media.azureOpenAiMediaTool',
      binaryMode: 'filesystem',
      respond: (r) => answer(r.json.prompt),
    });
    const [file] = output[0]!.json.files as { url: string }[];
    const id = decodeURIComponent(new URL(file!.url).searchParams.get('token')!);
    expect(stored.get(id)?.equals(PNG_1X1)).toBe(true);
  });

  it('sends no credential to another origin (an image URL to download)', async () => {
    const { output, requests } = await run({
      params: generate(0, { model: 'dall-e-3', deployment: 'd3' }),
      respond: (r) =>
        r.url.origin === 'https://blob.example.net'
          ? { body: new Uint8Array(PNG_1X1), headers: { 'content-type': 'image/png' } }
          : { body: { created: 1, data: [{ url: 'https://blob.example.net/img/1.png?sig=x' }] } },
    });
    const download = requests.find((r) => r.url.origin === 'https://blob.example.net')!;
    expect(download.authenticated).toBe(false);
    expect(download.headers['api-key']).toBeUndefined();
    expect(download.headers.authorization).toBeUndefined();
    expect(output[0]!.binary?.data?.mimeType).toBe('image/png');
  });
});
