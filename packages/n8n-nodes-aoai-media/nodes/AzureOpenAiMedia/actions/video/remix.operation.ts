import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import {
	binaryOutputProperty,
	deploymentProperty,
	modelProperty,
	modelOptionsCollection,
	type Show,
} from '../descriptions';
import { cancelSignal, clientFor, getOptions } from '../common';
import {
	jobJson,
	outputFields,
	sora2Models,
	videoIdProperty,
	waitAndDownload,
	waitOptions,
} from './shared';

const show: Show = { resource: ['video'], operation: ['remix'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	modelProperty(sora2Models, show),
	...videoIdProperty(show, sora2Models),
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. The same scene at night',
		description: 'What to change in the finished video',
		displayOptions: { show },
	},
	binaryOutputProperty(show),
	...modelOptionsCollection(sora2Models, show, [
		...waitOptions(),
		{
			displayName: 'Wait for Completion',
			name: 'wait',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait and download the new video; when off, the queued video is returned at once',
		},
	]),
];

/** A new Sora 2 video from a finished one with a changed prompt; size and duration stay those of the original. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, model } = await clientFor(this, itemIndex, 'video');
	if (getOptions(this, itemIndex).wait !== false) outputFields(this, itemIndex);
	const videoId = String(this.getNodeParameter('videoId', itemIndex, '')).trim();
	const prompt = String(this.getNodeParameter('prompt', itemIndex, ''));
	const video = await client.videos.sora2.remix(videoId, { prompt }, cancelSignal(this));
	if (getOptions(this, itemIndex).wait === false) return [{ json: jobJson(video) }];
	return waitAndDownload(this, itemIndex, client, model, video.id);
}
