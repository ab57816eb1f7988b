import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { DEFAULT_VERSION, NODE_VERSIONS } from './actions/descriptions';
import { properties } from './actions/properties';
import { router } from './actions/router';

export class AzureOpenAiMedia implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Azure OpenAI Media',
		name: 'azureOpenAiMedia',
		icon: { light: 'file:azureOpenAiMedia.svg', dark: 'file:azureOpenAiMedia.dark.svg' },
		group: ['transform'],
		// Version 1 keeps the defaults saved workflows rely on; new nodes get version 2 (current models).
		version: NODE_VERSIONS,
		defaultVersion: DEFAULT_VERSION,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Generate and edit images, generate Sora videos, transcribe audio and generate speech with Azure OpenAI',
		defaults: { name: 'Azure OpenAI Media' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'azureOpenAiMediaApi',
				required: true,
				displayOptions: { show: { authentication: ['azureOpenAiMediaApi'] } },
			},
			{
				name: 'azureOpenAiMediaOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['azureOpenAiMediaOAuth2Api'] } },
			},
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
