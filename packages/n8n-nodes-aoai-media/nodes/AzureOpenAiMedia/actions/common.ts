import { getModel, type AzureOpenAIMedia, type ModelSpec } from '@aoai-media/core';
import {
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';
import { createClient } from '../transport';

export interface FileInput {
	data: Uint8Array;
	filename: string;
	contentType: string;
}

/** Reads the deployment and model parameters and builds a client for them. */
export async function clientFor<K extends ModelSpec['kind']>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	kind: K,
): Promise<{
	client: AzureOpenAIMedia;
	deployment: string;
	model: Extract<ModelSpec, { kind: K }>;
}> {
	const deployment = String(ctx.getNodeParameter('deployment', itemIndex, '')).trim();
	const modelName = String(ctx.getNodeParameter('model', itemIndex, ''));
	const model = getModel(modelName);
	const problems: string[] = [];
	if (!deployment) problems.push('- deployment: the deployment name is required');
	if (!model || model.kind !== kind) {
		problems.push(`- model: "${modelName}" is not a known ${kind} model`);
	}
	if (problems.length > 0 || !model) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${problems.length} problem(s) with the parameters`,
			{
				itemIndex,
				description: problems.join('\n'),
			},
		);
	}
	const client = await createClient(ctx, { deployment, model: model.name });
	return { client, deployment, model: model as Extract<ModelSpec, { kind: K }> };
}

/** `"a, b ,c"` -> `['a', 'b', 'c']`. */
export function names(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
}

/** A file for core from an item's binary property (n8n names the field and item when it is missing). */
export async function readBinary(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
): Promise<FileInput> {
	const meta = ctx.helpers.assertBinaryData(itemIndex, property);
	const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	const extension = meta.fileExtension ?? meta.mimeType.split('/')[1] ?? 'bin';
	return {
		data: new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength),
		filename: meta.fileName ?? `${property}.${extension}`,
		contentType: meta.mimeType,
	};
}

export function toBinary(
	ctx: IExecuteFunctions,
	bytes: Uint8Array,
	fileName: string,
	mimeType: string,
): Promise<IBinaryData> {
	return ctx.helpers.prepareBinaryData(
		Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
		fileName,
		mimeType,
	);
}

export async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The parameter's value, or undefined when it is not shown for this model (or left empty). */
export function optional<T>(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
): T | undefined {
	const value = ctx.getNodeParameter(name, itemIndex, undefined) as T | undefined;
	if (value === '' || value === null) return undefined;
	return value;
}

export function getOptions(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return (ctx.getNodeParameter('options', itemIndex, {}) as IDataObject) ?? {};
}

/** Drops undefined fields, so only what the user set reaches the request. */
export function compact<T extends Record<string, unknown>>(value: T): T {
	return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function cancelSignal(ctx: IExecuteFunctions): { signal?: AbortSignal } {
	const signal = ctx.getExecutionCancelSignal();
	return signal ? { signal } : {};
}
