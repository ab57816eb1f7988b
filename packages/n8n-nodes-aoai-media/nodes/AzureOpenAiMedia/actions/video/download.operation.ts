import type { VideoVariant } from '@aoai-media/core';
import type {
	IBinaryData,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import {
	binaryOutputProperty,
	deploymentProperty,
	modelProperty,
	optionsCollection,
	perModel,
	type Show,
} from '../descriptions';
import {
	cancelSignal,
	clientFor,
	fileReference,
	outputMode,
	outputOption,
	storeDownload,
	toBinary,
} from '../common';
import { valueOptions } from '../labels';
import { downloadVariant, mimeTypeOf, videoIdProperty, videoModels } from './shared';

const show: Show = { resource: ['video'], operation: ['download'] };
const sora1 = (model: { api: string }) => (model.api === 'jobs' ? true : undefined);

/** What Sora 2 serves for a video; typed by core, so a variant it adds fails the build until it is listed. */
const VARIANTS: Record<VideoVariant, string> = {
	video: 'The MP4 video',
	thumbnail: 'A still image of the video',
	spritesheet: 'A grid of frames from across the video',
};

export const description: INodeProperties[] = [
	deploymentProperty(show),
	modelProperty(videoModels, show),
	...perModel(videoModels, show, 'generation_id', sora1, () => ({
		displayName: 'Generation ID',
		name: 'generationId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. gen_01j...',
		description: 'The ID of one generation of a finished job (see "generations" in Get Job)',
	})),
	...perModel(videoModels, show, 'content', sora1, () => ({
		displayName: 'Content',
		name: 'content',
		type: 'options',
		options: [
			{ name: 'Video', value: 'video', description: 'The MP4 video' },
			{ name: 'Thumbnail', value: 'thumbnail', description: 'A still image of the video' },
		],
		default: 'video',
	})),
	...perModel(videoModels, show, 'quality', sora1, () => ({
		displayName: 'Quality',
		name: 'quality',
		type: 'options',
		options: [
			{ name: 'High', value: 'high' },
			{ name: 'Low', value: 'low' },
		],
		default: 'high',
		description: 'The video quality; a thumbnail has only one',
	})),
	...videoIdProperty(show),
	...perModel(
		videoModels,
		show,
		'variant',
		(m) => (m.api === 'videos' ? true : undefined),
		() => ({
			displayName: 'Variant',
			name: 'variant',
			type: 'options',
			options: valueOptions('variant', Object.keys(VARIANTS)).map((option) => ({
				...option,
				description: VARIANTS[option.value as VideoVariant],
			})),
			default: 'video',
		}),
	),
	binaryOutputProperty(show),
	optionsCollection(show, [outputOption]),
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, model } = await clientFor(this, itemIndex, 'video');
	const property =
		String(this.getNodeParameter('binaryPropertyOutput', itemIndex, 'data')) || 'data';
	const item = (json: INodeExecutionData['json'], binary: IBinaryData): INodeExecutionData => {
		const output: INodeExecutionData = {
			json: { ...json, mimeType: binary.mimeType, bytes: binary.bytes ?? null },
			binary: { [property]: binary },
		};
		if (outputMode(this, itemIndex) === 'reference')
			output.json.files = [fileReference(this, property, binary)];
		return output;
	};

	if (model.api === 'videos') {
		const videoId = String(this.getNodeParameter('videoId', itemIndex, '')).trim();
		const variant = this.getNodeParameter('variant', itemIndex, 'video') as VideoVariant;
		return [item({ videoId, variant }, await downloadVariant(this, client, videoId, variant))];
	}
	const generationId = String(this.getNodeParameter('generationId', itemIndex, '')).trim();
	const content = this.getNodeParameter('content', itemIndex, 'video') as 'video' | 'thumbnail';
	if (content === 'thumbnail') {
		const thumbnail = await client.videos.generations.thumbnail(generationId, cancelSignal(this));
		const mimeType = mimeTypeOf(thumbnail.contentType);
		const binary = await toBinary(
			this,
			thumbnail.bytes,
			`${generationId}.${mimeType.split('/')[1]}`,
			mimeType,
		);
		return [item({ generationId, content }, binary)];
	}
	const quality = this.getNodeParameter('quality', itemIndex, 'high') as 'high' | 'low';
	const video = await client.videos.generations.content(generationId, {
		quality,
		...cancelSignal(this),
	});
	const binary = await storeDownload(this, video, `${generationId}.mp4`, 'video/mp4');
	return [item({ generationId, content, quality }, binary)];
}
