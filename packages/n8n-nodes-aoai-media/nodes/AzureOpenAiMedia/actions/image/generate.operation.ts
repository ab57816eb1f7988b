import type { ImageGenerateRequest } from '@aoai-media/core';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import {
	allowRetiredOption,
	binaryOutputProperty,
	DEFAULT_MODELS,
	deploymentProperty,
	imageModels,
	modelProperty,
	modelOptionsCollection,
	type Show,
} from '../descriptions';
import { cancelSignal, clientFor, compact, getOptions, outputMode, outputOption } from '../common';
import {
	imageItems,
	imageOutputProperties,
	imageOutputOptions,
	readImageOutputParameters,
} from './shared';

const show: Show = { resource: ['image'], operation: ['generate'] };
const models = imageModels('images.generate');

export const description: INodeProperties[] = [
	deploymentProperty(show),
	...modelProperty(models, show, DEFAULT_MODELS.image),
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. A watercolour lighthouse at dawn',
		description: 'What the image should show',
		displayOptions: { show },
	},
	...imageOutputProperties(models, show, (m) => m.generateFields),
	binaryOutputProperty(show),
	...modelOptionsCollection(models, show, [
		...imageOutputOptions((m) => m.generateFields),
		outputOption,
		allowRetiredOption,
	]),
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(
		this,
		itemIndex,
		'image',
		'images.generate',
	);
	const prompt = String(this.getNodeParameter('prompt', itemIndex, ''));
	const fields = readImageOutputParameters(this, itemIndex, model, model.generateFields);
	const options = getOptions(this, itemIndex);
	const request = compact({
		model: deployment,
		prompt,
		...fields,
		style: model.generateFields.includes('style')
			? (options.style as string | undefined)
			: undefined,
		moderation: model.generateFields.includes('moderation')
			? (options.moderation as string | undefined)
			: undefined,
	}) as ImageGenerateRequest;
	const result = await client.images.generate(request, {
		...cancelSignal(this),
		// Images Azure answers with as URLs are fetched, unless the URL is the output wanted.
		downloadUrls: outputMode(this, itemIndex) !== 'reference',
	});
	return imageItems(this, itemIndex, result, { deployment, model: model.name, prompt });
}
