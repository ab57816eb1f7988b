import { getModel, type ImageModel } from '@aoai-media/core';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { API_KEY, binaryItem, run } from './fake-context';
import { PNG_1X1 } from './media';

const imagesAnswer = (count = 1) => ({
  status: 200,
  headers: { 'apim-request-id': 'req-123' },
  body: {
    created: 1_700_000_000,
    data: Array.from({ length: count }, () => ({
      b64_json: PNG_1X1.toString('base64'),
      revised_prompt: 'a revised lighthouse',
      content_filter_results: { violence: { filtered: false, severity: 'safe' } },
    })),
    usage: { input_tokens: 10, output_tokens: 20, total_tokens: 30 },
  },
});

describe('image generate', () => {
  it('sends the deployment, prompt and the chosen fields, and returns one binary item per image', async () => {
    const { output, requests } = await run({
      params: {
        resource: 'image',
        operation: 'generate',
        deployment: 'img-prod',
        model: 'gpt-image-1',
        prompt: 'a lighthouse',
        n: 2,
        size: '1536x1024',
        quality: 'high',
        outputFormat: 'png',
        binaryPropertyOutput: 'picture',
      },
      respond: () => imagesAnswer(2),
    });
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.method).toBe('POST');
    expect(request!.url.pathname).toBe('/openai/v1/images/generations');
    expect(request!.url.searchParams.get('api-version')).toBe('preview');
    expect(request!.authenticated).toBe(true);
    expect(request!.headers['api-key']).toBe(API_KEY);
    expect(request!.json).toMatchObject({
      model: 'img-prod',
      prompt: 'a lighthouse',
      n: 2,
      size: '1536x1024',
      quality: 'high',
      output_format: 'png',
      background: 'auto',
    });
    // Fields the model table does not list for gpt-image-1 are never sent.
    expect(request!.json).not.toHaveProperty('style');
    expect(request!.json).not.toHaveProperty('response_format');

    expect(output).toHaveLength(2);
    expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
    const first = output[0]!;
    expect(first.binary?.picture?.mimeType).toBe('image/png');
    expect(first.binary?.picture?.fileName).toMatch(/\.png$/);
    expect(Buffer.from(first.binary!.picture!.data, 'base64').equals(PNG_1X1)).toBe(true);
    expect(first.json).toMatchObject({
      deployment: 'img-prod',
      model: 'gpt-image-1',
      revisedPrompt: 'a revised lighthouse',
      requestId: 'req-123',
      usage: { total_tokens: 30 },
    });
    expect(first.json.contentFilterResults).toEqual({
      violence: { filtered: false, severity: 'safe' },
    });
  });

  it('uses the defaults the model table gives when the user changed nothing', async () => {
    const model = getModel('gpt-image-1') as ImageModel;
    const { requests } = await run({
      params: { resource: 'image', operation: 'generate', deployment: 'img', prompt: 'x' },
      respond: () => imagesAnswer(),
    });
    const body = requests[0]!.json;
    expect(model.sizes).toContain(body.size);
    expect(model.qualities).toContain(body.quality);
    expect(body.n).toBe(1);
  });

  it('asks DALL-E 3 for base64 with its style, and offers no n or output format', async () => {
    const { requests } = await run({
      params: {
        resource: 'image',
        operation: 'generate',
        deployment: 'd3',
        model: 'dall-e-3',
        prompt: 'x',
        size: '1792x1024',
        quality: 'hd',
        options: { style: 'natural' },
      },
      respond: () => imagesAnswer(),
    });
    const body = requests[0]!.json;
    expect(body).toMatchObject({
      model: 'd3',
      size: '1792x1024',
      quality: 'hd',
      style: 'natural',
      response_format: 'b64_json',
    });
    expect(body).not.toHaveProperty('n');
    expect(body).not.toHaveProperty('output_format');
    expect(body).not.toHaveProperty('output_compression');
  });

  it('sends output compression, moderation and user as set', async () => {
    const { requests } = await run({
      params: {
        resource: 'image',
        operation: 'generate',
        deployment: 'img',
        model: 'gpt-image-1',
        prompt: 'x',
        outputFormat: 'webp',
        options: { outputCompression: 40, user: 'u-1', moderation: 'low' },
      },
      respond: () => ({
        ...imagesAnswer(),
        body: { ...imagesAnswer().body, output_format: 'webp' },
      }),
    });
    expect(requests[0]!.json).toMatchObject({
      output_format: 'webp',
      output_compression: 40,
      user: 'u-1',
      moderation: 'low',
    });
  });

  it('uses the deployment path for a dated API version', async () => {
    const { requests } = await run({
      params: {
        resource: 'image',
        operation: 'generate',
        deployment: 'img',
        model: 'gpt-image-1',
        prompt: 'x',
      },
      credentials: {
        endpoint: 'https://unit.openai.azure.com/',
        authType: 'entraToken',
        bearerToken: 'tok-1',
        apiVersion: '2025-04-01-preview',
      },
      respond: () => imagesAnswer(),
    });
    expect(requests[0]!.url.pathname).toBe('/openai/deployments/img/images/generations');
    expect(requests[0]!.url.searchParams.get('api-version')).toBe('2025-04-01-preview');
    expect(requests[0]!.headers.authorization).toBe('Bearer tok-1');
    expect(requests[0]!.headers['api-key']).toBeUndefined();
  });

  it('rejects bad input before sending, listing every issue', async () => {
    const { ctx } = await import('./fake-context').then((m) =>
      m.fakeContext({
        params: {
          resource: 'image',
          operation: 'generate',
          deployment: 'd3',
          model: 'dall-e-3',
          prompt: 'p'.repeat(5000),
          size: '512x512',
        },
      }),
    );
    const { AzureOpenAiMedia } =
      await import('n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/AzureOpenAiMedia.node');
    const error = await new AzureOpenAiMedia().execute.call(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    const failure = error as NodeOperationError;
    expect(failure.context.itemIndex).toBe(0);
    expect(failure.description).toContain('prompt');
    expect(failure.description).toContain('size');
    expect(failure.description).toContain('1024x1024');
  });

  it('maps a content-filter answer to NodeApiError with categories, revised prompt and request id', async () => {
    const error = await run({
      params: {
        resource: 'image',
        operation: 'generate',
        deployment: 'img',
        model: 'gpt-image-1',
        prompt: 'forbidden',
      },
      respond: () => ({
        status: 400,
        headers: { 'apim-request-id': 'req-filter' },
        body: {
          error: {
            code: 'content_policy_violation',
            message: 'Your request was rejected as a result of our safety system.',
            inner_error: {
              code: 'ResponsibleAIPolicyViolation',
              revised_prompt: 'a safer prompt',
              content_filter_results: {
                violence: { filtered: true, severity: 'high' },
                hate: { filtered: false, severity: 'safe' },
              },
            },
          },
        },
      }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    const failure = error as NodeApiError;
    expect(failure.httpCode).toBe('400');
    expect(failure.message).toContain('content filter');
    expect(failure.message).toContain('violence');
    expect(failure.description).toContain('Revised prompt: a safer prompt');
    expect(failure.description).toContain('Request ID: req-filter');
    expect(failure.context.itemIndex).toBe(0);
  });

  it('maps a wrong key to NodeApiError 401 without echoing the key', async () => {
    const error = await run({
      params: {
        resource: 'image',
        operation: 'generate',
        deployment: 'img',
        model: 'gpt-image-1',
        prompt: 'x',
      },
      respond: () => ({
        status: 401,
        body: { error: { code: '401', message: 'Access denied due to invalid subscription key.' } },
      }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).httpCode).toBe('401');
    expect(
      JSON.stringify({ m: (error as Error).message, d: (error as NodeApiError).description }),
    ).not.toContain(API_KEY);
  });
});

describe('image edit', () => {
  const input = () =>
    binaryItem({
      data: { bytes: PNG_1X1, fileName: 'cat.png', mimeType: 'image/png' },
      extra: { bytes: PNG_1X1, fileName: 'hat.png', mimeType: 'image/png' },
      mask: { bytes: PNG_1X1, fileName: 'mask.png', mimeType: 'image/png' },
    });

  it('uploads the images and mask from binary fields as multipart', async () => {
    const { output, requests } = await run({
      params: {
        resource: 'image',
        operation: 'edit',
        deployment: 'img',
        model: 'gpt-image-1',
        prompt: 'add a hat',
        imageProperties: 'data, extra',
        maskProperty: 'mask',
        outputFormat: 'png',
        background: 'transparent',
      },
      items: [input()],
      respond: () => imagesAnswer(),
    });
    const form = requests[0]!.form!;
    expect(requests[0]!.url.pathname).toBe('/openai/v1/images/edits');
    expect(form.get('prompt')).toBe('add a hat');
    expect(form.get('model')).toBe('img');
    expect(form.get('background')).toBe('transparent');
    const images = [...form.getAll('image[]'), ...form.getAll('image')] as File[];
    expect(images.map((f) => f.name)).toEqual(['cat.png', 'hat.png']);
    expect(images[0]!.type).toBe('image/png');
    const mask = form.get('mask') as File;
    expect(mask.name).toBe('mask.png');
    expect(Buffer.from(await mask.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    expect(output[0]!.binary?.data?.mimeType).toBe('image/png');
  });

  it('names the missing binary field and item', async () => {
    const error = await run({
      params: {
        resource: 'image',
        operation: 'edit',
        deployment: 'img',
        model: 'gpt-image-1',
        prompt: 'x',
        imageProperties: 'nothere',
      },
      items: [input()],
      respond: () => imagesAnswer(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toContain('nothere');
  });

  it('offers only models that can edit', async () => {
    const { node } = await import('./fake-context');
    const model = node.description.properties.find(
      (p) => p.name === 'model' && p.displayOptions?.show?.operation?.includes('edit'),
    );
    const names = (model!.options as { value: string }[]).map((o) => o.value);
    expect(names).toContain('gpt-image-1');
    expect(names).toContain('dall-e-2');
    expect(names).not.toContain('dall-e-3');
  });
});
