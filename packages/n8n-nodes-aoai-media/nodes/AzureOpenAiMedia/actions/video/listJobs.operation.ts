import { VIDEO_TASK_STATUSES } from '@aoai-media/core';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import {
	DEFAULT_MODELS,
	deploymentProperty,
	modelProperty,
	optionsCollection,
	type Show,
} from '../descriptions';
import { cancelSignal, clientFor, getOptions } from '../common';
import { valueOptions } from '../labels';
import { allVideoModels, taskJson } from './shared';

const show: Show = { resource: ['video'], operation: ['listJobs'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	...modelProperty(allVideoModels, show, DEFAULT_MODELS.video),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	optionsCollection(show, [
		{
			displayName: 'Statuses',
			name: 'statuses',
			type: 'multiOptions',
			options: valueOptions('status', VIDEO_TASK_STATUSES),
			default: [],
			description: 'Only return jobs in these states',
		},
	]),
];

/** One item per job, newest first, following Azure's pages. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment } = await clientFor(this, itemIndex, 'video');
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : Number(this.getNodeParameter('limit', itemIndex, 50));
	// Core's statuses, or Azure's own words that version 1 workflows may have saved.
	const statuses = (getOptions(this, itemIndex).statuses as string[] | undefined) ?? [];
	const wanted = (status: string, rawStatus: string) =>
		statuses.length === 0 || statuses.includes(status) || statuses.includes(rawStatus);
	const page = await client.videos.list(
		{ deployment, limit: Math.min(limit, 100) },
		cancelSignal(this),
	);
	const items: INodeExecutionData[] = [];
	for await (const task of page) {
		if (!wanted(task.status, task.rawStatus)) continue;
		items.push({ json: taskJson(this, task) });
		if (items.length >= limit) break;
	}
	return items;
}
