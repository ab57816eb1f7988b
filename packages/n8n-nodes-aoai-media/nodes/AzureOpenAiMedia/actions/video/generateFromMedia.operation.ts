import type { VideoMedia } from '@aoai-media/core';
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';
import {
	allowRetiredOption,
	binaryOutputProperty,
	DEFAULT_MODELS,
	deploymentProperty,
	modelProperty,
	modelOptionsCollection,
	type Show,
} from '../descriptions';
import { cancelSignal, clientFor, getOptions, names, readBinary, type FileInput } from '../common';
import {
	inpaintModels,
	jobProperties,
	outputFields,
	readCreateRequest,
	taskJson,
	waitAndDownload,
	waitOptions,
} from './shared';

const show: Show = { resource: ['video'], operation: ['generateFromMedia'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	// Media placed at any frame and cropped: the models whose capabilities include inpainting.
	...modelProperty(inpaintModels, show, DEFAULT_MODELS.video),
	...jobProperties(show, inpaintModels, { reference: false }),
	{
		displayName: 'Media Fields',
		name: 'mediaProperties',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data, ending',
		description:
			'Binary fields of the input item holding the images or videos to start from, separated by commas',
		displayOptions: { show },
	},
	{
		displayName: 'Inpaint Items',
		name: 'inpaintItems',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add inpaint item',
		default: {},
		description:
			'Where each input appears in the video. Without any, every input is placed at the first frame.',
		displayOptions: { show },
		options: [
			{
				displayName: 'Item',
				name: 'item',
				values: [
					{
						displayName: 'Crop Bottom',
						name: 'bottom',
						type: 'number',
						default: 1,
						description: 'Bottom edge, as a fraction of the height',
					},
					{
						displayName: 'Crop Left',
						name: 'left',
						type: 'number',
						default: 0,
						description: 'Left edge of the part of the input to use, as a fraction of its width',
					},
					{
						displayName: 'Crop Right',
						name: 'right',
						type: 'number',
						default: 1,
						description: 'Right edge, as a fraction of the width',
					},
					{
						displayName: 'Crop Top',
						name: 'top',
						type: 'number',
						default: 0,
						description: 'Top edge, as a fraction of the height',
					},
					{
						displayName: 'Frame Index',
						name: 'frameIndex',
						type: 'number',
						default: 0,
						description: 'The frame of the generated video where this input starts',
					},
					{
						displayName: 'Media Field',
						name: 'property',
						type: 'string',
						default: 'data',
						description: 'One of the media fields above',
					},
				],
			},
		],
	},
	binaryOutputProperty(show),
	...modelOptionsCollection(inpaintModels, show, [
		...waitOptions(),
		{
			displayName: 'Wait for Completion',
			name: 'wait',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait and download the videos; when off, the queued job is returned at once',
		},
		allowRetiredOption,
	]),
];

interface InpaintParameter {
	property: string;
	frameIndex: number;
	left: number;
	top: number;
	right: number;
	bottom: number;
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'video', 'videos.create');
	const wait = getOptions(this, itemIndex).wait !== false;
	if (wait) outputFields(this, itemIndex);
	const properties = names(this.getNodeParameter('mediaProperties', itemIndex, 'data'));
	const files = new Map<string, FileInput>();
	for (const property of properties)
		files.set(property, await readBinary(this, itemIndex, property));

	const entries = ((this.getNodeParameter('inpaintItems', itemIndex, {}) as IDataObject).item ??
		[]) as InpaintParameter[];
	// Without inpaint items, every input starts the video (frame 0, uncropped).
	const chosen: Partial<InpaintParameter>[] =
		entries.length > 0 ? entries : properties.map((property) => ({ property }));
	const problems: string[] = [];
	const media = chosen.flatMap((entry, index): VideoMedia[] => {
		const file = files.get(entry.property ?? '');
		if (!file) {
			problems.push(
				`- inpaintItems[${index}].property: "${entry.property}" is not one of the media fields (${properties.join(', ') || 'none'})`,
			);
			return [];
		}
		if (entry.frameIndex === undefined) return [{ file }];
		return [
			{
				file,
				frame_index: entry.frameIndex,
				crop_bounds: {
					left_fraction: entry.left ?? 0,
					top_fraction: entry.top ?? 0,
					right_fraction: entry.right ?? 1,
					bottom_fraction: entry.bottom ?? 1,
				},
			},
		];
	});
	if (problems.length > 0) {
		throw new NodeOperationError(
			this.getNode(),
			`${problems.length} problem(s) with the inpaint items`,
			{
				itemIndex,
				description: problems.join('\n'),
			},
		);
	}

	const request = await readCreateRequest(this, itemIndex, deployment, model, media);
	const task = await client.videos.create(request, cancelSignal(this));
	if (!wait) return [{ json: taskJson(this, task) }];
	return waitAndDownload(this, itemIndex, client, task);
}
