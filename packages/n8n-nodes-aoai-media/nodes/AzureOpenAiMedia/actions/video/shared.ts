/**
 * Parameters, waiting and downloading shared by the video operations. The model table entry's `api`
 * decides the API: Sora 1 jobs (`/video/generations/jobs`) or Sora 2 videos (`/videos`).
 */
import type {
	AzureOpenAIMedia,
	CreateVideoRequest,
	IntRange,
	Video,
	VideoJob,
	VideoModel,
	VideoVariant,
} from '@aoai-media/core';
import { normaliseType } from '@aoai-media/core';
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import {
	perModel,
	perModelOption,
	preferred,
	videoModelsFor,
	type OptionEntry,
	type Show,
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
	toBinary,
} from '../common';
import { valueOptions } from '../labels';

/** Every video model: the operations that both APIs have offer them all. */
export const videoModels = videoModelsFor();
/** Sora 1 only (Generate From Media's inpainting). */
export const jobModels = videoModelsFor('jobs');
/** Sora 2 only (Remix). */
export const sora2Models = videoModelsFor('videos');

type Duration =
	{ list: readonly string[]; fallback: string } | { range: IntRange; fallback: number };

/** Prompt, size, duration and variants for the given models; Sora 2 adds an optional input reference. */
export function jobProperties(
	show: Show,
	models: readonly VideoModel[] = videoModels,
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
			(m) => m.sizes,
			(sizes) => ({
				displayName: 'Size',
				name: 'size',
				type: 'options',
				options: valueOptions('size', sizes),
				default: preferred(sizes, '1280x720'),
				description:
					'Width x height in pixels. Larger sizes allow shorter videos and fewer variants.',
			}),
		),
		// Sora 1 takes the duration as a number in a range, Sora 2 as one of a few strings.
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
			(m) => (m.variants.max > 1 ? m.variants : undefined),
			(variants) => ({
				displayName: 'Variants',
				name: 'variants',
				type: 'number',
				typeOptions: { minValue: variants.min, maxValue: variants.max },
				default: 1,
				description: 'How many different videos to generate from the prompt',
			}),
		),
		...perModel(
			models,
			show,
			'input_reference',
			(m) => (m.api === 'videos' ? true : undefined),
			() => ({
				displayName: 'Input Reference Field',
				name: 'inputReference',
				type: 'string',
				default: '',
				placeholder: 'e.g. data',
				description:
					'Binary field of the input item holding an image the video starts from, the same size as the video. Leave empty to start from the prompt alone.',
			}),
		),
	];
}

/** The Sora 1 job request. */
export function readJobRequest(
	ctx: IExecuteFunctions,
	itemIndex: number,
	deployment: string,
	model: VideoModel,
) {
	const size = String(ctx.getNodeParameter('size', itemIndex, model.sizes[0] ?? ''));
	const [width, height] = size.split('x').map(Number);
	return {
		model: deployment,
		prompt: String(ctx.getNodeParameter('prompt', itemIndex, '')),
		width: width ?? 0,
		height: height ?? 0,
		n_seconds: Number(ctx.getNodeParameter('seconds', itemIndex, model.defaultSeconds)),
		n_variants:
			model.variants.max > 1 ? Number(ctx.getNodeParameter('variants', itemIndex, 1)) : undefined,
	};
}

/** The Sora 2 video request, with the input reference read from its binary field. */
export async function readVideoRequest(
	ctx: IExecuteFunctions,
	itemIndex: number,
	deployment: string,
	model: VideoModel,
): Promise<CreateVideoRequest> {
	const reference = String(optional<string>(ctx, 'inputReference', itemIndex) ?? '').trim();
	return compact({
		model: deployment,
		prompt: String(ctx.getNodeParameter('prompt', itemIndex, '')),
		size: optional<string>(ctx, 'size', itemIndex),
		seconds: String(ctx.getNodeParameter('seconds', itemIndex, String(model.defaultSeconds))),
		input_reference: reference ? await readBinary(ctx, itemIndex, reference) : undefined,
	});
}

/** Starts a Sora 1 job or a Sora 2 video, whichever API the model speaks; returns it as Azure answered. */
export async function startVideo(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: AzureOpenAIMedia,
	deployment: string,
	model: VideoModel,
): Promise<VideoJob | Video> {
	if (model.api === 'videos') {
		return client.videos.sora2.create(
			await readVideoRequest(ctx, itemIndex, deployment, model),
			cancelSignal(ctx),
		);
	}
	return client.videos.jobs.create(
		compact(readJobRequest(ctx, itemIndex, deployment, model)),
		cancelSignal(ctx),
	);
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
		// Sora 2 has a single quality.
		perModelOption(
			'quality',
			(m: VideoModel) => (m.api === 'jobs' ? true : undefined),
			() => ({
				displayName: 'Video Quality',
				name: 'quality',
				type: 'options',
				options: [
					{ name: 'High', value: 'high' },
					{ name: 'Low', value: 'low' },
				],
				default: 'high',
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

export function jobJson(job: VideoJob | Video): IDataObject {
	return { ...(job as unknown as IDataObject) };
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

function waitSettings(ctx: IExecuteFunctions, itemIndex: number) {
	const opts = getOptions(ctx, itemIndex);
	return {
		wait: {
			...cancelSignal(ctx),
			timeoutMs: Number(opts.waitMinutes ?? 15) * 60_000,
			pollIntervalMs: Number(opts.pollSeconds ?? 5) * 1000,
		},
		quality: (opts.quality as 'high' | 'low' | undefined) ?? 'high',
		fields: outputFields(ctx, itemIndex),
		references: outputMode(ctx, itemIndex) === 'reference',
	};
}

/**
 * Waits for the job or video (stopping when the execution is cancelled), then downloads the result:
 * one item per Sora 1 generation, or the one Sora 2 video.
 */
export async function waitAndDownload(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: AzureOpenAIMedia,
	model: VideoModel,
	id: string,
): Promise<INodeExecutionData[]> {
	return model.api === 'videos'
		? [await waitAndDownloadVideo(ctx, itemIndex, client, id)]
		: waitAndDownloadJob(ctx, itemIndex, client, id);
}

/** With references as output, a `files` list beside the binary fields. */
function addReferences(ctx: IExecuteFunctions, item: INodeExecutionData): void {
	item.json.files = Object.entries(item.binary ?? {}).map(([field, binary]) =>
		fileReference(ctx, field, binary),
	);
}

async function waitAndDownloadJob(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: AzureOpenAIMedia,
	jobId: string,
): Promise<INodeExecutionData[]> {
	const { wait, quality, fields, references } = waitSettings(ctx, itemIndex);
	const done = await client.videos.jobs.wait(jobId, wait);
	const items: INodeExecutionData[] = [];
	for (const [index, generation] of done.generations.entries()) {
		const content = await client.videos.generations.content(generation.id, {
			quality,
			...cancelSignal(ctx),
		});
		const item: INodeExecutionData = {
			json: {
				jobId: done.id,
				generationId: generation.id,
				index,
				status: done.status,
				prompt: generation.prompt,
				width: generation.width,
				height: generation.height,
				n_seconds: generation.n_seconds,
				created_at: generation.created_at,
				expires_at: done.expires_at ?? null,
			},
			binary: {
				[fields.video]: await storeDownload(ctx, content, `${generation.id}.mp4`, 'video/mp4'),
			},
		};
		if (fields.thumbnail) {
			const thumbnail = await client.videos.generations.thumbnail(generation.id, cancelSignal(ctx));
			const mimeType = mimeTypeOf(thumbnail.contentType);
			item.binary![fields.thumbnail] = await toBinary(
				ctx,
				thumbnail.bytes,
				`${generation.id}.${mimeType.split('/')[1]}`,
				mimeType,
			);
		}
		if (references) addReferences(ctx, item);
		items.push(item);
	}
	return items;
}

async function waitAndDownloadVideo(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: AzureOpenAIMedia,
	videoId: string,
): Promise<INodeExecutionData> {
	const { wait, fields, references } = waitSettings(ctx, itemIndex);
	const done = await client.videos.sora2.wait(videoId, wait);
	const [width, height] = done.size.split('x').map(Number);
	const item: INodeExecutionData = {
		json: {
			videoId: done.id,
			status: done.status,
			prompt: done.prompt ?? null,
			size: done.size,
			width: width ?? null,
			height: height ?? null,
			seconds: done.seconds,
			created_at: done.created_at,
			completed_at: done.completed_at ?? null,
			expires_at: done.expires_at ?? null,
			remixed_from_video_id: done.remixed_from_video_id ?? null,
		},
		binary: { [fields.video]: await downloadVariant(ctx, client, done.id, 'video') },
	};
	if (fields.thumbnail)
		item.binary![fields.thumbnail] = await downloadVariant(ctx, client, done.id, 'thumbnail');
	if (references) addReferences(ctx, item);
	return item;
}

/** One Sora 2 download as n8n binary data, named after the video with the extension of its type. */
export async function downloadVariant(
	ctx: IExecuteFunctions,
	client: AzureOpenAIMedia,
	videoId: string,
	variant: VideoVariant,
): Promise<IBinaryData> {
	const download = await client.videos.sora2.content(videoId, { variant, ...cancelSignal(ctx) });
	const mimeType = mimeTypeOf(download.contentType);
	const suffix = variant === 'video' ? '' : `-${variant}`;
	return await storeDownload(
		ctx,
		download,
		`${videoId}${suffix}.${extensionOf(mimeType)}`,
		mimeType,
	);
}

/** `video/mp4` -> `mp4`, `image/webp` -> `webp`; anything untyped is `bin`. */
function extensionOf(mimeType: string): string {
	const [kind, sub] = mimeType.split('/');
	return (kind === 'video' || kind === 'image') && sub ? sub : 'bin';
}

/** The type without parameters (core maps Azure's `image/jpg` to `image/jpeg`); untyped answers are thumbnails. */
export function mimeTypeOf(contentType: string | undefined): string {
	return normaliseType(contentType ?? null) ?? 'image/jpeg';
}

/** The job ID (Sora 1) or, as Sora 2 calls the job a video, the video ID. */
export function idProperties(
	show: Show,
	models: readonly VideoModel[] = videoModels,
): INodeProperties[] {
	return [
		...perModel(
			models,
			show,
			'job_id',
			(m) => (m.api === 'jobs' ? true : undefined),
			() => ({
				displayName: 'Job ID',
				name: 'jobId',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'e.g. task_01j...',
				description: 'The ID of the video generation job, as returned by Create Job',
			}),
		),
		...videoIdProperty(show, models),
	];
}

export function videoIdProperty(
	show: Show,
	models: readonly VideoModel[] = videoModels,
): INodeProperties[] {
	return perModel(
		models,
		show,
		'video_id',
		(m) => (m.api === 'videos' ? true : undefined),
		() => ({
			displayName: 'Video ID',
			name: 'videoId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. video_01j...',
			description: 'The ID of the Sora 2 video, as returned by Create Job or Generate',
		}),
	);
}

/** The job ID (Sora 1) or video ID (Sora 2) the user entered. */
export function readId(ctx: IExecuteFunctions, itemIndex: number, model: VideoModel): string {
	return String(
		ctx.getNodeParameter(model.api === 'videos' ? 'videoId' : 'jobId', itemIndex, ''),
	).trim();
}
