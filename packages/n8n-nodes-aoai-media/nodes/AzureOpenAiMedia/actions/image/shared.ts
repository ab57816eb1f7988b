/** Output parameters and result items shared by Image Generate and Image Edit. */
import type { ImageModel, ImagesResult } from '@aoai-media/core';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { perModel, perModelOption, preferred, type OptionEntry, type Show } from '../descriptions';
import { fileReference, getOptions, optional, outputMode, toBinary } from '../common';
import { valueOptions } from '../labels';

type Fields = (model: ImageModel) => readonly string[];

export function imageOutputProperties(
	models: ImageModel[],
	show: Show,
	fieldsOf: Fields,
): INodeProperties[] {
	const has = (m: ImageModel, field: string) => fieldsOf(m).includes(field);
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
			(m) => (has(m, 'size') ? m.sizes : undefined),
			(sizes) => ({
				displayName: 'Size',
				name: 'size',
				type: 'options',
				options: valueOptions('size', sizes),
				default: preferred(sizes, '1024x1024'),
				description: 'Width x height of the image in pixels',
			}),
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
				default: preferred(qualities, 'auto'),
			}),
		),
		...perModel(
			models,
			show,
			'output_format',
			(m) => (has(m, 'output_format') ? m.outputFormats : undefined),
			(formats) => ({
				displayName: 'Output Format',
				name: 'outputFormat',
				type: 'options',
				options: valueOptions('output_format', formats),
				default: preferred(formats, 'png'),
			}),
		),
		...perModel(
			models,
			show,
			'background',
			(m) => (has(m, 'background') ? m.backgrounds : undefined),
			(backgrounds) => ({
				displayName: 'Background',
				name: 'background',
				type: 'options',
				options: valueOptions('background', backgrounds),
				default: preferred(backgrounds, 'auto'),
				description: 'Transparent needs the PNG or WebP output format',
			}),
		),
	];
}

/** Rarer fields, in the Options collection; each shown only for the models that accept it. */
export function imageOutputOptions(fieldsOf: Fields): OptionEntry<ImageModel>[] {
	const accepts = (field: string) => (m: ImageModel) => fieldsOf(m).includes(field);
	return [
		perModelOption(
			'output_compression',
			(m) => (accepts('output_compression')(m) ? true : undefined),
			() => ({
				displayName: 'Output Compression',
				name: 'outputCompression',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100 },
				default: 100,
				description: 'Compression level in percent for the JPEG and WebP output formats',
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
				default: preferred(moderations ?? [], 'auto'),
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
				default: preferred(styles ?? [], 'vivid'),
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
	const outputFormat = has('output_format')
		? optional<string>(ctx, 'outputFormat', itemIndex)
		: undefined;
	const compression = opts.outputCompression as number | undefined;
	// With references as output, a model that can answer with a URL is asked for one.
	const wantsUrl = outputMode(ctx, itemIndex) === 'reference';
	return {
		n: has('n') && model.n.max > 1 ? optional<number>(ctx, 'n', itemIndex) : undefined,
		size: has('size') ? optional<string>(ctx, 'size', itemIndex) : undefined,
		quality:
			has('quality') && model.qualities.length > 1
				? optional<string>(ctx, 'quality', itemIndex)
				: undefined,
		output_format: outputFormat,
		background: has('background') ? optional<string>(ctx, 'background', itemIndex) : undefined,
		// Compression only means something for the lossy formats.
		output_compression:
			has('output_compression') &&
			compression !== undefined &&
			outputFormat !== undefined &&
			outputFormat !== 'png'
				? compression
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
