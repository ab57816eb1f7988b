import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { binaryOutputProperty, deploymentProperty, modelProperty, optionsCollection, type Show } from '../descriptions';
import { cancelSignal, clientFor, compact } from '../common';
import { jobProperties, readJobRequest, videoModels, waitAndDownload, waitOptions } from './shared';

const show: Show = { resource: ['video'], operation: ['generate'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	modelProperty(videoModels, show),
	...jobProperties(show),
	binaryOutputProperty(show),
	optionsCollection(show, waitOptions),
];

/** Create a job, wait for it, and return one item per video with the video and its thumbnail. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'video');
	const job = await client.videos.jobs.create(compact(readJobRequest(this, itemIndex, deployment, model)), cancelSignal(this));
	return waitAndDownload(this, itemIndex, client, job);
}
