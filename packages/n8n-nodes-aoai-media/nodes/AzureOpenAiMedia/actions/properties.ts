import type { INodeProperties } from 'n8n-workflow';
import * as audio from './audio';
import * as image from './image';
import * as video from './video';

/** Every parameter of the node: the resource, then each resource's operations and their fields. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Audio', value: 'audio' },
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
		],
		default: 'image',
	},
	...image.description,
	...video.description,
	...audio.description,
];
