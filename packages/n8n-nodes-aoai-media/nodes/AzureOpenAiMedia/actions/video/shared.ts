/**
 * Parameters, waiting and downloading shared by the video operations. Every call goes through
 * core's one video interface (`client.videos.create / retrieve / list / wait / downloadContent /
 * delete / remix`), and what a model offers comes from `videoCapabilities`: the node never asks
 * which of Azure's video APIs a model speaks. Version 1's parameter names and output shapes,
 * which saved workflows rely on, live in `version1.ts`.
 */
import {
	normaliseType,
	parseSize,
	videoCapabilities,
	type AzureOpenAIMedia,
	type Download,
	type IntRange,
	type VideoContent,
	type VideoQuality,
	type VideoCreateRequest,
	type VideoModel,
	type VideoOutput,
	type VideoTask,
} from '@aoai-media/core';
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import {
	FROM_VERSION_2,
	perModel,
	perModelOption,
	preferred,
	tableDefault,
	VERSION_1_DEFAULTS,
	videoModels,
	type OptionEntry,
	type Show,
	firstOf,
} from '../descriptions';
import {
	cancelSignal,
	compact,
	fileReference,
	getOptions,
	optional,
	outputMode,
	outputOption,
	readBinary,
	storeDownload,
	type FileInput,
} from '../common';
import { valueOptions } from '../labels';
import { contentInFileName, isVersion1, legacyOutputJson, legacyTaskJson } from './version1';

/** Every video model: Generate, Create Job, Get, List, Delete and Download take them all. */
export const allVideoModels = videoModels('videos.create');
/** Models that place media at any frame and crop it (Generate From Media). */
export const inpaintModels = allVideoModels.filter((m) => videoCapabilities(m).inpaint);
/** Models that remix a finished video. */
export const remixModels = videoModels('videos.remix');

const capabilities = (model: VideoModel) => videoCapabilities(model);

type Duration =
	{ list: readonly string[]; fallback: string } | { range: IntRange; fallback: number };

/**
 * Prompt, size, duration and variants for the given models, and with `reference` an input
 * reference for the models that start a video from an image.
 */
export function jobProperties(
	show: Show,
	models: readonly VideoModel[],
	{ reference }: { reference: boolean },
): INodeProperties[] {
	return [
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: 'e.g. A paper boat drifting down a rainy street',
			description: 'What the video should show',
			displayOptions: { show },
		},
		...perModel(
			models,
			show,
			'size',
			(m) => ({ sizes: capabilities(m).sizes, fallback: m.defaultSize }),
			({ sizes, fallback }) => ({
				displayName: 'Size',
				name: 'size',
				type: 'options',
				options: valueOptions('size', sizes),
				default: tableDefault(sizes, fallback),
				description:
					'Width x height in pixels. Larger sizes allow shorter videos and fewer variants.',
			}),
			({ sizes }) => preferred(sizes, VERSION_1_DEFAULTS.videoSize),
		),
		// The table gives some models a range of seconds, others a few values (sent as strings).
		...perModel(
			models,
			show,
			'seconds',
			(m): Duration =>
				Array.isArray(m.seconds)
					? { list: m.seconds as readonly string[], fallback: String(m.defaultSeconds) }
					: { range: m.seconds as IntRange, fallback: m.defaultSeconds },
			(duration): Omit<INodeProperties, 'displayOptions'> =>
				'list' in duration
					? {
							displayName: 'Duration (Seconds)',
							name: 'seconds',
							type: 'options',
							options: valueOptions('seconds', duration.list),
							default: preferred(duration.list, duration.fallback),
						}
					: {
							displayName: 'Duration (Seconds)',
							name: 'seconds',
							type: 'number',
							typeOptions: { minValue: duration.range.min, maxValue: duration.range.max },
							default: Number(duration.fallback),
						},
		),
		...perModel(
			models,
			show,
			'n_variants',
			(m) => (capabilities(m).variants.max > 1 ? capabilities(m).variants : undefined),
			(variants) => ({
				displayName: 'Variants',
				name: 'variants',
				type: 'number',
				typeOptions: { minValue: variants.min, maxValue: variants.max },
				default: 1,
				description: 'How many different videos to generate from the prompt',
			}),
		),
		...(reference
			? perModel(
					models,
					show,
					'input_reference',
					(m) =>
						capabilities(m).media.max > 0
							? {
									video: capabilities(m).media.types.some((t) => t.startsWith('video/')),
									sameSize: m.referenceMatchesSize === true,
								}
							: undefined,
					({ video, sameSize }) => ({
						displayName: 'Input Reference Field',
						name: 'inputReference',
						type: 'string',
						default: '',
						placeholder: 'e.g. data',
						description: `Binary field of the input item holding ${video ? 'an image or video' : 'an image'} the video starts from${sameSize ? ', the same size as the video' : ''}. Leave empty to start from the prompt alone.`,
					}),
				)
			: []),
	];
}

/**
 * The create request from the job properties, with the media to start from (if any). A field is
 * read only where the model has it (n8n hands a hidden field's default to the others).
 */
export async function readCreateRequest(
	ctx: IExecuteFunctions,
	itemIndex: number,
	deployment: string,
	model: VideoModel,
	media?: VideoCreateRequest['media'],
): Promise<VideoCreateRequest> {
	const offers = capabilities(model);
	const reference =
		offers.media.max > 0
			? String(optional<string>(ctx, 'inputReference', itemIndex) ?? '').trim()
			: '';
	const variants =
		offers.variants.max > 1 ? optional<number>(ctx, 'variants', itemIndex) : undefined;
	return compact({
		model: deployment,
		prompt: String(ctx.getNodeParameter('prompt', itemIndex, '')),
		size: optional<string>(ctx, 'size', itemIndex),
		seconds: Number(ctx.getNodeParameter('seconds', itemIndex)),
		variants: variants !== undefined ? Number(variants) : undefined,
		media:
			media ?? (reference ? [{ file: await readBinary(ctx, itemIndex, reference) }] : undefined),
	});
}

/** Options of the operations that wait for the job and download the result. */
export function waitOptions(): OptionEntry<VideoModel>[] {
	return [
		{
			displayName: 'Time Limit (Minutes)',
			name: 'waitMinutes',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 15,
			description: 'Give up waiting for the job after this long (the job keeps running in Azure)',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 5,
			description: 'How often to ask Azure whether the job has finished',
		},
		perModelOption(
			'quality',
			(m: VideoModel) =>
				capabilities(m).qualities.length > 0 ? capabilities(m).qualities : undefined,
			(qualities) => ({
				displayName: 'Video Quality',
				name: 'quality',
				type: 'options',
				options: valueOptions('quality', qualities),
				default: firstOf(qualities),
			}),
		),
		{
			displayName: 'Download Thumbnail',
			name: 'thumbnail',
			type: 'boolean',
			default: true,
			description:
				'Whether to add the thumbnail image as a second binary field (see Put Thumbnail in Field)',
		},
		{
			displayName: 'Put Thumbnail in Field',
			name: 'thumbnailProperty',
			type: 'string',
			default: 'thumbnail',
			description:
				'The binary field the thumbnail is written to; it must differ from the field of the video',
		},
		outputOption,
	];
}

/** A task as the node returns it: Azure's JSON in version 1, core's one task shape from version 2. */
export function taskJson(ctx: IExecuteFunctions, task: VideoTask): IDataObject {
	if (isVersion1(ctx)) return legacyTaskJson(task);
	const { raw, outputs, failure, ...rest } = task;
	void raw;
	const json: IDataObject = compact({ ...rest } as IDataObject);
	json.outputs = outputs.map((o) => ({ ...o, contents: [...o.contents] }));
	if (failure) json.failure = { ...failure } as IDataObject;
	return json;
}

/**
 * Where the video and its thumbnail go. Checked before the job is created: a thumbnail written
 * to the video's field would replace the paid video.
 */
export function outputFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { video: string; thumbnail: string | undefined } {
	const opts = getOptions(ctx, itemIndex);
	const video = String(ctx.getNodeParameter('binaryPropertyOutput', itemIndex, 'data')) || 'data';
	if (opts.thumbnail === false) return { video, thumbnail: undefined };
	const thumbnail = String(opts.thumbnailProperty ?? 'thumbnail').trim() || 'thumbnail';
	if (thumbnail === video) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The video and its thumbnail would both be written to the field "${video}"`,
			{
				itemIndex,
				description: `- Put Output File in Field (binaryPropertyOutput) and Options → Put Thumbnail in Field (thumbnailProperty) are both "${video}"; the thumbnail would replace the video.\n  Fix: give one of them another name, or turn off Options → Download Thumbnail. Nothing was sent to Azure.`,
			},
		);
	}
	return { video, thumbnail };
}

/** One output of a finished task as the node returns it (version 1: Azure's fields, as before). */
function outputJson(ctx: IExecuteFunctions, task: VideoTask, output: VideoOutput): IDataObject {
	if (isVersion1(ctx)) return legacyOutputJson(task, output);
	const size = task.size !== undefined ? parseSize(task.size) : undefined;
	return compact({
		jobId: task.id,
		outputId: output.id,
		index: output.index,
		status: task.status,
		rawStatus: task.rawStatus,
		model: task.model,
		prompt: task.prompt,
		size: task.size,
		width: size?.width,
		height: size?.height,
		seconds: task.seconds,
		createdAt: task.createdAt,
		finishedAt: task.finishedAt,
		expiresAt: task.expiresAt,
		remixedFrom: task.remixedFrom,
	});
}

/**
 * Waits for the task (stopping when the execution is cancelled), then downloads each output: one
 * item per output, with its video and, where offered, its thumbnail.
 */
export async function waitAndDownload(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: AzureOpenAIMedia,
	task: VideoTask,
): Promise<INodeExecutionData[]> {
	const opts = getOptions(ctx, itemIndex);
	const fields = outputFields(ctx, itemIndex);
	const references = outputMode(ctx, itemIndex) === 'reference';
	const done = await client.videos.wait(task, {
		...cancelSignal(ctx),
		timeoutMs: Number(opts.waitMinutes ?? 15) * 60_000,
		pollIntervalMs: Number(opts.pollSeconds ?? 5) * 1000,
	});
	const quality = opts.quality as VideoQuality | undefined;
	const items: INodeExecutionData[] = [];
	for (const output of done.outputs) {
		const item: INodeExecutionData = {
			json: outputJson(ctx, done, output),
			binary: {
				[fields.video]: await downloadOutput(ctx, client, done, output, 'video', quality),
			},
		};
		if (fields.thumbnail && output.contents.includes('thumbnail'))
			item.binary![fields.thumbnail] = await downloadOutput(ctx, client, done, output, 'thumbnail');
		if (references)
			item.json.files = Object.entries(item.binary ?? {}).map(([field, binary]) =>
				fileReference(ctx, field, binary),
			);
		items.push(item);
	}
	return items;
}

/** One download of an output as n8n binary data, named after the output with the extension of its type. */
export async function downloadOutput(
	ctx: IExecuteFunctions,
	client: AzureOpenAIMedia,
	task: VideoTask,
	output: VideoOutput,
	content: VideoContent,
	quality?: VideoQuality,
): Promise<IBinaryData> {
	const download = await client.videos.downloadContent(task, {
		output: output.index,
		content,
		...(quality !== undefined ? { quality } : {}),
		...cancelSignal(ctx),
	});
	return await storeOutput(ctx, download, output.id, content, task.api);
}

/** Stores a download as `<output id>.mp4`, `<output id>-thumbnail.jpeg`, .... */
export async function storeOutput(
	ctx: IExecuteFunctions,
	download: Download,
	outputId: string,
	content: VideoContent,
	api: VideoTask['api'],
): Promise<IBinaryData> {
	const mimeType = normaliseType(download.contentType) ?? 'application/octet-stream';
	const suffix = content === 'video' || !contentInFileName(ctx, api) ? '' : `-${content}`;
	return await storeDownload(
		ctx,
		download,
		`${outputId}${suffix}.${extensionOf(mimeType)}`,
		mimeType,
	);
}

/** `video/mp4` -> `mp4`, `image/webp` -> `webp`; anything untyped is `bin`. */
function extensionOf(mimeType: string): string {
	const [kind, sub] = mimeType.split('/');
	return (kind === 'video' || kind === 'image') && sub ? sub : 'bin';
}

/** The job a task operation addresses, from version 2 on: one ID whatever the model. */
export function jobIdProperty(show: Show, models: readonly VideoModel[]): INodeProperties {
	return {
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. video_01j...',
		description:
			'The ID of the video job, as Create Job or Generate returned it (for Sora 2, the video ID)',
		displayOptions: {
			show: { ...show, model: models.map((m) => m.name), ...FROM_VERSION_2 },
		},
	};
}

/** The files a create starts from, by binary field. */
export type MediaFiles = Map<string, FileInput>;
