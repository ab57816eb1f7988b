/**
 * Signing in: the Entra ID OAuth2 credential as n8n defines OAuth2 credentials, the transport's
 * part in letting n8n renew its token, and the messages when Azure refuses a credential.
 */
import { startEmulator, type Emulator } from '@aoai-media/emulator';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { AzureOpenAiMediaOAuth2Api } from 'n8n-nodes-aoai-media/credentials/AzureOpenAiMediaOAuth2Api.credentials';
import { toNodeError } from 'n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/actions/errors';
import { AuthenticationError, ValidationError } from '@aoai-media/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type Respond } from './fake-context';
import { PNG_1X1 } from './media';

const generate = {
  resource: 'image',
  operation: 'generate',
  deployment: 'gpt-image-1',
  model: 'gpt-image-1',
  prompt: 'a kite',
};
const imagesAnswer = { body: { created: 1, data: [{ b64_json: PNG_1X1.toString('base64') }] } };

describe('the Entra ID OAuth2 credential', () => {
  const credential = new AzureOpenAiMediaOAuth2Api();
  const property = (name: string) => credential.properties.find((p) => p.name === name);

  it("extends n8n's OAuth2 credential with the client credentials grant for Azure's scope", () => {
    expect(credential.name).toBe('azureOpenAiMediaOAuth2Api');
    expect(credential.extends).toEqual(['oAuth2Api']);
    expect(property('grantType')).toMatchObject({ type: 'hidden', default: 'clientCredentials' });
    expect(property('scope')).toMatchObject({
      type: 'hidden',
      default: 'https://cognitiveservices.azure.com/.default',
    });
    expect(property('authentication')).toMatchObject({ type: 'hidden', default: 'body' });
    expect(property('tenantId')).toMatchObject({ type: 'string', required: true });
    expect(property('endpoint')).toMatchObject({ type: 'string', required: true });
    // The token URL follows the tenant and the authority host (national clouds).
    expect(property('accessTokenUrl')?.default).toBe(
      '={{$self["authorityHost"].replace(/\\/+$/, "")}}/{{$self["tenantId"]}}/oauth2/v2.0/token',
    );
    expect(property('authorityHost')?.default).toBe('https://login.microsoftonline.com');
  });

  it('is tested with a request that needs a token and creates nothing', () => {
    expect(credential.test.request).toMatchObject({ method: 'GET', url: '/openai/v1/models' });
    // Azure's v1 API takes /models without an api-version, on every resource.
    expect(credential.test.request.qs).toBeUndefined();
  });
});

describe('requests with the OAuth2 credential', () => {
  const oauth = { ...generate, authentication: 'azureOpenAiMediaOAuth2Api' };
  /** Azure accepting only the tokens listed, as Entra ID tokens expire. */
  const azure =
    (accepted: string[]): Respond =>
    (request) => {
      const path = request.url.pathname;
      const token = request.headers.authorization?.replace('Bearer ', '') ?? '';
      if (!accepted.includes(token))
        return { status: 401, body: { error: { code: '401', message: 'token expired' } } };
      if (path === '/openai/v1/models') return { body: { object: 'list', data: [] } };
      return imagesAnswer;
    };

  it('fetches a token when the credential holds none and sends it as a bearer token, no api-key', async () => {
    const { requests, tokenRequests } = await run({
      params: oauth,
      oauth: { tokens: ['tok-1'] },
      respond: azure(['tok-1']),
    });
    expect(tokenRequests).toHaveLength(1);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers.authorization).toBe('Bearer tok-1');
    expect(requests[0]!.headers['api-key']).toBeUndefined();
  });

  it('an expired token: n8n renews it on a cheap read, then the refused request goes once more', async () => {
    const { output, requests, tokenRequests } = await run({
      params: oauth,
      oauth: { held: 'tok-old', tokens: ['tok-new'] },
      respond: azure(['tok-new']),
    });
    expect(tokenRequests).toHaveLength(1);
    expect(requests.map((r) => [r.method, r.url.pathname, r.headers.authorization])).toEqual([
      ['POST', '/openai/v1/images/generations', 'Bearer tok-old'],
      ['GET', '/openai/v1/models', 'Bearer tok-old'],
      ['GET', '/openai/v1/models', 'Bearer tok-new'],
      ['POST', '/openai/v1/images/generations', 'Bearer tok-new'],
    ]);
    expect(output[0]!.binary?.data?.mimeType).toBe('image/png');
  });

  it("keeps Azure's whole answer (status, code, request id, retry wait): answers are never thrown", async () => {
    let calls = 0;
    const { output, requests } = await run({
      params: oauth,
      oauth: { tokens: ['tok-1'] },
      respond: () =>
        ++calls === 1
          ? {
              status: 429,
              headers: { 'retry-after-ms': '5' },
              body: { error: { code: '429', message: 'busy' } },
            }
          : imagesAnswer,
    });
    expect(requests).toHaveLength(2);
    expect(output[0]!.binary?.data?.mimeType).toBe('image/png');

    const error = await run({
      params: oauth,
      oauth: { tokens: ['tok-1'] },
      respond: () => ({
        status: 400,
        headers: { 'apim-request-id': 'req-9' },
        body: { error: { code: 'invalid_size', message: 'size is wrong' } },
      }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).httpCode).toBe('400');
    expect((error as NodeApiError).message).toBe('size is wrong');
    expect((error as NodeApiError).description).toContain('Request ID: req-9');
  });

  it('a token that still does not work after renewal is a 401 naming the credential, sent twice at most', async () => {
    const { requests, ...rest } = await (async () => {
      const { fakeContext } = await import('./fake-context');
      const context = fakeContext({
        params: oauth,
        oauth: { held: 'tok-old', tokens: ['tok-new'] },
        respond: azure([]),
      });
      const error = await (
        await import('./fake-context')
      ).node.execute
        .call(context.ctx)
        .catch((e: unknown) => e);
      return { requests: context.requests, error };
    })();
    const error = (rest as { error: NodeApiError }).error;
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.message).toBe('Azure refused the credential "Azure (unit)" (HTTP 401)');
    expect(error.description).toContain('tenant ID, client ID and client secret');
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('Entra ID refusing the client is a sign-in error for the credential; Azure is never asked', async () => {
    const { fakeContext, node } = await import('./fake-context');
    const context = fakeContext({ params: oauth, oauth: { tokens: [], refuse: true }, respond: azure([]) });
    const error = (await node.execute.call(context.ctx).catch((e: unknown) => e)) as NodeApiError;
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.message).toBe('Microsoft Entra ID did not sign in the credential "Azure (unit)"');
    expect(error.description).toContain('Client authentication failed');
    expect(context.requests).toHaveLength(0);
    expect(context.tokenRequests).toHaveLength(1);
  });
});

describe('a refused credential', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  const overHttp: Respond = async (request) => {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body && request.body.length > 0 ? new Uint8Array(request.body) : undefined,
    });
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: new Uint8Array(await response.arrayBuffer()),
    };
  };

  it("401 names the credential and what to check, and repeats no status (Azure's own answer)", async () => {
    const error = (await run({
      params: generate,
      credentials: { endpoint: emulator.url, authType: 'apiKey', apiKey: 'wrong-key', apiVersion: 'preview' },
      respond: overHttp,
    }).catch((e: unknown) => e)) as NodeApiError;
    expect(error).toBeInstanceOf(NodeApiError);
    expect(error.httpCode).toBe('401');
    expect(error.message).toBe('Azure refused the credential "Azure (unit)" (HTTP 401)');
    expect(error.message).not.toMatch(/401 401/);
    expect(error.description).toContain(
      'Check the API key (or Entra ID token) and the endpoint in the credential "Azure (unit)"',
    );
    expect(error.description).toContain('Azure said: Access denied due to invalid subscription key');
    expect(error.description).not.toContain('401 401');
  });

  it('403 says which role the identity needs', () => {
    const node = {
      id: 'n',
      name: 'Media',
      type: 'n8n-nodes-aoai-media.azureOpenAiMedia',
      typeVersion: 1,
      position: [0, 0] as [number, number],
      parameters: {},
      credentials: { azureOpenAiMediaOAuth2Api: { id: '1', name: 'Entra app' } },
    };
    const error = toNodeError(
      node,
      new AuthenticationError({ status: 403, code: 'PermissionDenied', message: 'no role' }),
      0,
    ) as NodeApiError;
    expect(error.message).toBe(
      'The credential "Entra app" may not use this resource or deployment (HTTP 403)',
    );
    expect(error.description).toContain('Cognitive Services OpenAI User role');
  });

  it('a token Entra ID refused names the credential and the fields to check', () => {
    const node = {
      id: 'n',
      name: 'Media',
      type: 'n8n-nodes-aoai-media.azureOpenAiMedia',
      typeVersion: 1,
      position: [0, 0] as [number, number],
      parameters: {},
      credentials: { azureOpenAiMediaOAuth2Api: { id: '1', name: 'Entra app' } },
    };
    const error = toNodeError(
      node,
      new AuthenticationError({
        status: 401,
        code: 'token_request_failed',
        message: 'Microsoft Entra ID did not issue a token (invalid_client: bad secret)',
      }),
      0,
    ) as NodeApiError;
    expect(error.message).toBe('Microsoft Entra ID did not sign in the credential "Entra app"');
    expect(error.description).toContain('tenant ID, client ID and client secret');
  });
});

describe('validation messages', () => {
  const node = {
    id: 'n',
    name: 'Media',
    type: 'n8n-nodes-aoai-media.azureOpenAiMedia',
    typeVersion: 1,
    position: [0, 0] as [number, number],
    parameters: {},
  };

  it('name the field as the UI shows it and by its API name, ranges as ranges, with a fix', () => {
    const error = toNodeError(
      node,
      new ValidationError([
        {
          path: 'n',
          code: 'out_of_range',
          message: 'n 12 is out of range for gpt-image-1; use 1 to 10',
          allowed: [1, 10],
        },
        {
          path: 'output_format',
          code: 'not_allowed',
          message: 'output_format "gif" is not supported by gpt-image-1; use png, jpeg or webp',
          allowed: ['png', 'jpeg', 'webp'],
        },
      ]),
      0,
    ) as NodeOperationError;
    expect(error.message).toBe('2 parameters are not valid for this request');
    expect(error.description).toBe(
      [
        '- Number of Images (n): 12 is out of range for gpt-image-1; use 1 to 10',
        '  Allowed: 1 to 10. Fix: set "Number of Images" to a value from 1 to 10.',
        '- Output Format (output_format): "gif" is not supported by gpt-image-1; use png, jpeg or webp',
        '  Allowed: PNG, JPEG, WebP. Fix: choose one of them in "Output Format".',
      ].join('\n'),
    );
    expect(error.description).not.toContain('(allowed: 1, 10)');
  });
});
