import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';
import {
	binaryOutputProperty,
	deploymentProperty,
	modelProperty,
	modelOptionsCollection,
	type Show,
} from '../descriptions';
import {
	cancelSignal,
	clientFor,
	compact,
	getOptions,
	names,
	readBinary,
	type FileInput,
} from '../common';
import {
	jobJson,
	jobModels,
	jobProperties,
	outputFields,
	readJobRequest,
	waitAndDownload,
	waitOptions,
} from './shared';

const show: Show = { resource: ['video'], operation: ['generateFromMedia'] };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	// Inpainting with several inputs is Sora 1's; Sora 2 starts from one image with Generate's input reference.
	modelProperty(jobModels, show),
	...jobProperties(show, jobModels),
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
	...modelOptionsCollection(jobModels, show, [
		...waitOptions(),
		{
			displayName: 'Wait for Completion',
			name: 'wait',
			type: 'boolean',
			default: true,
			description:
				'Whether to wait and download the videos; when off, the queued job is returned at once',
		},
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
	const { client, deployment, model } = await clientFor(this, itemIndex, 'video');
	if (getOptions(this, itemIndex).wait !== false) outputFields(this, itemIndex);
	const properties = names(this.getNodeParameter('mediaProperties', itemIndex, 'data'));
	const files = new Map<string, FileInput>();
	for (const property of properties)
		files.set(property, await readBinary(this, itemIndex, property));

	const entries = ((this.getNodeParameter('inpaintItems', itemIndex, {}) as IDataObject).item ??
		[]) as InpaintParameter[];
	const chosen =
		entries.length > 0
			? entries
			: properties.map((property) => ({
					property,
					frameIndex: 0,
					left: 0,
					top: 0,
					right: 1,
					bottom: 1,
				}));
	const problems: string[] = [];
	const inpaintItems = chosen.flatMap((entry, index) => {
		const file = files.get(entry.property);
		if (!file) {
			problems.push(
				`- inpaintItems[${index}].property: "${entry.property}" is not one of the media fields (${properties.join(', ') || 'none'})`,
			);
			return [];
		}
		return [
			{
				frame_index: entry.frameIndex,
				type: file.contentType.startsWith('video/') ? ('video' as const) : ('image' as const),
				file_name: file.filename,
				crop_bounds: {
					left_fraction: entry.left,
					top_fraction: entry.top,
					right_fraction: entry.right,
					bottom_fraction: entry.bottom,
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

	const job = await client.videos.jobs.createWithMedia(
		compact({
			...readJobRequest(this, itemIndex, deployment, model),
			files: [...files.values()],
			inpaint_items: inpaintItems,
		}),
		cancelSignal(this),
	);
	if (getOptions(this, itemIndex).wait === false) return [{ json: jobJson(job) }];
	return waitAndDownload(this, itemIndex, client, model, job.id);
}
