import type { INodeProperties } from 'n8n-workflow';
import * as transcribe from './transcribe.operation';
import * as translate from './translate.operation';

export { transcribe, translate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['audio'] } },
		options: [
			{
				name: 'Transcribe',
				value: 'transcribe',
				action: 'Transcribe speech to text',
				description: 'Turn speech into text in its own language',
			},
			{
				name: 'Translate',
				value: 'translate',
				action: 'Translate speech to text',
				description: 'Turn speech in any supported language into English text',
			},
		],
		default: 'transcribe',
	},
	...transcribe.description,
	...translate.description,
];
