/** Job parameters, waiting and downloading shared by the video operations (Sora jobs API). */
import type { AzureOpenAIMedia, IntRange, VideoJob, VideoModel } from '@aoai-media/core';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { jobVideoModels, options, perModel, preferred, type Show } from '../descriptions';
import { cancelSignal, getOptions, readStream, toBinary } from '../common';

export const videoModels = jobVideoModels();

export function jobProperties(show: Show): INodeProperties[] {
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
			videoModels,
			show,
			(m) => m.sizes,
			(sizes) => ({
				displayName: 'Size',
				name: 'size',
				type: 'options',
				options: options(sizes),
				default: preferred(sizes, '1280x720'),
				description: 'Width x height in pixels. Larger sizes allow shorter videos and fewer variants.',
			}),
		),
		...perModel(
			videoModels,
			show,
			(m) => (Array.isArray(m.seconds) ? undefined : { range: m.seconds as IntRange, fallback: m.defaultSeconds }),
			({ range, fallback }) => ({
				displayName: 'Duration (Seconds)',
				name: 'seconds',
				type: 'number',
				typeOptions: { minValue: range.min, maxValue: range.max },
				default: fallback,
			}),
		),
		...perModel(
			videoModels,
			show,
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
	];
}

export function readJobRequest(ctx: IExecuteFunctions, itemIndex: number, deployment: string, model: VideoModel) {
	const size = String(ctx.getNodeParameter('size', itemIndex, model.sizes[0] ?? ''));
	const [width, height] = size.split('x').map(Number);
	return {
		model: deployment,
		prompt: String(ctx.getNodeParameter('prompt', itemIndex, '')),
		width: width ?? 0,
		height: height ?? 0,
		n_seconds: Number(ctx.getNodeParameter('seconds', itemIndex, model.defaultSeconds)),
		n_variants: model.variants.max > 1 ? Number(ctx.getNodeParameter('variants', itemIndex, 1)) : undefined,
	};
}

/** Options of the operations that wait for the job and download the result. */
export const waitOptions: INodeProperties[] = [
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
	{
		displayName: 'Video Quality',
		name: 'quality',
		type: 'options',
		options: [
			{ name: 'High', value: 'high' },
			{ name: 'Low', value: 'low' },
		],
		default: 'high',
	},
	{
		displayName: 'Download Thumbnail',
		name: 'thumbnail',
		type: 'boolean',
		default: true,
		description: 'Whether to add the thumbnail image as a second binary field named "thumbnail"',
	},
];

export function jobJson(job: VideoJob): IDataObject {
	return { ...(job as unknown as IDataObject) };
}

/** Waits for the job (stopping when the execution is cancelled), then downloads every generation. */
export async function waitAndDownload(
	ctx: IExecuteFunctions,
	itemIndex: number,
	client: AzureOpenAIMedia,
	job: VideoJob,
): Promise<INodeExecutionData[]> {
	const opts = getOptions(ctx, itemIndex);
	const waitMinutes = Number(opts.waitMinutes ?? 15);
	const pollSeconds = Number(opts.pollSeconds ?? 5);
	const quality = (opts.quality as 'high' | 'low' | undefined) ?? 'high';
	const withThumbnail = opts.thumbnail !== false;
	const property = String(ctx.getNodeParameter('binaryPropertyOutput', itemIndex, 'data')) || 'data';
	const done = await client.videos.jobs.wait(job.id, {
		...cancelSignal(ctx),
		timeoutMs: waitMinutes * 60_000,
		pollIntervalMs: pollSeconds * 1000,
	});
	const items: INodeExecutionData[] = [];
	for (const [index, generation] of done.generations.entries()) {
		const content = await client.videos.generations.content(generation.id, { quality, ...cancelSignal(ctx) });
		const video = await readStream(content.stream);
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
				[property]: await toBinary(ctx, video, `${generation.id}.mp4`, content.contentType || 'video/mp4'),
			},
		};
		if (withThumbnail) {
			const thumbnail = await client.videos.generations.thumbnail(generation.id, cancelSignal(ctx));
			const mimeType = thumbnailType(thumbnail.contentType);
			item.binary!.thumbnail = await toBinary(ctx, thumbnail.bytes, `${generation.id}.${mimeType.split('/')[1]}`, mimeType);
		}
		items.push(item);
	}
	return items;
}

/** Azure declares thumbnails as `image/jpg`; use the registered name so the file opens everywhere. */
export function thumbnailType(contentType: string | undefined): string {
	const type = (contentType ?? 'image/jpeg').split(';')[0]!.trim().toLowerCase();
	return type === 'image/jpg' ? 'image/jpeg' : type;
}

export const jobIdProperty = (show: Show): INodeProperties => ({
	displayName: 'Job ID',
	name: 'jobId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. task_01j...',
	description: 'The ID of the video generation job, as returned by Create Job',
	displayOptions: { show },
});
