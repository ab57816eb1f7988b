import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import {
	DEFAULT_MODELS,
	deploymentProperty,
	modelProperty,
	optionsCollection,
	type Show,
} from '../descriptions';
import { cancelSignal, clientFor } from '../common';
import { allVideoModels, jobIdProperty } from './shared';
import { legacyIdProperties } from './version1';
import { readTaskRef } from './task';

const show: Show = { resource: ['video'], operation: ['deleteJob'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	...modelProperty(allVideoModels, show, DEFAULT_MODELS.video),
	jobIdProperty(show, allVideoModels),
	...legacyIdProperties(show, allVideoModels),
	optionsCollection(show),
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'video');
	const deleted = await client.videos.delete(
		readTaskRef(this, itemIndex, deployment, model),
		cancelSignal(this),
	);
	return [{ json: { id: deleted.id, deleted: deleted.deleted } }];
}
