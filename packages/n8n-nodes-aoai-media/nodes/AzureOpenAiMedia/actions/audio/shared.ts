/** Transcribe and Translate take the same inputs (Translate has no language) and give the same output. */
import type { AudioModel, TranscriptionRequest, TranscriptionResult } from '@aoai-media/core';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import {
	audioModels,
	deploymentProperty,
	modelProperty,
	modelOptionsCollection,
	perModel,
	perModelOption,
	type OptionEntry,
	type Show,
} from '../descriptions';
import { cancelSignal, clientFor, compact, getOptions, readBinary } from '../common';
import { valueOptions } from '../labels';

type Operation = 'transcribe' | 'translate';

export function audioDescription(operation: Operation): INodeProperties[] {
	const show: Show = { resource: ['audio'], operation: [operation] };
	const models = audioModels(operation);
	const extra: OptionEntry<AudioModel>[] = [
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			default: '',
			description:
				'Text that guides the style or continues a previous segment; it should be in the audio language',
		},
		perModelOption(
			'temperature',
			(m) => m.temperature,
			(range) => ({
				displayName: 'Temperature',
				name: 'temperature',
				type: 'number',
				typeOptions: { minValue: range.min, maxValue: range.max, numberPrecision: 2 },
				default: 0,
				description: 'Higher values make the output more random',
			}),
		),
		perModelOption(
			'timestamp_granularities',
			(m) => (m.timestampGranularities.length > 0 ? m.timestampGranularities : undefined),
			(granularities) => ({
				displayName: 'Timestamp Granularities',
				name: 'timestampGranularities',
				type: 'multiOptions',
				options: valueOptions('timestamp_granularities', granularities),
				default: [],
				description: 'Timestamps to add; needs the Verbose JSON (With Segments) response format',
			}),
		),
	];
	if (operation === 'transcribe') {
		extra.push({
			displayName: 'Language',
			name: 'language',
			type: 'string',
			default: '',
			placeholder: 'e.g. en',
			description:
				'The language of the audio as an ISO-639-1 code; knowing it improves accuracy and speed',
		});
	}
	return [
		deploymentProperty(show),
		modelProperty(models, show),
		{
			displayName: 'Input Audio Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			description: 'Binary field of the input item holding the audio file',
			displayOptions: { show },
		},
		...perModel(
			models,
			show,
			'response_format',
			(m) => m.responseFormats,
			(formats) => ({
				displayName: 'Response Format',
				name: 'responseFormat',
				type: 'options',
				options: valueOptions('response_format', formats),
				default: 'json',
			}),
		),
		...modelOptionsCollection(models, show, extra),
	];
}

export async function executeAudio(
	ctx: IExecuteFunctions,
	itemIndex: number,
	operation: Operation,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(ctx, itemIndex, 'audio');
	const file = await readBinary(
		ctx,
		itemIndex,
		String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')),
	);
	const responseFormat = String(ctx.getNodeParameter('responseFormat', itemIndex, 'json'));
	const opts = getOptions(ctx, itemIndex);
	const granularities = (opts.timestampGranularities as string[] | undefined) ?? [];
	const request = compact({
		model: deployment,
		file,
		response_format: responseFormat,
		prompt: opts.prompt ? String(opts.prompt) : undefined,
		temperature: opts.temperature !== undefined ? Number(opts.temperature) : undefined,
		language: operation === 'transcribe' && opts.language ? String(opts.language) : undefined,
		timestamp_granularities: granularities.length > 0 ? granularities : undefined,
	}) as TranscriptionRequest;
	const result =
		operation === 'transcribe'
			? await client.audio.transcribe(request, cancelSignal(ctx))
			: await client.audio.translate(request, cancelSignal(ctx));
	return [{ json: transcriptionJson(result, { deployment, model }) }];
}

function transcriptionJson(
	result: TranscriptionResult,
	context: { deployment: string; model: AudioModel },
): IDataObject {
	const json: IDataObject = {
		text: result.text,
		format: result.format,
		deployment: context.deployment,
		model: context.model.name,
	};
	if (result.language !== undefined) json.language = result.language;
	if (result.duration !== undefined) json.duration = result.duration;
	if (result.segments !== undefined) json.segments = result.segments as unknown as IDataObject[];
	if (result.words !== undefined) json.words = result.words as unknown as IDataObject[];
	return json;
}
