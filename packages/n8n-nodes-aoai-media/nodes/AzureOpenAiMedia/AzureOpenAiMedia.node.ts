import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { properties } from './actions/properties';
import { router } from './actions/router';

export class AzureOpenAiMedia implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Azure OpenAI Media',
		name: 'azureOpenAiMedia',
		icon: { light: 'file:azureOpenAiMedia.svg', dark: 'file:azureOpenAiMedia.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description:
			'Generate and edit images, generate Sora videos and transcribe audio with Azure OpenAI',
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
