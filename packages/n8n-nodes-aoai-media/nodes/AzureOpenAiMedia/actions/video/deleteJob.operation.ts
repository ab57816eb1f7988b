import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { deploymentProperty, modelProperty, optionsCollection, type Show } from '../descriptions';
import { cancelSignal, clientFor } from '../common';
import { idProperties, readId, videoModels } from './shared';

const show: Show = { resource: ['video'], operation: ['deleteJob'] };

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
	if (model.api === 'videos') {
		const result = await client.videos.sora2.delete(id, cancelSignal(this));
		return [{ json: { id, deleted: result.deleted } }];
	}
	await client.videos.jobs.delete(id, cancelSignal(this));
	return [{ json: { id, deleted: true } }];
}
