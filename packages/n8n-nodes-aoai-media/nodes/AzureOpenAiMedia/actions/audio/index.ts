import type { INodeProperties } from 'n8n-workflow';
import * as speech from './speech.operation';
import * as transcribe from './transcribe.operation';
import * as translate from './translate.operation';

export { speech, transcribe, translate };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['audio'] } },
		options: [
			{
				name: 'Generate Speech',
				value: 'speech',
				action: 'Generate speech from text',
				description: 'Turn text into spoken audio',
			},
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
	...speech.description,
];
