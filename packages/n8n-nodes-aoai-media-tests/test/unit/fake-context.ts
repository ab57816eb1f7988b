/**
 * A small stand-in for n8n's IExecuteFunctions, the boundary between n8n and the node. Parameters
 * go through n8n-workflow's own getNodeParameters, as n8n does before a node runs (values of
 * parameters that are not displayed are dropped, defaults are added), and requests reach a
 * `respond` function that plays Azure.
 */
import { Readable } from 'node:stream';
import {
  NodeApiError,
  NodeHelpers,
  NodeOperationError,
  type IBinaryData,
  type ICredentialDataDecryptedObject,
  type IDataObject,
  type IExecuteFunctions,
  type IHttpRequestOptions,
  type INode,
  type INodeExecutionData,
  type JsonObject,
  type NodeExecutionHint,
} from 'n8n-workflow';
import { AzureOpenAiMediaApi } from 'n8n-nodes-aoai-media/credentials/AzureOpenAiMediaApi.credentials';
import type { INodeParameters } from 'n8n-workflow';
import { AzureOpenAiMedia } from 'n8n-nodes-aoai-media/nodes/AzureOpenAiMedia/AzureOpenAiMedia.node';

export const ENDPOINT = 'https://unit.openai.azure.com';
export const API_KEY = 'unit-test-key-123';

export interface SentRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer | undefined;
  authenticated: boolean;
  /** The body parsed as JSON, when it is JSON. */
  json?: any;
  /** The body parsed as multipart form data, when it is multipart. */
  form?: FormData;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Respond = (request: SentRequest) => Reply | Promise<Reply>;

export interface FakeOptions {
  params: Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>);
  items?: INodeExecutionData[];
  respond?: Respond;
  continueOnFail?: boolean;
  nodeType?: string;
  credentials?: IDataObject;
  cancel?: AbortSignal;
  /** How n8n keeps binary data: inline base64 (`default`) or as files with ids (`filesystem`). */
  binaryMode?: 'default' | 'filesystem';
  /** The node's version in the workflow (1 where a test does not say: the tests written for version 1). */
  typeVersion?: number;
  /**
   * The OAuth2 credential as n8n runs it: the tokens its token endpoint issues, in order (a token
   * is fetched when the credential holds none, and again when a request n8n sends is refused with
   * a thrown 401), or `refuse` for a token endpoint that refuses the client.
   */
  oauth?: { tokens: string[]; held?: string; refuse?: boolean };
}

/** What a file stored by the fake prepareBinaryData holds, by binary id (filesystem mode). */
export type StoredFiles = Map<string, Buffer>;

/** Each prepareBinaryData call: its file name and whether it was handed a Buffer or a stream. */
export type Prepared = { fileName: string | undefined; input: 'buffer' | 'stream' }[];

const node = new AzureOpenAiMedia();
const credential = new AzureOpenAiMediaApi();

/**
 * The node's parameters as n8n hands them to a running node of a version: undisplayed values
 * dropped, that version's defaults added.
 */
export function resolvedParameters(values: Record<string, unknown>, typeVersion = 1): INodeParameters {
  return (
    NodeHelpers.getNodeParameters(
      node.description.properties,
      values as INodeParameters,
      true,
      false,
      { typeVersion },
      node.description,
    ) ?? {}
  );
}

function getPath(value: unknown, path: string[]): unknown {
  return path.reduce<unknown>(
    (v, key) => (v && typeof v === 'object' ? (v as IDataObject)[key] : undefined),
    value,
  );
}

async function parseBody(headers: Record<string, string>, body: Buffer | undefined) {
  const type = headers['content-type'] ?? '';
  if (!body) return {};
  if (type.includes('application/json')) return { json: JSON.parse(body.toString('utf8')) };
  if (type.includes('multipart/form-data')) {
    return {
      form: await new Response(body as unknown as BodyInit, {
        headers: { 'content-type': type },
      }).formData(),
    };
  }
  return {};
}

export function binaryItem(
  fields: Record<string, { bytes: Uint8Array; fileName: string; mimeType: string }>,
  json: IDataObject = {},
): INodeExecutionData {
  const binary: Record<string, IBinaryData> = {};
  for (const [name, file] of Object.entries(fields)) {
    binary[name] = {
      data: Buffer.from(file.bytes).toString('base64'),
      fileName: file.fileName,
      mimeType: file.mimeType,
      fileExtension: file.fileName.split('.').pop(),
    };
  }
  return { json, binary };
}

const OAUTH2_TYPE = 'azureOpenAiMediaOAuth2Api';

async function* chunksOf(stream: AsyncIterable<Uint8Array | string>) {
  for await (const chunk of stream) yield Buffer.from(chunk);
}

export function fakeContext(options: FakeOptions) {
  const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
  const requests: SentRequest[] = [];
  const stored: StoredFiles = new Map();
  const prepared: Prepared = [];
  const credentials: IDataObject = options.credentials ?? {
    endpoint: ENDPOINT,
    authType: 'apiKey',
    apiKey: API_KEY,
    apiVersion: 'preview',
  };
  const typeVersion = options.typeVersion ?? 1;
  const paramsFor = (i: number) =>
    resolvedParameters(
      typeof options.params === 'function' ? options.params(i) : options.params,
      typeVersion,
    );
  const credentialType = String(paramsFor(0).authentication ?? 'azureOpenAiMediaApi');
  const nodeInfo: INode = {
    id: 'unit-node',
    name: 'Azure OpenAI Media',
    type: options.nodeType ?? 'n8n-nodes-aoai-media.azureOpenAiMedia',
    typeVersion,
    position: [0, 0],
    parameters: paramsFor(0),
    credentials: { [credentialType]: { id: 'cred-1', name: 'Azure (unit)' } },
  };

  const oauth = {
    ...{ tokens: [] as string[] },
    ...options.oauth,
    tokens: [...(options.oauth?.tokens ?? [])],
  };
  let heldToken = options.oauth?.held;
  const tokenRequests: string[] = [];
  const fetchToken = () => {
    tokenRequests.push('client_credentials');
    const token = oauth.refuse ? undefined : oauth.tokens.shift();
    if (!token)
      throw new Error(
        'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
      );
    heldToken = token;
  };

  /** n8n's OAuth2 request: a token fetched when none is held, renewed on a thrown 401. */
  async function sendOAuth2(requestOptions: IHttpRequestOptions): Promise<unknown> {
    if (!heldToken) {
      try {
        fetchToken();
      } catch (error) {
        throw new NodeApiError(nodeInfo, error as JsonObject);
      }
    }
    const signed = () => ({
      ...requestOptions,
      headers: { ...(requestOptions.headers ?? {}), Authorization: `Bearer ${heldToken}` },
    });
    try {
      return await send(signed(), OAUTH2_TYPE);
    } catch (error) {
      if ((error as { status?: number }).status !== 401) throw error;
      fetchToken();
      return await send(signed(), OAUTH2_TYPE);
    }
  }

  async function send(requestOptions: IHttpRequestOptions, authType: string | undefined): Promise<unknown> {
    let finalOptions = requestOptions;
    if (authType === OAUTH2_TYPE) {
      finalOptions = requestOptions;
    } else if (authType !== undefined) {
      finalOptions = await credential.authenticate(
        credentials as ICredentialDataDecryptedObject,
        requestOptions,
      );
    }
    const headers = Object.fromEntries(
      Object.entries(finalOptions.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    const body = finalOptions.body as Buffer | undefined;
    const request: SentRequest = {
      method: finalOptions.method ?? 'GET',
      url: new URL(finalOptions.url),
      headers,
      body,
      authenticated: authType !== undefined,
      ...(await parseBody(headers, body)),
    };
    requests.push(request);
    if (finalOptions.abortSignal?.aborted) throw new Error('aborted');
    const notFound: Respond = () => ({
      status: 404,
      body: { error: { code: 'NotFound', message: 'no route' } },
    });
    const reply = await (options.respond ?? notFound)(request);
    const replyBody =
      reply.body === undefined
        ? Buffer.alloc(0)
        : reply.body instanceof Uint8Array
          ? Buffer.from(reply.body)
          : Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    const contentType =
      reply.body instanceof Uint8Array
        ? 'application/octet-stream'
        : typeof reply.body === 'string'
          ? 'text/plain'
          : 'application/json';
    const status = reply.status ?? 200;
    const responseHeaders = { 'content-type': contentType, ...(reply.headers ?? {}) };
    // As n8n's request helper answers: a Node stream when asked for one.
    const data = finalOptions.encoding === 'stream' ? Readable.from([replyBody]) : replyBody;
    if (status >= 400 && finalOptions.ignoreHttpStatusErrors !== true) {
      // n8n throws error statuses (wrapped in a NodeApiError) unless told to ignore them.
      // n8n 2.8 keeps neither the headers nor the body of such an answer; the status is all there is.
      throw Object.assign(
        new NodeApiError(nodeInfo, { message: `Request failed with status code ${status}` }),
        {
          status,
        },
      );
    }
    return { body: data, headers: responseHeaders, statusCode: status, statusMessage: '' };
  }

  let stores = 0;
  /** What the node asked n8n to show above its output. */
  const hints: NodeExecutionHint[] = [];
  const ctx = {
    addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added),
    getInputData: () => items,
    getNode: () => nodeInfo,
    continueOnFail: () => options.continueOnFail ?? false,
    getExecutionCancelSignal: () => options.cancel,
    getCredentials: async (type: string) => {
      if (type !== credentialType) throw new Error(`the node has no credential of type ${type}`);
      return type === OAUTH2_TYPE && heldToken
        ? { ...credentials, oauthTokenData: { access_token: heldToken } }
        : credentials;
    },
    getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
      const found = getPath(paramsFor(itemIndex), name.split('.'));
      if (found !== undefined) return found;
      if (arguments.length >= 3) return fallback;
      throw new Error(`Could not get parameter "${name}"`);
    },
    helpers: {
      httpRequestWithAuthentication: async (type: string, requestOptions: IHttpRequestOptions) => {
        if (type !== credentialType) throw new Error(`unexpected credential type ${type}`);
        return type === OAUTH2_TYPE ? sendOAuth2(requestOptions) : send(requestOptions, type);
      },
      httpRequest: async (requestOptions: IHttpRequestOptions) => send(requestOptions, undefined),
      assertBinaryData(itemIndex: number, property: string): IBinaryData {
        const data = items[itemIndex]?.binary?.[property];
        if (!data) {
          throw new NodeOperationError(
            nodeInfo,
            `This operation expects the node's input data to contain a binary file '${property}', but none was found [item ${itemIndex}]`,
            { itemIndex },
          );
        }
        return data;
      },
      getBinaryDataBuffer: async (itemIndex: number, property: string) =>
        Buffer.from(items[itemIndex]!.binary![property]!.data, 'base64'),
      // n8n's two behaviours: inline base64 from a Buffer or a Node stream, or a file written
      // from a Buffer or any (async) iterable, as fs.writeFile does in filesystem mode.
      prepareBinaryData: async (
        input: Buffer | AsyncIterable<Uint8Array>,
        fileName?: string,
        mimeType?: string,
      ): Promise<IBinaryData> => {
        const filesystem = options.binaryMode === 'filesystem';
        prepared.push({ fileName, input: Buffer.isBuffer(input) ? 'buffer' : 'stream' });
        if (!Buffer.isBuffer(input) && !filesystem && typeof (input as Readable).on !== 'function')
          throw new TypeError('stream.on is not a function');
        const chunks: Buffer[] = [];
        if (Buffer.isBuffer(input)) chunks.push(input);
        else for await (const chunk of chunksOf(input)) chunks.push(chunk);
        const bytes = Buffer.concat(chunks);
        const binary: IBinaryData = {
          data: filesystem ? 'filesystem-v2' : bytes.toString('base64'),
          fileName,
          mimeType: mimeType ?? 'application/octet-stream',
          fileExtension: fileName?.split('.').pop(),
          fileSize: `${bytes.byteLength} B`,
          bytes: bytes.byteLength,
        };
        if (filesystem) {
          binary.id = `filesystem-v2:workflows/unit/executions/1/binary_data/${++stores}`;
          stored.set(binary.id, bytes);
        }
        return binary;
      },
      createBinarySignedUrl: (binary: IBinaryData) => {
        if (!binary.id) throw new Error('URL signing is not available in memory mode');
        return `http://127.0.0.1:5678/rest/binary-data/signed?token=${encodeURIComponent(binary.id)}`;
      },
    },
  };
  return { ctx: ctx as unknown as IExecuteFunctions, requests, stored, prepared, tokenRequests, hints };
}

/** Runs the node's execute() as n8n would, with the fake context. */
export async function run(options: FakeOptions) {
  const { ctx, requests, stored, prepared, tokenRequests, hints } = fakeContext(options);
  const output = await node.execute.call(ctx);
  return { output: output[0]!, requests, stored, prepared, tokenRequests, hints };
}

export { node };
