import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import {
	binaryOutputProperty,
	deploymentProperty,
	modelProperty,
	modelOptionsCollection,
	type Show,
} from '../descriptions';
import { clientFor } from '../common';
import {
	jobProperties,
	outputFields,
	startVideo,
	videoModels,
	waitAndDownload,
	waitOptions,
} from './shared';

const show: Show = { resource: ['video'], operation: ['generate'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	modelProperty(videoModels, show),
	...jobProperties(show),
	binaryOutputProperty(show),
	...modelOptionsCollection(videoModels, show, waitOptions()),
];

/** Start the job (Sora 1) or video (Sora 2), wait for it, and return the videos with their thumbnails. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'video');
	outputFields(this, itemIndex);
	const started = await startVideo(this, itemIndex, client, deployment, model);
	return waitAndDownload(this, itemIndex, client, model, started.id);
}
