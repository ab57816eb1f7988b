import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { deploymentProperty, modelProperty, optionsCollection, type Show } from '../descriptions';
import { cancelSignal, clientFor } from '../common';
import { idProperties, jobJson, readId, videoModels } from './shared';

const show: Show = { resource: ['video'], operation: ['getJob'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	modelProperty(videoModels, show),
	...idProperties(show),
	optionsCollection(show),
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, model } = await clientFor(this, itemIndex, 'video');
	const id = readId(this, itemIndex, model);
	const job =
		model.api === 'videos'
			? await client.videos.sora2.get(id, cancelSignal(this))
			: await client.videos.jobs.get(id, cancelSignal(this));
	return [{ json: jobJson(job) }];
}
