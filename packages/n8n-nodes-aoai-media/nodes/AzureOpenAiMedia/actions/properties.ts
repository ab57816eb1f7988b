import type { INodeProperties } from 'n8n-workflow';
import * as audio from './audio';
import * as image from './image';
import * as video from './video';

/** Every parameter of the node: how it signs in, the resource, then each resource's operations and their fields. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{
				name: 'API Key or Entra ID Token',
				value: 'azureOpenAiMediaApi',
				description: 'The resource key, or a Microsoft Entra ID token you paste',
			},
			{
				name: 'Entra ID App (OAuth2)',
				value: 'azureOpenAiMediaOAuth2Api',
				description:
					'An app registration signing in with its client secret; n8n renews the token itself',
			},
		],
		default: 'azureOpenAiMediaApi',
	},
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
