import type { ImageEditRequest } from '@aoai-media/core';
import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';
import {
	allowRetiredOption,
	binaryOutputProperty,
	DEFAULT_MODELS,
	deploymentProperty,
	imageModels,
	modelProperty,
	modelOptionsCollection,
	perModel,
	type Show,
} from '../descriptions';
import {
	cancelSignal,
	clientFor,
	compact,
	names,
	optional,
	outputOption,
	readBinary,
} from '../common';
import {
	imageItems,
	imageOutputOptions,
	imageOutputProperties,
	readImageOutputParameters,
} from './shared';

const show: Show = { resource: ['image'], operation: ['edit'] };
const models = imageModels('images.edit');
const editFields = (m: (typeof models)[number]) => m.edit?.fields ?? [];

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
		placeholder: 'e.g. Put a red hat on the cat',
		description: 'What to change',
		displayOptions: { show },
	},
	...perModel(
		models,
		show,
		'image',
		(m) => m.edit?.maxImages,
		(maxImages) => ({
			displayName: 'Input Image Fields',
			name: 'imageProperties',
			type: 'string',
			default: 'data',
			required: true,
			placeholder: 'e.g. data, reference',
			description:
				maxImages > 1
					? `Binary fields of the input item holding the images to edit, separated by commas (up to ${maxImages})`
					: 'Binary field of the input item holding the image to edit',
		}),
	),
	{
		displayName: 'Mask Field',
		name: 'maskProperty',
		type: 'string',
		default: '',
		placeholder: 'e.g. mask',
		description:
			'Binary field holding a PNG mask with the size of the first image; its transparent pixels mark where to edit. Leave empty to edit the whole image.',
		displayOptions: { show },
	},
	...imageOutputProperties(models, show, editFields),
	binaryOutputProperty(show),
	...modelOptionsCollection(models, show, [
		...imageOutputOptions(editFields),
		outputOption,
		allowRetiredOption,
	]),
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'image', 'images.edit');
	const prompt = String(this.getNodeParameter('prompt', itemIndex, ''));
	const imageProperties = names(this.getNodeParameter('imageProperties', itemIndex, 'data'));
	if (imageProperties.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No input image field given', {
			itemIndex,
			description: '- imageProperties: name at least one binary field, e.g. "data"',
		});
	}
	const images = [];
	for (const property of imageProperties) images.push(await readBinary(this, itemIndex, property));
	const maskProperty = optional<string>(this, 'maskProperty', itemIndex)?.trim();
	const mask = maskProperty ? await readBinary(this, itemIndex, maskProperty) : undefined;
	const fields = readImageOutputParameters(this, itemIndex, model, editFields(model));
	const request = compact({
		model: deployment,
		prompt,
		image: images.length === 1 ? images[0]! : images,
		mask,
		...fields,
	}) as ImageEditRequest;
	const result = await client.images.edit(request, cancelSignal(this));
	return imageItems(this, itemIndex, result, { deployment, model: model.name, prompt });
}
