/**
 * Parameter builders that read core's model table, so the node only offers what a model accepts:
 * the model list per operation, and per-model option lists shown only for the models they fit.
 *
 * n8n drops the value of a parameter that is not displayed before the node runs, so a value an
 * imported workflow sets for a field the model does not accept would vanish without a word. Each
 * per-model field therefore also gets, for the other models, a hidden carrier of the same name that
 * keeps the value, and a guard that shows it in the editor while it differs from the default; the
 * node refuses to run with it (see `refuseUnacceptedFields`) and says how to clear it.
 */
import {
	modelOptions,
	MODELS,
	requestSchema,
	type JsonSchema,
	type AudioModel,
	type ImageModel,
	type ModelOperation,
	type ModelSpec,
	type SpeechModel,
	type VideoModel,
} from '@aoai-media/core';
import type {
	DisplayCondition,
	INodeProperties,
	INodePropertyOptions,
	NodeParameterValue,
} from 'n8n-workflow';
import { LISTED_AT, modelLabel } from './labels';

/** Where a property shows: an operation of a resource, in every version or (`@version`) some. */
export type Show = {
	resource: string[];
	operation: string[];
	'@version'?: Array<number | DisplayCondition>;
};

/**
 * The node's versions. n8n saves only the values that differ from a default, so a saved workflow
 * means what its version's defaults say: version 1 keeps the defaults it always had (and calls
 * retired models); version 2, the default for new nodes, starts from current models and refuses
 * retired ones unless Options → Allow Retired Model is on.
 */
export const NODE_VERSIONS = [1, 2];
export const DEFAULT_VERSION = 2;
export const VERSION_1 = { '@version': [1] };
export const FROM_VERSION_2 = { '@version': [{ _cnd: { gte: 2 } }] };

/** The models of a kind that take an operation, in core's table order. */
function modelsFor<M extends ModelSpec>(operation: ModelOperation): M[] {
	const names = new Set(
		modelOptions({ operation, now: LISTED_AT, includeRetired: true }).map((o) => o.value),
	);
	return MODELS.filter((m): m is M => names.has(m.name));
}

export const imageModels = (
	operation: 'images.generate' | 'images.edit' = 'images.generate',
): ImageModel[] => modelsFor<ImageModel>(operation);

/** Video models that create videos, or that remix them. */
export const videoModels = (
	operation: 'videos.create' | 'videos.remix' = 'videos.create',
): VideoModel[] => modelsFor<VideoModel>(operation);

export const audioModels = (operation: 'transcribe' | 'translate'): AudioModel[] =>
	modelsFor<AudioModel>(operation === 'transcribe' ? 'audio.transcribe' : 'audio.translate');

export const speechModels = (): SpeechModel[] => modelsFor<SpeechModel>('audio.speech');

/** The first value of a list, for a default. */
export function firstOf<T extends string | number>(values: readonly T[]): T {
	return values[0] as T;
}

/** `wanted` when the list has it, else the list's first value. */
export function preferred<T extends string | number>(values: readonly T[], wanted: T): T {
	return values.includes(wanted) ? wanted : (values[0] as T);
}

/**
 * Version 2's default for a field: the model table's default where it has one, else `auto` where
 * the model offers it (the model decides), else the table's first value.
 */
export function tableDefault<T extends string | number>(values: readonly T[], fromTable?: T): T {
	if (fromTable !== undefined && values.includes(fromTable)) return fromTable;
	return preferred(values, 'auto' as T);
}

/** The default core's request schema gives a field of a model's operation, if it gives one. */
export function schemaDefault(model: ModelSpec, operation: ModelOperation, field: string): unknown {
	const properties = requestSchema(model, operation)?.properties as
		Record<string, JsonSchema> | undefined;
	return properties?.[field]?.default;
}

/**
 * What version 1 filled in for fields a workflow never set, as it always did (`preferred` of these
 * among the model's values). Saved version 1 workflows rely on them, so they stay as they are;
 * version 2 takes its defaults from the model table (`tableDefault`).
 */
export const VERSION_1_DEFAULTS = {
	imageSize: '1024x1024',
	quality: 'auto',
	outputFormat: 'png',
	background: 'auto',
	moderation: 'auto',
	style: 'vivid',
	videoSize: '1280x720',
} as const;

export function deploymentProperty(show: Show): INodeProperties {
	return {
		displayName: 'Deployment Name',
		name: 'deployment',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. my-deployment',
		description: 'The name of the deployment in the Azure OpenAI resource',
		displayOptions: { show },
	};
}

/**
 * The model a node has when its workflow never set one, per version. These never change within a
 * version (another default would switch saved workflows to another model): version 1 keeps the
 * models it first had; version 2 starts from the models current on Azure when it was made. Azure
 * has retired every video model it offered, so version 2's video default is the last one it had.
 * A list without the default starts with its first model.
 */
export const DEFAULT_MODELS = {
	image: { 1: 'gpt-image-1', 2: 'gpt-image-2' },
	video: { 1: 'sora', 2: 'sora-2' },
	transcribe: { 1: 'whisper', 2: 'gpt-4o-transcribe-diarize' },
	translate: { 1: 'whisper', 2: 'whisper' },
	speech: { 1: 'gpt-4o-mini-tts', 2: 'gpt-4o-mini-tts' },
} as const satisfies Record<string, { 1: string; 2: string }>;

/**
 * The model choice: current models first, then the retired ones marked with their date, each with
 * its lifecycle as core's table states it (as of the day the table was last reviewed; a run reads
 * the lifecycle against the clock). One property per version where their defaults differ.
 */
export function modelProperty(
	models: readonly ModelSpec[],
	show: Show,
	defaults: { 1: string; 2: string },
): INodeProperties[] {
	const names = models.map((m) => m.name);
	const options = modelOptions({ now: LISTED_AT, includeRetired: true })
		.filter((o) => names.includes(o.value))
		.map((o) => ({ name: o.label, value: o.value, description: o.description }));
	const property: INodeProperties = {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: preferred(names, defaults[2]),
		options,
		description: 'The model the deployment runs; it decides which options below are offered',
		displayOptions: { show },
	};
	return byVersion(property, preferred(names, defaults[1]));
}

/** A property whose default differs between versions: one copy per version, else the property. */
export function byVersion(
	property: INodeProperties,
	versionOneDefault: NodeParameterValue,
): INodeProperties[] {
	if (versionOneDefault === property.default) return [property];
	const show = property.displayOptions?.show ?? {};
	return [
		{
			...property,
			default: versionOneDefault,
			displayOptions: { ...property.displayOptions, show: { ...show, ...VERSION_1 } },
		},
		{
			...property,
			displayOptions: { ...property.displayOptions, show: { ...show, ...FROM_VERSION_2 } },
		},
	];
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

/** A field some models of an operation do not accept: where a value for it is refused. */
export interface UnacceptedField {
	resource: string;
	operation: string;
	/** `n`, or `options.style` for an entry of the Options collection. */
	parameter: string;
	displayName: string;
	/** The field's name in Azure's API, e.g. `output_format`. */
	apiName: string;
	/** The value the field has when nobody set it; a guard with it holds nothing. */
	default: unknown;
	/** The default as the field shows it (an option's label). */
	defaultLabel: string;
	/** Models that do not accept the field, and those that do (for the hint on how to fix it). */
	models: string[];
	acceptedBy: string[];
	/** The versions that have the field, when not all do (version 1's names for the video APIs). */
	versions?: 'version 1' | 'from version 2';
}

/** Every guard the builders below made, for the node to check before it sends anything. */
export const unacceptedFields: UnacceptedField[] = [];

/** How to clear a guard's value: empty it, or set it back to its default, named as the field shows it. */
export function clearing(
	field: Pick<UnacceptedField, 'displayName' | 'default' | 'defaultLabel'>,
): string {
	return field.default === '' || field.default === undefined
		? `clear "${field.displayName}"`
		: `set "${field.displayName}" back to ${field.defaultLabel}`;
}

/** The built properties' options, merged, so a guard can show whatever value was set. */
function allOptions(built: readonly Omit<INodeProperties, 'displayOptions'>[]) {
	const seen = new Map<string | number | boolean, INodePropertyOptions>();
	for (const property of built)
		for (const option of (property.options ?? []) as INodePropertyOptions[])
			if (!seen.has(option.value)) seen.set(option.value, option);
	return [...seen.values()];
}

/**
 * Display conditions that hold for a set value other than the default and fail for the default
 * and for no value at all: n8n resolves defaults before a run, but the editor decides what to
 * show from the values as saved, where a field never set has none. "Below or above the default"
 * says "set and different" for numbers and strings alike, with plain comparisons: n8n runs a
 * `regex` condition in a sandbox with a time limit, which fails under load.
 */
function holdsValue(
	guard: Omit<INodeProperties, 'displayOptions'>,
): Array<NodeParameterValue | DisplayCondition> {
	const fallback = guard.default;
	if (typeof fallback === 'number' || typeof fallback === 'string')
		return [{ _cnd: { lt: fallback } }, { _cnd: { gt: fallback } }];
	if (typeof fallback === 'boolean') return [!fallback];
	return [{ _cnd: { exists: true } }];
}

/** A default as its field shows it: the option's label, else the value. */
function defaultLabel(property: Omit<INodeProperties, 'displayOptions'>): string {
	const option = (property.options as INodePropertyOptions[] | undefined)?.find(
		(o) => o.value === property.default,
	);
	return option ? option.name : JSON.stringify(property.default);
}

function guardFor(
	built: readonly Omit<INodeProperties, 'displayOptions'>[],
	uncovered: readonly ModelSpec[],
): Omit<INodeProperties, 'displayOptions'> {
	const first = built[0]!;
	const guard: Omit<INodeProperties, 'displayOptions'> = {
		displayName: first.displayName,
		name: first.name,
		type: first.type,
		default: first.default,
		description: `Not accepted by ${uncovered.map((m) => modelLabel(m.name)).join(', ')}`,
	};
	if (first.type === 'options' || first.type === 'multiOptions') guard.options = allOptions(built);
	guard.hint = `The chosen model does not accept ${guard.displayName}: ${clearing({ ...guard, defaultLabel: defaultLabel(guard) })}, or choose a model that accepts it`;
	return guard;
}

/**
 * One property per distinct value of `pick(model)`, shown only for the models sharing that value
 * (n8n keeps the one whose display options match), plus the guard for the models for which `pick`
 * gives undefined.
 */
export function perModel<M extends ModelSpec, V>(
	models: readonly M[],
	show: Show,
	apiName: string,
	pick: (model: M) => V | undefined,
	build: (value: V, model: M) => Omit<INodeProperties, 'displayOptions'>,
	/** Version 1's default where it differs from the built one (see `VERSION_1_DEFAULTS`). */
	versionOneDefault?: (value: V, model: M) => NodeParameterValue,
): INodeProperties[] {
	const groups = groupByValue(models, pick);
	const built = groups.map(({ value, models: group }) => build(value, group[0]!));
	const properties: INodeProperties[] = built.flatMap((property, i) => {
		const { value, models: group } = groups[i]!;
		const shown: INodeProperties = {
			...property,
			displayOptions: { show: { ...show, model: group.map((m) => m.name) } },
		};
		return versionOneDefault ? byVersion(shown, versionOneDefault(value, group[0]!)) : [shown];
	});
	const uncovered = models.filter((m) => pick(m) === undefined);
	if (uncovered.length === 0 || built.length === 0) return properties;
	const guard = guardFor(built, uncovered);
	const uncoveredShow = { ...show, model: uncovered.map((m) => m.name) };
	const unset = guard.default;
	properties.push(
		// The carrier keeps the value through n8n's clean-up (n8n checks a parameter that shares its
		// name with others against the values resolved so far, so the guard alone would never see
		// it); being hidden, the editor never draws it.
		{
			displayName: guard.displayName,
			name: guard.name,
			type: 'hidden',
			default: unset,
			displayOptions: { show: uncoveredShow },
		},
		// The guard shows the value in the editor, only while it is not the default.
		{
			...guard,
			displayOptions: { show: { ...uncoveredShow, [`/${guard.name}`]: holdsValue(guard) } },
		},
	);
	register(show, guard.name, apiName, guard, uncovered, models);
	return properties;
}

/** An entry of the Options collection that depends on the model; see `modelOptionsCollection`. */
export interface OptionSpec<M extends ModelSpec = ModelSpec> {
	apiName: string;
	pick: (model: M) => unknown;
	build: (value: never, model: M) => Omit<INodeProperties, 'displayOptions'>;
}

export type OptionEntry<M extends ModelSpec = ModelSpec> = INodeProperties | OptionSpec<M>;

/** An Options entry with one variant per distinct value of `pick(model)`, and none where it is undefined. */
export function perModelOption<M extends ModelSpec, V>(
	apiName: string,
	pick: (model: M) => V | undefined,
	build: (value: V, model: M) => Omit<INodeProperties, 'displayOptions'>,
): OptionSpec<M> {
	return { apiName, pick, build: build as OptionSpec<M>['build'] };
}

function isSpec<M extends ModelSpec>(entry: OptionEntry<M>): entry is OptionSpec<M> {
	return 'pick' in entry;
}

/**
 * The Options collection of an operation whose entries depend on the model: one collection per
 * set of models that accept the same entries, each holding its models' variants. An entry a model
 * does not accept is a guard there, displayed only once it holds a value (an entry exists only
 * once someone added it, so it is never offered, only kept and shown).
 */
export function modelOptionsCollection<M extends ModelSpec>(
	models: readonly M[],
	show: Show,
	entries: readonly OptionEntry<M>[],
): INodeProperties[] {
	const specs = entries.filter(isSpec);
	const plain = entries.filter((e): e is INodeProperties => !isSpec(e));
	const variants = specs.map((spec) =>
		groupByValue(models, spec.pick).map(({ value, models: group }) => ({
			models: group,
			property: spec.build(value as never, group[0]!),
		})),
	);
	const guards = specs.map((spec, i) => {
		const uncovered = models.filter((m) => spec.pick(m) === undefined);
		const built = variants[i]!.map((v) => v.property);
		if (uncovered.length === 0 || built.length === 0) return undefined;
		const guard = guardFor(built, uncovered);
		register(show, `options.${guard.name}`, spec.apiName, guard, uncovered, models);
		return guard;
	});
	const childrenFor = (model: M): INodeProperties[] => [
		...plain,
		...specs.flatMap((_, i): INodeProperties[] => {
			const variant = variants[i]!.find((v) => v.models.includes(model));
			if (variant) return [variant.property as INodeProperties];
			const guard = guards[i];
			return guard
				? [{ ...guard, displayOptions: { show: { [guard.name]: [{ _cnd: { exists: true } }] } } }]
				: [];
		}),
	];
	const collections = new Map<string, { models: M[]; children: INodeProperties[] }>();
	for (const model of models) {
		const children = childrenFor(model);
		const key = JSON.stringify(children);
		const found = collections.get(key);
		if (found) found.models.push(model);
		else collections.set(key, { models: [model], children });
	}
	if (collections.size === 1) return [optionsCollection(show, childrenFor(models[0]!))];
	return [...collections.values()].map(({ models: group, children }) => ({
		...optionsCollection(show, children),
		displayOptions: { show: { ...show, model: group.map((m) => m.name) } },
	}));
}

function register(
	show: Show,
	parameter: string,
	apiName: string,
	guard: Omit<INodeProperties, 'displayOptions'>,
	uncovered: readonly ModelSpec[],
	models: readonly ModelSpec[],
) {
	for (const resource of show.resource)
		for (const operation of show.operation)
			unacceptedFields.push({
				resource,
				operation,
				parameter,
				displayName: guard.displayName,
				apiName,
				default: guard.default,
				defaultLabel: defaultLabel(guard),
				models: uncovered.map((m) => m.name),
				acceptedBy: models.filter((m) => !uncovered.includes(m)).map((m) => m.name),
				...(show['@version'] === VERSION_1['@version'] ? { versions: 'version 1' as const } : {}),
				...(show['@version'] === FROM_VERSION_2['@version']
					? { versions: 'from version 2' as const }
					: {}),
			});
}

/** Whether a property is a guard or its carrier (see the top of this file). */
export function isGuard(property: INodeProperties): boolean {
	const show = property.displayOptions?.show ?? {};
	return property.type === 'hidden' || `/${property.name}` in show || property.name in show;
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

/**
 * Offered by the operations that create something Azure bills for, from version 2 on (version 1
 * calls retired models, as it always did). Added, it lets a retired model through.
 */
export const allowRetiredOption: INodeProperties = {
	displayName: 'Allow Retired Model',
	name: 'allowRetiredModel',
	type: 'boolean',
	default: true,
	description:
		"Whether to call the model although Azure's retirement schedule lists it as retired, for a deployment Azure has extended. Without it, a retired model stops the item before anything is sent, naming its retirement date and replacement.",
	displayOptions: { show: { ...FROM_VERSION_2 } },
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
