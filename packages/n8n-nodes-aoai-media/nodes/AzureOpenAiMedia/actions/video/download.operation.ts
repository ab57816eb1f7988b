import {
	videoCapabilities,
	type VideoContent,
	type VideoQuality,
	type VideoTask,
} from '@aoai-media/core';
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import {
	binaryOutputProperty,
	DEFAULT_MODELS,
	deploymentProperty,
	FROM_VERSION_2,
	modelProperty,
	optionsCollection,
	perModel,
	type Show,
	firstOf,
} from '../descriptions';
import { cancelSignal, clientFor, fileReference, outputMode, outputOption } from '../common';
import { valueOptions } from '../labels';
import { allVideoModels, jobIdProperty, storeOutput } from './shared';
import { contentOptions, isVersion1, legacyDownload, legacyDownloadProperties } from './version1';
import { readTaskRef } from './task';

const show: Show = { resource: ['video'], operation: ['download'] };
const fromVersion2: Show = { ...show, ...FROM_VERSION_2 };

export const description: INodeProperties[] = [
	deploymentProperty(show),
	...modelProperty(allVideoModels, show, DEFAULT_MODELS.video),
	jobIdProperty(show, allVideoModels),
	...perModel(
		allVideoModels,
		fromVersion2,
		'output',
		(m) => (videoCapabilities(m).variants.max > 1 ? videoCapabilities(m).variants : undefined),
		(variants) => ({
			displayName: 'Variant Number',
			name: 'output',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: variants.max - 1 },
			default: 0,
			description: 'Which of the job’s videos, counting from 0, when it made several',
		}),
	),
	...perModel(
		allVideoModels,
		fromVersion2,
		'content',
		(m) => videoCapabilities(m).contents,
		(contents) => ({
			displayName: 'Content',
			name: 'content',
			type: 'options',
			options: contentOptions(contents),
			default: firstOf(contents),
		}),
	),
	...perModel(
		allVideoModels,
		fromVersion2,
		'quality',
		(m) => (videoCapabilities(m).qualities.length > 0 ? videoCapabilities(m).qualities : undefined),
		(qualities) => ({
			displayName: 'Quality',
			name: 'quality',
			type: 'options',
			options: valueOptions('quality', qualities),
			default: firstOf(qualities),
			description: 'The video quality; a thumbnail has only one',
		}),
	),
	...legacyDownloadProperties(show, allVideoModels),
	binaryOutputProperty(show),
	optionsCollection(show, [outputOption]),
];

/** Version 1 addressed one output by its own ID; core downloads an output of a finished task. */
function finishedTask(id: string, api: VideoTask['api']): VideoTask {
	return {
		id,
		api,
		status: 'succeeded',
		rawStatus: 'succeeded',
		model: undefined,
		prompt: undefined,
		size: undefined,
		seconds: undefined,
		variants: 1,
		createdAt: undefined,
		outputs: [{ index: 0, id, contents: [] }],
		raw: undefined,
	};
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'video');
	const property =
		String(this.getNodeParameter('binaryPropertyOutput', itemIndex, 'data')) || 'data';
	let json: IDataObject;
	let binary: IBinaryData;
	if (isVersion1(this)) {
		const chosen = legacyDownload(this, itemIndex, model);
		const task = finishedTask(chosen.outputId, client.videos.apiFor(deployment));
		const download = await client.videos.downloadContent(task, {
			content: chosen.content,
			...(chosen.quality !== undefined ? { quality: chosen.quality } : {}),
			...cancelSignal(this),
		});
		binary = await storeOutput(this, download, chosen.outputId, chosen.content, task.api);
		json = chosen.json;
	} else {
		const ref = readTaskRef(this, itemIndex, deployment, model);
		// Fields the model does not have are not read (n8n hands their hidden defaults to it).
		const offers = videoCapabilities(model);
		const output =
			offers.variants.max > 1 ? Number(this.getNodeParameter('output', itemIndex, 0)) : 0;
		const content = this.getNodeParameter('content', itemIndex, 'video') as VideoContent;
		const quality =
			offers.qualities.length > 0 && content === 'video'
				? (this.getNodeParameter('quality', itemIndex) as VideoQuality)
				: undefined;
		const task = await client.videos.retrieve(ref, cancelSignal(this));
		const download = await client.videos.downloadContent(task, {
			output,
			content,
			...(quality !== undefined ? { quality } : {}),
			...cancelSignal(this),
		});
		binary = await storeOutput(
			this,
			download,
			task.outputs[output]?.id ?? task.id,
			content,
			task.api,
		);
		json = { jobId: task.id, output, content, ...(quality !== undefined ? { quality } : {}) };
	}
	const item: INodeExecutionData = {
		json: { ...json, mimeType: binary.mimeType, bytes: binary.bytes ?? null },
		binary: { [property]: binary },
	};
	if (outputMode(this, itemIndex) === 'reference')
		item.json.files = [fileReference(this, property, binary)];
	return [item];
}
