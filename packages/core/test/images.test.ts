import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AzureOpenAIMedia, ContentFilterError, ValidationError, type Logger } from '../src/index.js';
import { startServer, json, type TestServer } from './server.js';
import {
  dalleUrlResponse,
  gptImageResponse,
  IMAGE_CONTENT_POLICY_ERROR,
  makePng,
  SMALL_PNG,
  JPEG_HEAD,
  TEST_NOW,
} from './fixtures.js';

interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

function memoryLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    lines.push({ level, message, fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Parses a multipart body with the WHATWG parser Node ships. */
async function parseForm(body: Buffer, contentType: string): Promise<FormData> {
  return new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
}

let server: TestServer;
beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.path.startsWith('/files/')) {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(Buffer.from(SMALL_PNG));
      return;
    }
    if (req.path.endsWith('/images/generations') || req.path.endsWith('/images/edits')) {
      const body = req.headers['content-type']?.startsWith('application/json')
        ? JSON.parse(req.body.toString())
        : {};
      if (typeof body.prompt === 'string' && body.prompt.includes('battle'))
        return json(res, 400, IMAGE_CONTENT_POLICY_ERROR);
      if (req.path.includes('dall-e-3') || body.model === 'dall-e-3') {
        return json(res, 200, dalleUrlResponse(`${server.origin}/files/img-1.png?sig=SECRETSIG&se=2030`), {
          'apim-request-id': 'req-dalle',
        });
      }
      return json(res, 200, gptImageResponse(body.n ?? 1), { 'apim-request-id': 'req-1' });
    }
    json(res, 404, { error: { code: 'NotFound', message: 'no route' } });
  });
});
afterAll(() => server.close());

// DALL-E 3 is retired on Azure; these tests cover its request rules, so the client accepts it.
function client(extra: Partial<ConstructorParameters<typeof AzureOpenAIMedia>[0]> = {}) {
  return new AzureOpenAIMedia({
    endpoint: server.url,
    auth: { apiKey: 'test-key-123' },
    allowRetiredModels: ['dall-e-3'],
    now: () => TEST_NOW,
    ...extra,
  });
}

describe('images.generate over HTTP', () => {
  it('sends a v1 request and decodes the base64 images', async () => {
    server.requests.length = 0;
    const result = await client().images.generate({
      model: 'gpt-image-1.5',
      prompt: 'a red square',
      n: 2,
      size: '1024x1024',
    });
    expect(result.images).toHaveLength(2);
    expect(result.images[0]!.bytes).toEqual(SMALL_PNG);
    expect(result.images[0]!.mimeType).toBe('image/png');
    expect(result.images[0]!.extension).toBe('png');
    expect(result.usage?.total_tokens).toBe(4210);
    expect(result.requestId).toBe('req-1');
    expect(result.promptFilterResults).toHaveLength(2);
    expect(result.images[1]!.contentFilterResults).toMatchObject({ violence: { filtered: false } });
    const req = server.requests[0]!;
    expect(req.path).toBe('/openai/v1/images/generations');
    // The default is Azure's v1 GA API, which takes no api-version.
    expect(req.query.get('api-version')).toBeNull();
    expect(JSON.parse(req.body.toString())).toEqual({
      model: 'gpt-image-1.5',
      prompt: 'a red square',
      n: 2,
      size: '1024x1024',
    });
  });

  it('downloads URL images at once without sending credentials, and never logs the signature', async () => {
    server.requests.length = 0;
    const lines: LogLine[] = [];
    const result = await client({ logger: memoryLogger(lines), apiVersion: '2024-10-21' }).images.generate(
      { model: 'dall-e-3', prompt: 'a lighthouse', response_format: 'url' },
      { downloadUrls: true },
    );
    expect(result.images[0]!.bytes).toEqual(SMALL_PNG);
    expect(result.images[0]!.revisedPrompt).toContain('lighthouse');
    expect(result.images[0]!.url).toContain('/files/img-1.png');
    const download = server.requests.find((r) => r.path.startsWith('/files/'))!;
    expect(download.headers['api-key']).toBeUndefined();
    expect(download.headers.authorization).toBeUndefined();
    expect(JSON.stringify(lines)).not.toContain('SECRETSIG');
    expect(JSON.stringify(lines)).not.toContain('test-key-123');
    expect(lines.some((l) => String(l.fields?.path).includes('/files/img-1.png'))).toBe(true);
  });

  it('keeps URL images as links unless asked to download', async () => {
    const result = await client().images.generate({ model: 'dall-e-3', prompt: 'a lighthouse' });
    expect(result.images[0]!.bytes).toBeUndefined();
    expect(result.images[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\//);
    expect(result.images[0]!.mimeType).toBe('image/png');
  });

  it('throws every validation issue before sending anything', async () => {
    server.requests.length = 0;
    const error = await client()
      .images.generate({ model: 'dall-e-3', prompt: 'x', n: 2, size: '512x512', style: 'bold' as 'vivid' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['n', 'size', 'style']);
    expect((error as ValidationError).message).toContain(
      'size "512x512" is not supported by dall-e-3; use 1024x1024, 1792x1024 or 1024x1792',
    );
    expect(server.requests).toHaveLength(0);
  });

  it("sends invalid requests as they are with validation: 'off'", async () => {
    server.requests.length = 0;
    await client({ validation: 'off' }).images.generate({
      model: 'gpt-image-1.5',
      prompt: 'x',
      size: '512x512',
    });
    expect(JSON.parse(server.requests[0]!.body.toString()).size).toBe('512x512');
  });

  it('runs generic checks only for an unknown deployment, with a log note', async () => {
    const lines: LogLine[] = [];
    const c = client({ logger: memoryLogger(lines) });
    await c.images.generate({ model: 'house-style', prompt: 'x', size: '640x480' as '1024x1024' });
    expect(lines.find((l) => l.level === 'info')?.message).toContain(
      'deployment "house-style" has no known model',
    );
    await expect(c.images.generate({ model: 'house-style', prompt: '  ' })).rejects.toThrow(
      'prompt must not be empty',
    );
  });

  it('maps a content policy answer to ContentFilterError with the revised prompt', async () => {
    const error = await client()
      .images.generate({ model: 'gpt-image-1.5', prompt: 'a battle' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentFilterError);
    expect((error as ContentFilterError).revisedPrompt).toBe('A dramatic scene of a battle.');
    expect((error as ContentFilterError).categories).toEqual(['violence']);
  });
});

describe('images.edit over HTTP', () => {
  it('sends one image and a mask as multipart, types detected from the bytes', async () => {
    server.requests.length = 0;
    const png = makePng(8, 8);
    const result = await client().images.edit({
      model: 'gpt-image-1.5',
      prompt: 'add a hat',
      image: new Blob([png]),
      mask: { data: makePng(8, 8, [0, 0, 0, 0]), filename: 'mask.png' },
      n: 1,
      quality: 'low',
    });
    expect(result.images).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.path).toBe('/openai/v1/images/edits');
    const form = await parseForm(req.body, req.headers['content-type']!);
    expect(form.get('model')).toBe('gpt-image-1.5');
    expect(form.get('prompt')).toBe('add a hat');
    expect(form.get('n')).toBe('1');
    expect(form.get('quality')).toBe('low');
    const image = form.get('image') as File;
    expect(image.name).toBe('image.png');
    expect(image.type).toBe('image/png');
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(png);
    expect((form.get('mask') as File).name).toBe('mask.png');
  });

  it('sends several images as image[] on deployment paths without model', async () => {
    server.requests.length = 0;
    await client({ apiVersion: '2025-04-01-preview' }).images.edit({
      model: 'gpt-image-1.5',
      prompt: 'combine',
      image: [makePng(4, 4), new Uint8Array([...JPEG_HEAD, 0, 0])],
    });
    const req = server.requests[0]!;
    expect(req.path).toBe('/openai/deployments/gpt-image-1.5/images/edits');
    expect(req.query.get('api-version')).toBe('2025-04-01-preview');
    const form = await parseForm(req.body, req.headers['content-type']!);
    expect(form.has('model')).toBe(false);
    const files = form.getAll('image[]') as File[];
    expect(files.map((f) => [f.name, f.type])).toEqual([
      ['image-1.png', 'image/png'],
      ['image-2.jpg', 'image/jpeg'],
    ]);
  });

  it('rejects a mask whose size differs from the image, read from Blob headers', async () => {
    server.requests.length = 0;
    const error = await client()
      .images.edit({
        model: 'gpt-image-1.5',
        prompt: 'x',
        image: new Blob([makePng(8, 8)]),
        mask: new Blob([makePng(4, 8)]),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain('mask is 4x8 but image is 8x8');
    expect(server.requests).toHaveLength(0);
  });
});
