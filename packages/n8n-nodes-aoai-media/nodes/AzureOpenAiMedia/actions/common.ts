import {
	getModel,
	lifecycleIssues,
	type AzureOpenAIMedia,
	type Download,
	type ModelOperation,
	type ModelSpec,
} from '@aoai-media/core';
import {
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { defaultNow } from '../platform';
import { createClient } from '../transport';
import { clearing, unacceptedFields } from './descriptions';
import { fieldLabel, modelLabel } from './labels';

export interface FileInput {
	data: Uint8Array;
	filename: string;
	contentType: string;
}

/**
 * Reads the deployment and model parameters, checks the model's lifecycle and builds a client.
 * `operation` names what the item creates (Azure bills it); without one it only reads.
 */
export async function clientFor<K extends ModelSpec['kind']>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	kind: K,
	operation?: ModelOperation,
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
	refuseUnacceptedFields(ctx, itemIndex, model);
	const allowRetired = checkLifecycle(ctx, itemIndex, model, operation);
	const client = await createClient(ctx, {
		deployment,
		model: model.name,
		allowRetiredModels: allowRetired ? [model.name] : false,
		// What Azure accepts but the sources disagree on, or ignores: sent, with a warning naming the field.
		onWarning: (warning) => warn(ctx, `${fieldLabel(warning.path)}: ${warning.message}`),
	});
	return { client, deployment, model: model as Extract<ModelSpec, { kind: K }> };
}

/** Core's words for a retired model end by naming its client option; the node names its own. */
const RETIRED_TAIL =
	/Deployments of a retired model answer only errors; if Azure has extended yours, set the client option allowRetiredModels\.?$/;

/**
 * Whether a retired model may be called for this item. Version 2 refuses one before anything is
 * sent unless Options → Allow Retired Model is on; version 1 calls it, as it always did. Reads
 * cost nothing, so a retired model only warns there. A model near retirement, or retired and
 * called anyway, gives a warning in the run's output.
 */
function checkLifecycle(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: ModelSpec,
	operation: ModelOperation | undefined,
): boolean {
	const set = getOptions(ctx, itemIndex).allowRetiredModel;
	const optedIn = typeof set === 'boolean' ? set : ctx.getNode().typeVersion < 2;
	const allowed = optedIn || operation === undefined;
	for (const issue of lifecycleIssues(model, defaultNow(), allowed)) {
		if (issue.severity !== 'warning') {
			throw new NodeOperationError(ctx.getNode(), issue.message.split(';')[0]!, {
				itemIndex,
				description: issue.message.replace(
					RETIRED_TAIL,
					'Deployments of a retired model answer only errors. If Azure has extended yours, add Options → Allow Retired Model. Nothing was sent to Azure.',
				),
			});
		}
		if (issue.code !== 'model_retired') {
			warn(ctx, `Model retiring: ${issue.message}.`);
			continue;
		}
		const why =
			operation === undefined
				? 'It is read anyway; a deployment Azure has not extended answers only errors.'
				: typeof set === 'boolean'
					? 'It is called anyway: Options → Allow Retired Model says Azure has extended this deployment.'
					: 'It is called anyway, as version 1 of this node calls retired models; version 2 refuses them unless Options → Allow Retired Model is on.';
		warn(ctx, `Retired model: ${issue.message.replace(RETIRED_TAIL, why)}`);
	}
	return allowed;
}

const warnings = new WeakMap<IExecuteFunctions, Set<string>>();

/** A warning for the run's output, given once per run of the node however many items repeat it. */
export function warn(ctx: IExecuteFunctions, message: string): void {
	let said = warnings.get(ctx);
	if (!said) warnings.set(ctx, (said = new Set()));
	said.add(message);
}

/** Hands the run's warnings to n8n, which shows them above the node's output. */
export function reportWarnings(ctx: IExecuteFunctions): void {
	const said = warnings.get(ctx);
	if (!said || said.size === 0) return;
	ctx.addExecutionHints(
		...[...said].map((message) => ({
			message,
			type: 'warning' as const,
			location: 'outputPane' as const,
		})),
	);
	warnings.delete(ctx);
}

/** Whether the node's saved parameters hold a value at `path` (`n`, `options.style`). */
function holds(parameters: IDataObject, path: string): boolean {
	const [head, child] = path.split('.');
	const value = parameters[head!];
	if (child === undefined) return value !== undefined;
	return typeof value === 'object' && value !== null && (value as IDataObject)[child] !== undefined;
}

/**
 * A value set for a field the chosen model does not accept (kept by the field's guard, see
 * descriptions.ts) stops the item before anything is sent: the model would ignore it or Azure
 * would refuse it, and either way the user did not get what the workflow says.
 */
export function refuseUnacceptedFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: ModelSpec,
): void {
	const resource = String(ctx.getNodeParameter('resource', itemIndex, ''));
	const operation = String(ctx.getNodeParameter('operation', itemIndex, ''));
	const parameters = ctx.getNode().parameters;
	const problems: string[] = [];
	const version = ctx.getNode().typeVersion;
	for (const field of unacceptedFields) {
		if (field.resource !== resource || field.operation !== operation) continue;
		if (field.versions === (version < 2 ? 'from version 2' : 'version 1')) continue;
		if (!field.models.includes(model.name) || !holds(parameters, field.parameter)) continue;
		const value = ctx.getNodeParameter(field.parameter, itemIndex, undefined);
		// A top-level guard holds the default while the model parameter is an expression.
		if (!field.parameter.includes('.') && JSON.stringify(value) === JSON.stringify(field.default))
			continue;
		const accepted = field.acceptedBy.map(modelLabel).join(', ');
		const clear = field.parameter.includes('.')
			? `remove "${field.displayName}" from the Options`
			: clearing(field);
		problems.push(
			`- ${field.displayName} (${field.apiName}) is set to ${JSON.stringify(value)}, but ${modelLabel(model.name)} does not accept it.` +
				`\n  Fix: ${clear}, or choose a model that accepts it${accepted ? ` (${accepted})` : ''}.`,
		);
	}
	if (problems.length === 0) return;
	throw new NodeOperationError(
		ctx.getNode(),
		problems.length === 1
			? `${modelLabel(model.name)} does not accept a value that is set`
			: `${modelLabel(model.name)} does not accept ${problems.length} values that are set`,
		{ itemIndex, description: problems.join('\n') },
	);
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

type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

const fileModes = new WeakMap<IExecuteFunctions, Promise<boolean>>();

/**
 * Whether n8n stores binary data as files (its filesystem mode, the default of n8n 2.x): it then
 * writes a stream to disk as the stream is read. Its other modes gather binary data in memory
 * from a Node stream only. n8n does not tell a node its mode, so this stores an empty file once
 * per node run and reads the mode from the id n8n gives it.
 */
function writesFiles(ctx: IExecuteFunctions): Promise<boolean> {
	let known = fileModes.get(ctx);
	if (!known) {
		known = ctx.helpers
			.prepareBinaryData(Buffer.alloc(0), 'binary-mode-check', 'application/octet-stream')
			.then((probe) => probe.id?.startsWith('filesystem') ?? false);
		fileModes.set(ctx, known);
	}
	return known;
}

/**
 * A downloaded file as n8n binary data. Where n8n writes files, the download streams straight
 * into it, so a video is never held in memory. Core's stream fails when the download ends short
 * of its announced length; the item then fails and no output refers to what was written (n8n 2.9
 * and later write to a temporary name and remove it). Elsewhere the file is read whole first, as
 * n8n would read it anyway.
 */
export async function storeDownload(
	ctx: IExecuteFunctions,
	download: Download,
	fileName: string,
	mimeType: string,
): Promise<IBinaryData> {
	if (await writesFiles(ctx)) {
		const binary = await ctx.helpers.prepareBinaryData(
			download.stream as unknown as BinaryInput,
			fileName,
			mimeType,
		);
		return binary;
	}
	return await toBinary(ctx, await readStream(download.stream), fileName, mimeType);
}

/** As an AI agent's tool the node answers in JSON: the agent never sees binary fields. */
export function isToolCall(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

export type OutputMode = 'binary' | 'reference';

/** Offered by the operations that return files. */
export const outputOption: INodeProperties = {
	displayName: 'Output',
	name: 'output',
	type: 'options',
	options: [
		{
			name: 'Binary Files',
			value: 'binary',
			description: 'Each file in a binary field, its details in JSON',
		},
		{
			name: 'Binary Files and References',
			value: 'reference',
			description:
				'Also a "files" list in JSON with a URL for each file that an AI agent or a later node can pass on: Azure’s URL where Azure answers with one, else n8n’s signed URL for the stored file',
		},
	],
	default: 'binary',
};

/** References are what an AI agent gets, whatever the option says. */
export function outputMode(ctx: IExecuteFunctions, itemIndex: number): OutputMode {
	if (isToolCall(ctx)) return 'reference';
	return getOptions(ctx, itemIndex).output === 'reference' ? 'reference' : 'binary';
}

/**
 * What can be passed on for a stored file: n8n's signed URL for it where n8n stores binary data
 * (filesystem, S3 or database mode; the URL works for a day), else its field and details.
 */
export function fileReference(
	ctx: IExecuteFunctions,
	field: string,
	binary: IBinaryData,
): IDataObject {
	const reference: IDataObject = {
		field,
		fileName: binary.fileName ?? null,
		mimeType: binary.mimeType,
		fileSize: binary.fileSize ?? null,
		url: null,
		source: 'n8n',
	};
	if (binary.id) reference.url = ctx.helpers.createBinarySignedUrl(binary);
	return reference;
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
