import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { deploymentProperty, modelProperty, optionsCollection, type Show } from '../descriptions';
import { clientFor } from '../common';
import { jobJson, jobProperties, startVideo, videoModels } from './shared';

const show: Show = { resource: ['video'], operation: ['createJob'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	modelProperty(videoModels, show),
	...jobProperties(show),
	optionsCollection(show),
];

/** Submit now, collect later: returns the queued job (Sora 1) or video (Sora 2) at once. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'video');
	return [{ json: jobJson(await startVideo(this, itemIndex, client, deployment, model)) }];
}
