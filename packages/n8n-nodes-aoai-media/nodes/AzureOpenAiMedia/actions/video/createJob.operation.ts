import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { deploymentProperty, modelProperty, optionsCollection, type Show } from '../descriptions';
import { cancelSignal, clientFor, compact } from '../common';
import { jobJson, jobProperties, readJobRequest, videoModels } from './shared';

const show: Show = { resource: ['video'], operation: ['createJob'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	modelProperty(videoModels, show),
	...jobProperties(show),
	optionsCollection(show),
];

/** Submit now, collect later: returns the queued job at once. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'video');
	const job = await client.videos.jobs.create(compact(readJobRequest(this, itemIndex, deployment, model)), cancelSignal(this));
	return [{ json: jobJson(job) }];
}
