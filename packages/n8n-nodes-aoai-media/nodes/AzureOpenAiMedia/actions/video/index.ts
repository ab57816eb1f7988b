import type { INodeProperties } from 'n8n-workflow';
import * as createJob from './createJob.operation';
import * as deleteJob from './deleteJob.operation';
import * as download from './download.operation';
import * as generate from './generate.operation';
import * as generateFromMedia from './generateFromMedia.operation';
import * as getJob from './getJob.operation';
import * as listJobs from './listJobs.operation';
import * as remix from './remix.operation';

export { createJob, deleteJob, download, generate, generateFromMedia, getJob, listJobs, remix };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Create Job',
				value: 'createJob',
				action: 'Start a video job without waiting',
				description: 'Submit a job and return at once',
			},
			{
				name: 'Delete Job',
				value: 'deleteJob',
				action: 'Delete a video job',
				description: 'Delete a job and its videos',
			},
			{
				name: 'Download',
				value: 'download',
				action: 'Download a video or its thumbnail',
				description: 'Download a video, its thumbnail or (Sora 2) its spritesheet',
			},
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate a video from a text prompt',
				description: 'Create a job, wait for it and download the videos',
			},
			{
				name: 'Generate From Media',
				value: 'generateFromMedia',
				action: 'Generate a video from images or videos',
				description: 'Start from images or videos in binary fields',
			},
			{
				name: 'Get Job',
				value: 'getJob',
				action: 'Get the status of a video job',
				description: 'Get the status and generations of a job',
			},
			{
				name: 'List Jobs',
				value: 'listJobs',
				action: 'List video jobs',
				description: 'List the jobs (Sora 2: videos) of the resource',
			},
			{
				name: 'Remix',
				value: 'remix',
				action: 'Remix a finished video with a new prompt',
				description: 'Make a new Sora 2 video from a finished one with a changed prompt',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...createJob.description,
	...getJob.description,
	...listJobs.description,
	...deleteJob.description,
	...download.description,
	...generateFromMedia.description,
	...remix.description,
];
