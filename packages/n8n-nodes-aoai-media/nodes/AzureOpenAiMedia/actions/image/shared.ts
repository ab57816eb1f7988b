/** Output parameters and result items shared by Image Generate and Image Edit. */
import {
	requestSchema,
	type ImageModel,
	type ImagesResult,
	type JsonSchema,
} from '@aoai-media/core';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import {
	isGuard,
	perModel,
	perModelOption,
	preferred,
	tableDefault,
	VERSION_1_DEFAULTS,
	type OptionEntry,
	type Show,
} from '../descriptions';
import { fileReference, getOptions, optional, outputMode, toBinary } from '../common';
import { valueLabel, valueOptions } from '../labels';

type Fields = (model: ImageModel) => readonly string[];

/** The Size option that makes Custom Size appear, for models that take any size within their rules. */
export const CUSTOM_SIZE = 'custom';

/** "PNG or WebP": values of a field as the option lists label them. */
function labelled(field: string, values: readonly string[] = []): string {
	const labels = values.map((v) => valueLabel(field, v));
	return labels.length <= 1
		? labels.join('')
		: `${labels.slice(0, -1).join(', ')} or ${labels[labels.length - 1]}`;
}

/** Core's wording of a free-size rule, from the request schema it builds for the model. */
function freeSizeRule(model: ImageModel): string {
	const size = (requestSchema(model, 'images.generate')?.properties as Record<string, JsonSchema>)
		?.size;
	const free = (size?.anyOf as JsonSchema[] | undefined)?.find((s) => s.pattern !== undefined);
	return String(free?.description ?? 'WIDTHxHEIGHT');
}

export function imageOutputProperties(
	models: ImageModel[],
	show: Show,
	fieldsOf: Fields,
): INodeProperties[] {
	const has = (m: ImageModel, field: string) => fieldsOf(m).includes(field);
	const withSize = (m: ImageModel) => has(m, 'size');
	return [
		...perModel(
			models,
			show,
			'n',
			(m) => (has(m, 'n') && m.n.max > 1 ? m.n : undefined),
			(n) => ({
				displayName: 'Number of Images',
				name: 'n',
				type: 'number',
				typeOptions: { minValue: n.min, maxValue: n.max },
				default: 1,
				description: `How many images to create (${n.min} to ${n.max}); each becomes its own output item`,
			}),
		),
		...perModel(
			models,
			show,
			'size',
			(m) => (withSize(m) ? { sizes: m.sizes, free: m.freeSize !== undefined } : undefined),
			({ sizes, free }) => ({
				displayName: 'Size',
				name: 'size',
				type: 'options',
				options: [
					...valueOptions('size', sizes),
					...(free
						? [
								{
									name: 'Custom Size',
									value: CUSTOM_SIZE,
									description: 'Any width x height the model allows, entered in Custom Size',
								},
							]
						: []),
				],
				default: tableDefault(sizes),
				description: free
					? 'Width x height of the image in pixels: a preset, or Custom Size for any size the model allows'
					: 'Width x height of the image in pixels',
			}),
			({ sizes }) => preferred(sizes, VERSION_1_DEFAULTS.imageSize),
		),
		// Models with free sizes: any WIDTHxHEIGHT within their rules, checked by core before sending.
		...perModel(
			models.filter(withSize),
			show,
			'size',
			(m) => (m.freeSize ? freeSizeRule(m) : undefined),
			(rule) => ({
				displayName: 'Custom Size',
				name: 'customSize',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. 2048x1152',
				description: `Width x height in pixels, e.g. 2048x1152. ${rule[0]!.toUpperCase()}${rule.slice(1)}.`,
			}),
		).map((property) =>
			isGuard(property)
				? property
				: {
						...property,
						displayOptions: {
							show: { ...property.displayOptions!.show, size: [CUSTOM_SIZE] },
						},
					},
		),
		...perModel(
			models,
			show,
			'quality',
			(m) => (has(m, 'quality') && m.qualities.length > 1 ? m.qualities : undefined),
			(qualities) => ({
				displayName: 'Quality',
				name: 'quality',
				type: 'options',
				options: valueOptions('quality', qualities),
				default: tableDefault(qualities),
			}),
			(qualities) => preferred(qualities, VERSION_1_DEFAULTS.quality),
		),
		...perModel(
			models,
			show,
			'output_format',
			(m) =>
				has(m, 'output_format') && m.outputFormats
					? { formats: m.outputFormats, fallback: m.defaultOutputFormat }
					: undefined,
			({ formats, fallback }) => ({
				displayName: 'Output Format',
				name: 'outputFormat',
				type: 'options',
				options: valueOptions('output_format', formats),
				default: tableDefault(formats, fallback),
			}),
			({ formats }) => preferred(formats, VERSION_1_DEFAULTS.outputFormat),
		),
		...perModel(
			models,
			show,
			'background',
			(m) =>
				has(m, 'background') && m.backgrounds
					? { backgrounds: m.backgrounds, transparent: m.transparentFormats ?? [] }
					: undefined,
			({ backgrounds, transparent }) => ({
				displayName: 'Background',
				name: 'background',
				type: 'options',
				options: valueOptions('background', backgrounds),
				default: tableDefault(backgrounds),
				description: `Transparent needs the ${labelled('output_format', transparent)} output format`,
			}),
			({ backgrounds }) => preferred(backgrounds, VERSION_1_DEFAULTS.background),
		),
	];
}

/** Rarer fields, in the Options collection; each shown only for the models that accept it. */
export function imageOutputOptions(fieldsOf: Fields): OptionEntry<ImageModel>[] {
	const accepts = (field: string) => (m: ImageModel) => fieldsOf(m).includes(field);
	return [
		perModelOption(
			'output_compression',
			(m) =>
				accepts('output_compression')(m) && m.outputCompression
					? { range: m.outputCompression, formats: m.compressionFormats ?? [] }
					: undefined,
			({ range, formats }) => ({
				displayName: 'Output Compression',
				name: 'outputCompression',
				type: 'number',
				typeOptions: { minValue: range.min, maxValue: range.max },
				default: Number(range.max),
				description: `Compression level in percent for the ${labelled('output_format', formats)} output formats; the others ignore it`,
			}),
		),
		perModelOption(
			'moderation',
			(m) => (accepts('moderation')(m) ? m.moderations : undefined),
			(moderations) => ({
				displayName: 'Moderation',
				name: 'moderation',
				type: 'options',
				options: valueOptions('moderation', moderations ?? []),
				default: tableDefault(moderations ?? []),
				description: 'How strictly Azure moderates the generated images',
			}),
		),
		perModelOption(
			'style',
			(m) => (accepts('style')(m) ? m.styles : undefined),
			(styles) => ({
				displayName: 'Style',
				name: 'style',
				type: 'options',
				options: valueOptions('style', styles ?? []),
				default: tableDefault(styles ?? []),
			}),
		),
		{
			displayName: 'End-User ID',
			name: 'user',
			type: 'string',
			default: '',
			description: 'A stable identifier of your end user, which helps Azure detect abuse',
		},
	];
}

/** The request fields for the output, read only where the model accepts them. */
export function readImageOutputParameters(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: ImageModel,
	fields: readonly string[],
): Record<string, unknown> {
	const has = (field: string) => fields.includes(field);
	const opts = getOptions(ctx, itemIndex);
	// With references as output, a model that can answer with a URL is asked for one.
	const wantsUrl = outputMode(ctx, itemIndex) === 'reference';
	const size = has('size') ? optional<string>(ctx, 'size', itemIndex) : undefined;
	return {
		n: has('n') && model.n.max > 1 ? optional<number>(ctx, 'n', itemIndex) : undefined,
		// A custom size goes as typed; core checks it against the model's rules before sending.
		size:
			size === CUSTOM_SIZE
				? String(optional<string>(ctx, 'customSize', itemIndex) ?? '').trim()
				: size,
		quality:
			has('quality') && model.qualities.length > 1
				? optional<string>(ctx, 'quality', itemIndex)
				: undefined,
		output_format: has('output_format')
			? optional<string>(ctx, 'outputFormat', itemIndex)
			: undefined,
		background: has('background') ? optional<string>(ctx, 'background', itemIndex) : undefined,
		// Sent as set: for a format that ignores it, core warns and Azure ignores it.
		output_compression: has('output_compression')
			? (opts.outputCompression as number | undefined)
			: undefined,
		user: has('user') && opts.user ? String(opts.user) : undefined,
		// Ask for the bytes where the model could answer with a URL, unless a URL is what is wanted.
		response_format: has('response_format')
			? wantsUrl && model.responseFormats?.includes('url')
				? 'url'
				: model.responseFormats?.includes('b64_json')
					? 'b64_json'
					: undefined
			: undefined,
	};
}

/** One output item per image: binary with the right type and extension, JSON with what Azure said. */
export async function imageItems(
	ctx: IExecuteFunctions,
	itemIndex: number,
	result: ImagesResult,
	context: { deployment: string; model: string; prompt: string },
): Promise<INodeExecutionData[]> {
	const property =
		String(ctx.getNodeParameter('binaryPropertyOutput', itemIndex, 'data')) || 'data';
	const references = outputMode(ctx, itemIndex) === 'reference';
	const items: INodeExecutionData[] = [];
	for (const image of result.images) {
		const json: IDataObject = {
			deployment: context.deployment,
			model: context.model,
			prompt: context.prompt,
			created: result.created,
			index: image.index,
			mimeType: image.mimeType,
		};
		if (image.revisedPrompt !== undefined) json.revisedPrompt = image.revisedPrompt;
		if (image.contentFilterResults !== undefined)
			json.contentFilterResults = image.contentFilterResults as IDataObject;
		if (result.promptFilterResults !== undefined)
			json.promptFilterResults = result.promptFilterResults as IDataObject[];
		if (result.usage !== undefined) json.usage = result.usage as unknown as IDataObject;
		if (result.requestId !== undefined) json.requestId = result.requestId;
		if (image.url !== undefined) json.url = image.url;
		const item: INodeExecutionData = { json };
		if (image.bytes) {
			const fileName = `image-${result.created}-${image.index}.${image.extension}`;
			const binary = await toBinary(ctx, image.bytes, fileName, image.mimeType);
			item.binary = { [property]: binary };
			if (references) json.files = [fileReference(ctx, property, binary)];
		} else if (references && image.url !== undefined) {
			json.files = [{ field: null, mimeType: image.mimeType, url: image.url, source: 'azure' }];
		}
		items.push(item);
	}
	return items;
}
