/**
 * Parameter builders that read core's model table, so the node only offers what a model accepts:
 * the model list per operation, and per-model option lists shown only for the models they fit.
 */
import {
	MODELS,
	type AudioModel,
	type ImageModel,
	type ModelSpec,
	type VideoApi,
	type VideoModel,
} from '@aoai-media/core';
import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

export type Show = { resource: string[]; operation: string[] };

export const imageModels = (filter: (m: ImageModel) => boolean = () => true): ImageModel[] =>
	MODELS.filter((m): m is ImageModel => m.kind === 'image' && filter(m));

/** Video models, all of them or those speaking one API (Sora 1 `jobs`, Sora 2 `videos`). */
export const videoModelsFor = (api?: VideoApi): VideoModel[] =>
	MODELS.filter((m): m is VideoModel => m.kind === 'video' && (api === undefined || m.api === api));

export const audioModels = (operation: 'transcribe' | 'translate'): AudioModel[] =>
	MODELS.filter((m): m is AudioModel => m.kind === 'audio' && m.operations.includes(operation));

/** `wanted` when the list has it, else the list's first value (defaults that follow the model table). */
export function preferred<T extends string | number>(values: readonly T[], wanted: T): T {
	return values.includes(wanted) ? wanted : (values[0] as T);
}

export function options(values: readonly (string | number)[]): INodePropertyOptions[] {
	return values.map((value) => ({ name: String(value), value }));
}

export function deploymentProperty(show: Show): INodeProperties {
	return {
		displayName: 'Deployment Name',
		name: 'deployment',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. my-gpt-image-1',
		description: 'The name of the deployment in the Azure OpenAI resource',
		displayOptions: { show },
	};
}

export function modelProperty(models: readonly ModelSpec[], show: Show): INodeProperties {
	return {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: preferred(
			models.map((m) => m.name),
			'',
		),
		options: models.map((m) => ({ name: m.name, value: m.name })),
		description: 'The model the deployment runs; it decides which options below are offered',
		displayOptions: { show },
	};
}

function groupByValue<M extends ModelSpec, V>(
	models: readonly M[],
	pick: (model: M) => V | undefined,
) {
	const groups = new Map<string, { value: V; models: M[] }>();
	for (const model of models) {
		const value = pick(model);
		if (value === undefined) continue;
		const key = JSON.stringify(value);
		const group = groups.get(key);
		if (group) group.models.push(model);
		else groups.set(key, { value, models: [model] });
	}
	return [...groups.values()];
}

/**
 * One property per distinct value of `pick(model)`, shown only for the models sharing that value
 * (n8n keeps the one whose display options match). Models for which `pick` gives undefined get none.
 */
export function perModel<M extends ModelSpec, V>(
	models: readonly M[],
	show: Show,
	pick: (model: M) => V | undefined,
	build: (value: V, model: M) => Omit<INodeProperties, 'displayOptions'>,
): INodeProperties[] {
	return groupByValue(models, pick).map(({ value, models: group }) => ({
		...build(value, group[0]!),
		displayOptions: { show: { ...show, model: group.map((m) => m.name) } },
	}));
}

/** The same for an entry of an Options collection, which refers to the node's model as `/model`. */
export function perModelOption<M extends ModelSpec, V>(
	models: readonly M[],
	pick: (model: M) => V | undefined,
	build: (value: V, model: M) => Omit<INodeProperties, 'displayOptions'>,
	extraShow: IDisplayOptions['show'] = {},
): INodeProperties[] {
	return groupByValue(models, pick).map(({ value, models: group }) => ({
		...build(value, group[0]!),
		displayOptions: { show: { ...extraShow, '/model': group.map((m) => m.name) } },
	}));
}

export function binaryOutputProperty(show: Show, defaultName = 'data'): INodeProperties {
	return {
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyOutput',
		type: 'string',
		default: defaultName,
		description: 'The name of the binary property the file is written to',
		displayOptions: { show },
	};
}

/** Offered by every operation: how many items are sent to Azure at once. */
export const concurrencyOption: INodeProperties = {
	displayName: 'Items in Parallel',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: 16 },
	default: 1,
	description:
		'How many input items are processed at the same time. Output order still follows input order; 429 answers are retried after the wait Azure asks for.',
};

export function optionsCollection(show: Show, extra: INodeProperties[] = []): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [...extra, concurrencyOption].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
		displayOptions: { show },
	};
}
