import type { VideoVariant } from '@aoai-media/core';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import {
	binaryOutputProperty,
	deploymentProperty,
	modelProperty,
	optionsCollection,
	type Show,
} from '../descriptions';
import { cancelSignal, clientFor, readStream, toBinary } from '../common';
import {
	downloadVariant,
	jobModels,
	mimeTypeOf,
	sora2Models,
	videoIdProperty,
	videoModels,
} from './shared';

const show: Show = { resource: ['video'], operation: ['download'] };
const sora1: Show & { model: string[] } = { ...show, model: jobModels.map((m) => m.name) };
const sora2: Show & { model: string[] } = { ...show, model: sora2Models.map((m) => m.name) };

/** What Sora 2 serves for a video; typed by core, so a variant it adds fails the build until it is listed. */
const VARIANTS: Record<VideoVariant, { name: string; description: string }> = {
	video: { name: 'Video', description: 'The MP4 video' },
	thumbnail: { name: 'Thumbnail', description: 'A still image of the video' },
	spritesheet: { name: 'Spritesheet', description: 'A grid of frames from across the video' },
};

export const description: INodeProperties[] = [
	deploymentProperty(show),
	modelProperty(videoModels, show),
	{
		displayName: 'Generation ID',
		name: 'generationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. gen_01j...',
		description: 'The ID of one generation of a finished job (see "generations" in Get Job)',
		displayOptions: { show: sora1 },
	},
	{
		displayName: 'Content',
		name: 'content',
		type: 'options',
		options: [
			{ name: 'Video', value: 'video', description: 'The MP4 video' },
			{ name: 'Thumbnail', value: 'thumbnail', description: 'A still image of the video' },
		],
		default: 'video',
		displayOptions: { show: sora1 },
	},
	{
		displayName: 'Quality',
		name: 'quality',
		type: 'options',
		options: [
			{ name: 'High', value: 'high' },
			{ name: 'Low', value: 'low' },
		],
		default: 'high',
		displayOptions: { show: { ...sora1, content: ['video'] } },
	},
	videoIdProperty(show),
	{
		displayName: 'Variant',
		name: 'variant',
		type: 'options',
		options: Object.entries(VARIANTS).map(([value, { name, description }]) => ({
			name,
			value,
			description,
		})),
		default: 'video',
		displayOptions: { show: sora2 },
	},
	binaryOutputProperty(show),
	optionsCollection(show),
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, model } = await clientFor(this, itemIndex, 'video');
	const property =
		String(this.getNodeParameter('binaryPropertyOutput', itemIndex, 'data')) || 'data';
	if (model.api === 'videos') {
		const videoId = String(this.getNodeParameter('videoId', itemIndex, '')).trim();
		const variant = this.getNodeParameter('variant', itemIndex, 'video') as VideoVariant;
		const { binary, bytes } = await downloadVariant(this, client, videoId, variant);
		return [
			{
				json: { videoId, variant, mimeType: binary.mimeType, bytes },
				binary: { [property]: binary },
			},
		];
	}
	const generationId = String(this.getNodeParameter('generationId', itemIndex, '')).trim();
	const content = this.getNodeParameter('content', itemIndex, 'video') as 'video' | 'thumbnail';
	if (content === 'thumbnail') {
		const thumbnail = await client.videos.generations.thumbnail(generationId, cancelSignal(this));
		const mimeType = mimeTypeOf(thumbnail.contentType);
		return [
			{
				json: { generationId, content, mimeType, bytes: thumbnail.bytes.byteLength },
				binary: {
					[property]: await toBinary(
						this,
						thumbnail.bytes,
						`${generationId}.${mimeType.split('/')[1]}`,
						mimeType,
					),
				},
			},
		];
	}
	const quality = this.getNodeParameter('quality', itemIndex, 'high') as 'high' | 'low';
	const video = await client.videos.generations.content(generationId, {
		quality,
		...cancelSignal(this),
	});
	const bytes = await readStream(video.stream);
	return [
		{
			json: {
				generationId,
				content,
				quality,
				mimeType: video.contentType || 'video/mp4',
				bytes: bytes.byteLength,
			},
			binary: {
				[property]: await toBinary(
					this,
					bytes,
					`${generationId}.mp4`,
					video.contentType || 'video/mp4',
				),
			},
		},
	];
}
