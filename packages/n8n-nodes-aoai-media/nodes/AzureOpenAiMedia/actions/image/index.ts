import type { INodeProperties } from 'n8n-workflow';
import * as edit from './edit.operation';
import * as generate from './generate.operation';

export { edit, generate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Edit',
				value: 'edit',
				action: 'Edit images with a text prompt',
				description: 'Change images from binary fields, optionally inside a mask',
			},
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate images from a text prompt',
				description: 'Create images from a prompt',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...edit.description,
];
