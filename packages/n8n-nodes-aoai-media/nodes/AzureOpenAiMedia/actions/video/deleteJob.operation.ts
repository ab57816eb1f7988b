import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { deploymentProperty, modelProperty, optionsCollection, type Show } from '../descriptions';
import { cancelSignal, clientFor } from '../common';
import { jobIdProperty, videoModels } from './shared';

const show: Show = { resource: ['video'], operation: ['deleteJob'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	modelProperty(videoModels, show),
	jobIdProperty(show),
	optionsCollection(show),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { client } = await clientFor(this, itemIndex, 'video');
	const jobId = String(this.getNodeParameter('jobId', itemIndex, '')).trim();
	await client.videos.jobs.delete(jobId, cancelSignal(this));
	return [{ json: { id: jobId, deleted: true } }];
}
