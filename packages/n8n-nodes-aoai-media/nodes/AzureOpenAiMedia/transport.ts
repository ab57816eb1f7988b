/**
 * Core speaks `fetch`; n8n wants requests to go through its request functions so its proxy settings and
 * credential handling apply. This file turns one into the other.
 */
import { AzureOpenAIMedia, type Sleep } from '@aoai-media/core';
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';
import * as workflow from 'n8n-workflow';

export const CREDENTIAL_TYPE = 'azureOpenAiMediaApi';

interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
	statusMessage?: string;
}

/** Statuses whose Response must not carry a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function toResponse(raw: FullResponse): Response {
	const headers = new Headers();
	for (const [name, value] of Object.entries(raw.headers ?? {})) {
		if (value === undefined) continue;
		headers.set(name, Array.isArray(value) ? value.join(', ') : String(value));
	}
	let body: Uint8Array | null = null;
	if (!NULL_BODY.has(raw.statusCode) && raw.body !== undefined && raw.body !== null) {
		if (raw.body instanceof Uint8Array) body = raw.body;
		else if (raw.body instanceof ArrayBuffer) body = new Uint8Array(raw.body);
		else if (typeof raw.body === 'string') body = new TextEncoder().encode(raw.body);
		else body = new TextEncoder().encode(JSON.stringify(raw.body));
	}
	return new Response(body as BodyInit | null, {
		status: raw.statusCode,
		statusText: raw.statusMessage ?? '',
		headers,
	});
}

/**
 * A `fetch` on `httpRequestWithAuthentication`. The credential's `authenticate` adds the key or
 * token, so the headers core set are dropped here; a request to another origin (a redirect) goes
 * out without the credential at all.
 */
export function n8nFetch(ctx: IExecuteFunctions, endpoint: string): typeof fetch {
	return async (input, init = {}) => {
		const origin = new URL(endpoint).origin;
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
		const options: IHttpRequestOptions = {
			url,
			method: (init.method ?? 'GET') as IHttpRequestMethods,
			headers,
			body,
			encoding: 'arraybuffer',
			json: false,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
		};
		if (init.signal) options.abortSignal = init.signal;
		const raw = (
			new URL(url).origin === origin
				? await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)
				: await ctx.helpers.httpRequest(options)
		) as FullResponse;
		return toResponse(raw);
	};
}

type AbortableSleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * n8n-workflow's abortable wait: `sleepWithAbort` in the n8n releases that run on Node 20, folded
 * into `sleep(ms, signal)` in later ones. Looked up when called, so either kind of instance works.
 */
function abortableSleep(): AbortableSleep {
	const fromWorkflow = workflow as unknown as {
		sleepWithAbort?: AbortableSleep;
		sleep: AbortableSleep;
	};
	return fromWorkflow.sleepWithAbort ?? fromWorkflow.sleep;
}

/** Waits on n8n's sleep, stopping early when the execution is cancelled. */
export function n8nSleep(ctx: IExecuteFunctions): Sleep {
	return async (ms, signal) => {
		const cancel = ctx.getExecutionCancelSignal();
		const signals = [signal, cancel].filter((s): s is AbortSignal => s !== undefined);
		const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
		await abortableSleep()(ms, combined);
	};
}

export interface ClientTarget {
	deployment: string;
	model: string;
}

/** A core client for one deployment, configured from the node's credential. */
export async function createClient(
	ctx: IExecuteFunctions,
	target: ClientTarget,
): Promise<AzureOpenAIMedia> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const endpoint = String(credentials.endpoint ?? '').trim();
	const apiVersion = String(credentials.apiVersion ?? '').trim() || 'preview';
	const auth =
		credentials.authType === 'entraToken'
			? { bearerToken: String(credentials.bearerToken ?? '') }
			: { apiKey: String(credentials.apiKey ?? '') };
	return new AzureOpenAIMedia({
		endpoint,
		auth,
		apiVersion,
		// Until the node has its own option for it, retired models stay callable (core marks them).
		allowRetiredModels: true,
		deployments: { [target.deployment]: target.model },
		fetch: n8nFetch(ctx, endpoint),
		sleep: n8nSleep(ctx),
	});
}
