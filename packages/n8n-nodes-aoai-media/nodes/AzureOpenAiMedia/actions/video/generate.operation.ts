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
import { cancelSignal, clientFor } from '../common';
import {
	allVideoModels,
	jobProperties,
	outputFields,
	readCreateRequest,
	waitAndDownload,
	waitOptions,
} from './shared';

const show: Show = { resource: ['video'], operation: ['generate'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	...modelProperty(allVideoModels, show, DEFAULT_MODELS.video),
	...jobProperties(show, allVideoModels, { reference: true }),
	binaryOutputProperty(show),
	...modelOptionsCollection(allVideoModels, show, [...waitOptions(), allowRetiredOption]),
];

/** Start the job, wait for it, and return each video with its thumbnail. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'video', 'videos.create');
	outputFields(this, itemIndex);
	const request = await readCreateRequest(this, itemIndex, deployment, model);
	const started = await client.videos.create(request, cancelSignal(this));
	return waitAndDownload(this, itemIndex, client, started);
}
