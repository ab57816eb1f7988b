/**
 * Core's host primitives (timers, fetch, clock, randomness, base64), built on what n8n provides.
 * build.mjs bundles this file in place of core's own `platform` module, so the node's JavaScript
 * names none of the globals n8n's package scan forbids (`setTimeout`, `clearTimeout`,
 * `globalThis`). It exports the same names as core's module (a test compares them).
 */
import * as workflow from 'n8n-workflow';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * n8n-workflow's abortable wait: `sleepWithAbort` in the n8n releases that run on Node 20, folded
 * into `sleep(ms, signal)` in later ones. Looked up when called, so either kind of instance works.
 */
export const defaultSleep: Sleep = async (ms, signal) => {
	const fromWorkflow = workflow as unknown as { sleepWithAbort?: Sleep; sleep: Sleep };
	const sleep = fromWorkflow.sleepWithAbort ?? fromWorkflow.sleep;
	await sleep(ms, signal);
};

/** The node always hands core its own transport (n8n's request helpers), so this is never used. */
export const defaultFetch: typeof fetch = async () => {
	throw new workflow.UnexpectedError(
		'Requests from the Azure OpenAI Media node go through n8n’s request helpers',
	);
};

export const defaultNow = (): number => Date.now();

export const defaultRandom = (): number => Math.random();

/** Node's own base64 decoder, as a plain Uint8Array view (never a Buffer). */
export function nativeDecodeBase64(input: string): Uint8Array | undefined {
	const decoded = Buffer.from(input, 'base64');
	return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
}
