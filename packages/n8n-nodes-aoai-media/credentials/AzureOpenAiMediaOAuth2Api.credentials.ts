import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * Microsoft Entra ID sign-in for an app registration (service principal): n8n fetches a token
 * with the OAuth2 client credentials grant, stores it with the credential and fetches a new one
 * when Azure answers 401, so scheduled workflows keep running after the token's hour is up.
 */
export class AzureOpenAiMediaOAuth2Api implements ICredentialType {
	name = 'azureOpenAiMediaOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Azure OpenAI Media Entra ID OAuth2 API';

	icon: Icon = {
		light: 'file:../nodes/AzureOpenAiMedia/azureOpenAiMedia.svg',
		dark: 'file:../nodes/AzureOpenAiMedia/azureOpenAiMedia.dark.svg',
	};

	documentationUrl = 'https://learn.microsoft.com/azure/ai-foundry/openai/how-to/managed-identity';

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
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. 00000000-0000-0000-0000-000000000000',
			description:
				'The Directory (tenant) ID of the app registration, from its Overview page in the Azure portal',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'clientCredentials',
		},
		{
			displayName: 'Authority Host',
			name: 'authorityHost',
			type: 'string',
			default: 'https://login.microsoftonline.com',
			description:
				'Where Entra ID issues tokens. Change it only for a national cloud, e.g. https://login.microsoftonline.us.',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default:
				'={{$self["authorityHost"].replace(/\\/+$/, "")}}/{{$self["tenantId"]}}/oauth2/v2.0/token',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: 'https://cognitiveservices.azure.com/.default',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
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

	// Fetches a token, then lists the resource's models with it: a valid sign-in and role, nothing created.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.endpoint.replace(/\\/+$/, "").replace(/\\/openai$/, "")}}',
			url: '/openai/v1/models',
			method: 'GET',
		},
	};
}
