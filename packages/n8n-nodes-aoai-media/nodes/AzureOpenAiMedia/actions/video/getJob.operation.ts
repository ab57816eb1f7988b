import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { deploymentProperty, modelProperty, optionsCollection, type Show } from '../descriptions';
import { cancelSignal, clientFor } from '../common';
import { jobIdProperty, jobJson, videoModels } from './shared';

const show: Show = { resource: ['video'], operation: ['getJob'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	modelProperty(videoModels, show),
	jobIdProperty(show),
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { client } = await clientFor(this, itemIndex, 'video');
	const jobId = String(this.getNodeParameter('jobId', itemIndex, '')).trim();
	const job = await client.videos.jobs.get(jobId, cancelSignal(this));
	return [{ json: jobJson(job) }];
}
