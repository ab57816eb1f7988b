import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import {
	allowRetiredOption,
	binaryOutputProperty,
	DEFAULT_MODELS,
	deploymentProperty,
	modelProperty,
	modelOptionsCollection,
	type Show,
} from '../descriptions';
import { cancelSignal, clientFor, getOptions } from '../common';
import {
	jobIdProperty,
	outputFields,
	remixModels,
	taskJson,
	waitAndDownload,
	waitOptions,
} from './shared';
import { legacyIdProperties } from './version1';
import { readTaskRef } from './task';

const show: Show = { resource: ['video'], operation: ['remix'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	...modelProperty(remixModels, show, DEFAULT_MODELS.video),
	jobIdProperty(show, remixModels),
	...legacyIdProperties(show, remixModels),
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
	...modelOptionsCollection(remixModels, show, [
		...waitOptions(),
		{
			displayName: 'Wait for Completion',
			name: 'wait',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait and download the new video; when off, the queued video is returned at once',
		},
		allowRetiredOption,
	]),
];

/** A new video from a finished one with a changed prompt; size and duration stay those of the original. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'video', 'videos.remix');
	const wait = getOptions(this, itemIndex).wait !== false;
	if (wait) outputFields(this, itemIndex);
	const source = readTaskRef(this, itemIndex, deployment, model);
	const prompt = String(this.getNodeParameter('prompt', itemIndex, ''));
	const remixed = await client.videos.remix(source, { prompt }, cancelSignal(this));
	if (!wait) return [{ json: taskJson(this, remixed) }];
	return waitAndDownload(this, itemIndex, client, remixed);
}
