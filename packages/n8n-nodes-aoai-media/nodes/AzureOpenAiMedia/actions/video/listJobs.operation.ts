import type { Video, VideoJob, VideoJobStatus } from '@aoai-media/core';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { deploymentProperty, modelProperty, optionsCollection, type Show } from '../descriptions';
import { cancelSignal, clientFor, getOptions } from '../common';
import { jobJson, jobModels, videoModels } from './shared';

const show: Show = { resource: ['video'], operation: ['listJobs'] };

/** Azure's Sora 1 job statuses, for the filter (the Sora 2 list has none). */
const STATUSES = [
	'preprocessing',
	'queued',
	'running',
	'processing',
	'cancelled',
	'succeeded',
	'failed',
];

export const description: INodeProperties[] = [
	deploymentProperty(show),
	modelProperty(videoModels, show),
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
			options: STATUSES.map((s) => ({ name: s[0]!.toUpperCase() + s.slice(1), value: s })),
			default: [],
			description: 'Only return jobs in these states',
			displayOptions: { show: { '/model': jobModels.map((m) => m.name) } },
		},
	]),
];

/** One item per job (Sora 1) or video (Sora 2), newest first, following Azure's pages. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, model } = await clientFor(this, itemIndex, 'video');
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : Number(this.getNodeParameter('limit', itemIndex, 50));
	const pageSize = Math.min(limit, 100);
	const statuses = (getOptions(this, itemIndex).statuses as VideoJobStatus[] | undefined) ?? [];
	const all: AsyncIterable<VideoJob | Video> =
		model.api === 'videos'
			? client.videos.sora2.listAll({ limit: pageSize }, cancelSignal(this))
			: client.videos.jobs.listAll(
					{ limit: pageSize, ...(statuses.length > 0 ? { statuses } : {}) },
					cancelSignal(this),
				);
	const items: INodeExecutionData[] = [];
	for await (const job of all) {
		items.push({ json: jobJson(job) });
		if (items.length >= limit) break;
	}
	return items;
}
