import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { binaryOutputProperty, deploymentProperty, modelProperty, optionsCollection, type Show } from '../descriptions';
import { cancelSignal, clientFor, readStream, toBinary } from '../common';
import { thumbnailType, videoModels } from './shared';

const show: Show = { resource: ['video'], operation: ['download'] };

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
		displayOptions: { show },
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
		displayOptions: { show },
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
		displayOptions: { show: { ...show, content: ['video'] } },
	},
	binaryOutputProperty(show),
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { client } = await clientFor(this, itemIndex, 'video');
	const generationId = String(this.getNodeParameter('generationId', itemIndex, '')).trim();
	const content = this.getNodeParameter('content', itemIndex, 'video') as 'video' | 'thumbnail';
	const property = String(this.getNodeParameter('binaryPropertyOutput', itemIndex, 'data')) || 'data';
	if (content === 'thumbnail') {
		const thumbnail = await client.videos.generations.thumbnail(generationId, cancelSignal(this));
		const mimeType = thumbnailType(thumbnail.contentType);
		return [
			{
				json: { generationId, content, mimeType, bytes: thumbnail.bytes.byteLength },
				binary: { [property]: await toBinary(this, thumbnail.bytes, `${generationId}.${mimeType.split('/')[1]}`, mimeType) },
			},
		];
	}
	const quality = this.getNodeParameter('quality', itemIndex, 'high') as 'high' | 'low';
	const video = await client.videos.generations.content(generationId, { quality, ...cancelSignal(this) });
	const bytes = await readStream(video.stream);
	return [
		{
			json: { generationId, content, quality, mimeType: video.contentType || 'video/mp4', bytes: bytes.byteLength },
			binary: { [property]: await toBinary(this, bytes, `${generationId}.mp4`, video.contentType || 'video/mp4') },
		},
	];
}
