import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

export class AzureOpenAiMediaApi implements ICredentialType {
	name = 'azureOpenAiMediaApi';

	displayName = 'Azure OpenAI Media API';

	icon: Icon = {
		light: 'file:../nodes/AzureOpenAiMedia/azureOpenAiMedia.svg',
		dark: 'file:../nodes/AzureOpenAiMedia/azureOpenAiMedia.dark.svg',
	};

	documentationUrl = 'https://learn.microsoft.com/azure/ai-foundry/openai/reference';

	properties: INodeProperties[] = [
		{
			displayName: 'Endpoint',
			name: 'endpoint',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://my-resource.openai.azure.com',
			description:
				'The endpoint of the Azure OpenAI resource, as shown under Keys and Endpoint in the Azure portal',
		},
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			default: 'apiKey',
			options: [
				{
					name: 'API Key',
					value: 'apiKey',
					description: 'Send the resource key in the api-key header',
				},
				{
					name: 'Microsoft Entra ID Token',
					value: 'entraToken',
					description: 'Send a bearer token for the https://cognitiveservices.azure.com scope',
				},
			],
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authType: ['apiKey'] } },
		},
		{
			displayName: 'Bearer Token',
			name: 'bearerToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A Microsoft Entra ID access token, e.g. from "az account get-access-token --resource https://cognitiveservices.azure.com"',
			displayOptions: { show: { authType: ['entraToken'] } },
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: 'preview',
			description:
				'"preview" or "v1" use the /openai/v1 paths; a dated version such as 2025-04-01-preview uses the deployment paths',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) };
		if (credentials.authType === 'entraToken') {
			headers.Authorization = `Bearer ${String(credentials.bearerToken)}`;
		} else {
			headers['api-key'] = String(credentials.apiKey);
		}
		return { ...requestOptions, headers };
	}

	// Listing the resource's models needs a valid key and no deployment, works on every resource
	// (Azure's v1 API has it, without an api-version) and creates nothing.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.endpoint.replace(/\\/+$/, "").replace(/\\/openai$/, "")}}',
			url: '/openai/v1/models',
			method: 'GET',
		},
	};
}
