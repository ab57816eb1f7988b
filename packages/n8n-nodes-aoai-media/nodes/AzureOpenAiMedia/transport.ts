/**
 * Core speaks `fetch`; n8n wants requests to go through its request functions so its proxy settings and
 * credential handling apply. This file turns one into the other.
 */
import { AuthenticationError, AzureOpenAIMedia, type Auth, type Sleep } from '@aoai-media/core';
import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type JsonObject,
} from 'n8n-workflow';
import { defaultNow, defaultSleep } from './platform';

/** The node's two credential types; the Authentication parameter picks one. */
export const API_CREDENTIAL = 'azureOpenAiMediaApi';
export const ENTRA_CREDENTIAL = 'azureOpenAiMediaOAuth2Api';
export type CredentialType = typeof API_CREDENTIAL | typeof ENTRA_CREDENTIAL;

export function credentialTypeOf(ctx: IExecuteFunctions): CredentialType {
	const chosen = ctx.getNodeParameter('authentication', 0, API_CREDENTIAL);
	return chosen === ENTRA_CREDENTIAL ? ENTRA_CREDENTIAL : API_CREDENTIAL;
}

interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
	statusMessage?: string;
}

/** Statuses whose Response must not carry a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array | string> {
	return typeof (value as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === 'function';
}

/**
 * A web stream over the body n8n hands back as a Node stream: read one chunk each time core (or
 * whoever it gives the stream to) asks for one, so a video is never gathered here.
 */
function webStream(body: AsyncIterable<Uint8Array | string>): ReadableStream<Uint8Array> {
	let iterator: AsyncIterator<Uint8Array | string> | undefined;
	return new ReadableStream<Uint8Array>(
		{
			async pull(controller) {
				iterator ??= body[Symbol.asyncIterator]();
				const { done, value } = await iterator.next();
				if (done) controller.close();
				else
					controller.enqueue(typeof value === 'string' ? new TextEncoder().encode(value) : value);
			},
			async cancel() {
				await iterator?.return?.();
			},
		},
		{ highWaterMark: 0 },
	);
}

function toResponse(raw: FullResponse): Response {
	const headers = new Headers();
	for (const [name, value] of Object.entries(raw.headers ?? {})) {
		if (value === undefined) continue;
		headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
	}
	let body: BodyInit | null = null;
	if (!NULL_BODY.has(raw.statusCode) && raw.body !== undefined && raw.body !== null) {
		if (raw.body instanceof Uint8Array) body = raw.body as Uint8Array<ArrayBuffer>;
		else if (raw.body instanceof ArrayBuffer) body = new Uint8Array(raw.body);
		else if (typeof raw.body === 'string') body = raw.body;
		else if (isAsyncIterable(raw.body)) body = webStream(raw.body);
		else body = JSON.stringify(raw.body);
	}
	return new Response(body, {
		status: raw.statusCode,
		statusText: raw.statusMessage ?? '',
		headers,
	});
}

/** The code of the authentication error raised when the token endpoint refuses the client. */
export const TOKEN_REQUEST_FAILED = 'token_request_failed';

/** Reads and drops a body nobody will read, so its connection is freed. */
async function discard(body: unknown): Promise<void> {
	if (!isAsyncIterable(body)) return;
	for await (const chunk of body) void chunk;
}

/**
 * The read n8n sees when the OAuth2 token needs renewing: n8n fetches a new token only when a
 * request it sends for the node is refused with a thrown 401, and with an API answer that is
 * thrown n8n 2.8 keeps neither the headers nor the body. So Azure's answers always come back as
 * answers, and on a 401 this cheap read (the credential's own test request, which creates
 * nothing) lets n8n renew the token; the refused request is then sent once more. Whatever the
 * read ends with, the resent request tells the outcome.
 */
async function renewToken(ctx: IExecuteFunctions, origin: string): Promise<void> {
	try {
		await ctx.helpers.httpRequestWithAuthentication.call(ctx, ENTRA_CREDENTIAL, {
			url: `${origin}/openai/v1/models`,
			method: 'GET',
			json: true,
		});
	} catch {
		// The resent request answers for it: Azure's 401 again if the token could not be renewed.
	}
}

/**
 * A request with the OAuth2 credential that throws instead of answering failed before reaching
 * Azure, or could not reach it. Without a token held by the credential, it was the token
 * request: Entra ID refused the client (or could not be reached), which the user fixes in the
 * credential, so that is what the error says.
 */
async function signInFailure(ctx: IExecuteFunctions, error: unknown): Promise<Error> {
	const credentials = await ctx.getCredentials(ENTRA_CREDENTIAL).catch(() => undefined);
	const token = (credentials?.oauthTokenData as IDataObject | undefined)?.access_token;
	if (token) return new NodeApiError(ctx.getNode(), error as JsonObject);
	return new AuthenticationError({
		status: 401,
		code: TOKEN_REQUEST_FAILED,
		message: `Microsoft Entra ID did not issue a token (${(error as Error)?.message ?? String(error)})`,
	});
}

/**
 * A `fetch` on `httpRequestWithAuthentication`. The credential adds the key or token, so the
 * headers core set are dropped here; a request to another origin (a redirect) goes out without
 * the credential at all. Bodies come back as streams and are read only as core reads them.
 */
export function n8nFetch(
	ctx: IExecuteFunctions,
	endpoint: string,
	credentialType: CredentialType = API_CREDENTIAL,
): typeof fetch {
	const origin = new URL(endpoint).origin;
	return async (input, init = {}) => {
		const url =
			typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
		const headers: IDataObject = {};
		new Headers(init.headers).forEach((value, name) => {
			if (name !== 'api-key' && name !== 'authorization') headers[name] = value;
		});
		let body: Buffer | undefined;
		if (init.body instanceof FormData) {
			// Let the platform encode the multipart body and its boundary, then send the bytes.
			const encoded = new Request(url, { method: 'POST', body: init.body });
			headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
			body = Buffer.from(await encoded.arrayBuffer());
		} else if (typeof init.body === 'string') {
			body = Buffer.from(init.body, 'utf8');
		} else if (init.body instanceof Uint8Array) {
			body = Buffer.from(init.body);
		}
		const sameOrigin = new URL(url).origin === origin;
		const entra = sameOrigin && credentialType === ENTRA_CREDENTIAL;
		// A fresh copy per attempt: n8n's helpers add to the options they are given.
		const send = async (): Promise<FullResponse> => {
			const options: IHttpRequestOptions = {
				url,
				method: (init.method ?? 'GET') as IHttpRequestMethods,
				headers: { ...headers },
				body,
				encoding: 'stream',
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
			};
			if (init.signal) options.abortSignal = init.signal;
			try {
				return (
					sameOrigin
						? await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, options)
						: await ctx.helpers.httpRequest(options)
				) as FullResponse;
			} catch (error) {
				throw entra
					? await signInFailure(ctx, error)
					: new NodeApiError(ctx.getNode(), error as JsonObject);
			}
		};
		let raw = await send();
		if (entra && raw.statusCode === 401) {
			// A 401 means Azure processed nothing, so the request is safe to send again.
			await discard(raw.body);
			await renewToken(ctx, origin);
			raw = await send();
		}
		return toResponse(raw);
	};
}

/** Waits on n8n's sleep, stopping early when the execution is cancelled. */
export function n8nSleep(ctx: IExecuteFunctions): Sleep {
	return async (ms, signal) => {
		const cancel = ctx.getExecutionCancelSignal();
		const signals = [signal, cancel].filter((s): s is AbortSignal => s !== undefined);
		const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
		await defaultSleep(ms, combined);
	};
}

/** A check core found in a request that is sent anyway (Azure accepts it, or the sources disagree). */
export interface RequestWarning {
	/** The request field, e.g. `output_compression`. */
	path: string;
	code: string;
	message: string;
}

export interface ClientTarget {
	deployment: string;
	model: string;
	/** The model names core may call although they are retired (`allowRetiredModels`). */
	allowRetiredModels: false | string[];
	onWarning: (warning: RequestWarning) => void;
}

/** Lifecycle warnings are the node's to give (it checks the model before the client exists). */
const LIFECYCLE_CODES = new Set(['model_retired', 'model_retiring', 'model_deprecated']);

/** A core client for one deployment, configured from the node's credential. */
export async function createClient(
	ctx: IExecuteFunctions,
	target: ClientTarget,
): Promise<AzureOpenAIMedia> {
	const credentialType = credentialTypeOf(ctx);
	const credentials = await ctx.getCredentials(credentialType);
	const endpoint = String(credentials.endpoint ?? '').trim();
	// An empty API Version leaves the choice to core (Azure's v1 API).
	const apiVersion = String(credentials.apiVersion ?? '').trim() || undefined;
	return new AzureOpenAIMedia({
		endpoint,
		auth: clientAuth(credentialType, credentials),
		apiVersion,
		allowRetiredModels: target.allowRetiredModels,
		deployments: { [target.deployment]: target.model },
		fetch: n8nFetch(ctx, endpoint, credentialType),
		sleep: n8nSleep(ctx),
		now: defaultNow,
		logger: {
			warn: (message, fields) => {
				const { path, code, operation } = fields ?? {};
				if (typeof path !== 'string' || typeof code !== 'string' || LIFECYCLE_CODES.has(code))
					return;
				const prefix = typeof operation === 'string' ? `${operation}: ` : '';
				target.onWarning({
					path,
					code,
					message: message.startsWith(prefix) ? message.slice(prefix.length) : message,
				});
			},
		},
	});
}

/**
 * What core is told about the sign-in. The transport drops core's own auth header and n8n adds
 * the credential's, so for OAuth2 (the token is n8n's to fetch and renew) core only learns that
 * it is a bearer token.
 */
function clientAuth(credentialType: CredentialType, credentials: IDataObject): Auth {
	if (credentialType === ENTRA_CREDENTIAL) return { tokenProvider: async () => 'from-n8n' };
	return credentials.authType === 'entraToken'
		? { bearerToken: String(credentials.bearerToken ?? '') }
		: { apiKey: String(credentials.apiKey ?? '') };
}
