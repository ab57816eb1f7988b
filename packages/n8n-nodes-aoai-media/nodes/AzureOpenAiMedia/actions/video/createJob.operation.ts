import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import {
	allowRetiredOption,
	DEFAULT_MODELS,
	deploymentProperty,
	modelProperty,
	optionsCollection,
	type Show,
} from '../descriptions';
import { cancelSignal, clientFor } from '../common';
import { allVideoModels, jobProperties, readCreateRequest, taskJson } from './shared';

const show: Show = { resource: ['video'], operation: ['createJob'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	...modelProperty(allVideoModels, show, DEFAULT_MODELS.video),
	...jobProperties(show, allVideoModels, { reference: true }),
	optionsCollection(show, [allowRetiredOption]),
];

/** Submit now, collect later: returns the queued job at once. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'video', 'videos.create');
	const request = await readCreateRequest(this, itemIndex, deployment, model);
	return [{ json: taskJson(this, await client.videos.create(request, cancelSignal(this))) }];
}
