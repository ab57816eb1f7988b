/**
 * A small stand-in for n8n's IExecuteFunctions, the boundary between n8n and the node. Parameters
 * resolve like n8n does (a value the user set, else the default of the property that is displayed
 * for the current resource/operation/model), and requests reach a `respond` function that plays Azure.
 */
import {
	NodeOperationError,
	type IBinaryData,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';
import { AzureOpenAiMediaApi } from '../../credentials/AzureOpenAiMediaApi.credentials';
import { AzureOpenAiMedia } from '../../nodes/AzureOpenAiMedia/AzureOpenAiMedia.node';

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
}

const node = new AzureOpenAiMedia();
const credential = new AzureOpenAiMediaApi();

function isShown(property: INodeProperties, values: Record<string, unknown>): boolean {
	const show = property.displayOptions?.show ?? {};
	return Object.entries(show).every(([key, allowed]) =>
		(allowed as unknown[]).includes(resolve(key, values)),
	);
}

/** The value n8n would give: set by the user, else the displayed property's default. */
function resolve(name: string, values: Record<string, unknown>): unknown {
	if (name in values) return values[name];
	const property = node.description.properties.find((p) => p.name === name && isShown(p, values));
	return property?.default;
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

export function fakeContext(options: FakeOptions) {
	const items: INodeExecutionData[] = options.items ?? [{ json: {} }];
	const requests: SentRequest[] = [];
	const credentials: IDataObject = options.credentials ?? {
		endpoint: ENDPOINT,
		authType: 'apiKey',
		apiKey: API_KEY,
		apiVersion: 'preview',
	};
	const paramsFor = (i: number) =>
		typeof options.params === 'function' ? options.params(i) : options.params;
	const nodeInfo: INode = {
		id: 'unit-node',
		name: 'Azure OpenAI Media',
		type: options.nodeType ?? 'n8n-nodes-aoai-media.azureOpenAiMedia',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};

	async function send(
		requestOptions: IHttpRequestOptions,
		authenticated: boolean,
	): Promise<unknown> {
		let finalOptions = requestOptions;
		if (authenticated)
			finalOptions = await credential.authenticate(
				credentials as ICredentialDataDecryptedObject,
				requestOptions,
			);
		const headers = Object.fromEntries(
			Object.entries(finalOptions.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
		);
		const body = finalOptions.body as Buffer | undefined;
		const request: SentRequest = {
			method: finalOptions.method ?? 'GET',
			url: new URL(finalOptions.url),
			headers,
			body,
			authenticated,
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
		return {
			body: replyBody,
			headers: { 'content-type': contentType, ...(reply.headers ?? {}) },
			statusCode: reply.status ?? 200,
			statusMessage: '',
		};
	}

	const ctx = {
		getInputData: () => items,
		getNode: () => nodeInfo,
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.cancel,
		getCredentials: async () => credentials,
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			const values = paramsFor(itemIndex);
			const [head, ...rest] = name.split('.');
			const value = resolve(head!, values);
			const found = rest.length ? getPath(value, rest) : value;
			if (found !== undefined) return found;
			if (arguments.length >= 3) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		},
		helpers: {
			httpRequestWithAuthentication: async (type: string, requestOptions: IHttpRequestOptions) => {
				if (type !== 'azureOpenAiMediaApi') throw new Error(`unexpected credential type ${type}`);
				return send(requestOptions, true);
			},
			httpRequest: async (requestOptions: IHttpRequestOptions) => send(requestOptions, false),
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
			prepareBinaryData: async (
				buffer: Buffer,
				fileName?: string,
				mimeType?: string,
			): Promise<IBinaryData> => ({
				data: buffer.toString('base64'),
				fileName,
				mimeType: mimeType ?? 'application/octet-stream',
				fileExtension: fileName?.split('.').pop(),
				fileSize: `${buffer.byteLength} B`,
			}),
		},
	};
	return { ctx: ctx as unknown as IExecuteFunctions, requests };
}

/** Runs the node's execute() as n8n would, with the fake context. */
export async function run(options: FakeOptions) {
	const { ctx, requests } = fakeContext(options);
	const output = await node.execute.call(ctx);
	return { output: output[0]!, requests };
}

export { node };
