/** Transcribe and Translate take the same inputs (Translate has no language) and give the same output. */
import type {
	AudioModel,
	ChunkingStrategy,
	TranscriptionRequest,
	TranscriptionResult,
	TranscriptionSegment,
} from '@aoai-media/core';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import {
	allowRetiredOption,
	audioModels,
	DEFAULT_MODELS,
	deploymentProperty,
	modelProperty,
	modelOptionsCollection,
	perModel,
	perModelOption,
	schemaDefault,
	tableDefault,
	type OptionEntry,
	type Show,
} from '../descriptions';
import { cancelSignal, clientFor, compact, getOptions, names, readBinary } from '../common';
import { valueOptions } from '../labels';

type Operation = 'transcribe' | 'translate';

const OPERATION = { transcribe: 'audio.transcribe', translate: 'audio.translate' } as const;

/** Whether the model takes a request field (the table lists what some models do not support). */
const takes = (m: AudioModel, field: string) => !(m.unsupportedFields ?? []).includes(field);

export function audioDescription(operation: Operation): INodeProperties[] {
	const show: Show = { resource: ['audio'], operation: [operation] };
	const models = audioModels(operation);
	const extra: OptionEntry<AudioModel>[] = [
		perModelOption(
			'prompt',
			(m) => (takes(m, 'prompt') ? true : undefined),
			() => ({
				displayName: 'Prompt',
				name: 'prompt',
				type: 'string',
				default: '',
				description:
					'Text that guides the style or continues a previous segment; it should be in the audio language',
			}),
		),
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
			(m) =>
				m.timestampGranularities.length > 0 && takes(m, 'timestamp_granularities')
					? m.timestampGranularities
					: undefined,
			(granularities) => ({
				displayName: 'Timestamp Granularities',
				name: 'timestampGranularities',
				type: 'multiOptions',
				options: valueOptions('timestamp_granularities', granularities),
				default: [],
				description: 'Timestamps to add; needs the Verbose JSON response format',
			}),
		),
		allowRetiredOption,
	];
	if (operation === 'transcribe') {
		extra.push(
			{
				displayName: 'Language',
				name: 'language',
				type: 'string',
				default: '',
				placeholder: 'e.g. en',
				description:
					'The language of the audio as an ISO-639-1 code; knowing it improves accuracy and speed',
			},
			perModelOption(
				'include',
				(m) => (m.include && takes(m, 'include') ? m.include : undefined),
				(values) => ({
					displayName: 'Include',
					name: 'include',
					type: 'multiOptions',
					options: valueOptions('include', values),
					default: [],
					description: 'More to return with the transcript; needs the JSON response format',
				}),
			),
			perModelOption(
				'chunking_strategy',
				(m) =>
					m.chunkingStrategies
						? { strategies: m.chunkingStrategies, over: m.diarization?.chunkingRequiredOverSeconds }
						: undefined,
				({ strategies, over }) => ({
					displayName: 'Chunking Strategy',
					name: 'chunkingStrategy',
					type: 'options',
					options: valueOptions('chunking_strategy', strategies),
					default: tableDefault(strategies),
					description:
						over !== undefined
							? `How the audio is cut into parts to transcribe. Needed for audio over ${over} seconds; Auto is sent when none is chosen.`
							: 'How the audio is cut into parts to transcribe',
				}),
			),
			perModelOption(
				'known_speaker_names',
				(m) => m.diarization,
				({ maxKnownSpeakers }) => ({
					displayName: 'Known Speaker Names',
					name: 'knownSpeakerNames',
					type: 'string',
					default: '',
					placeholder: 'e.g. Ana, Ben',
					description: `Up to ${maxKnownSpeakers} people the audio may contain, separated by commas; their names label their segments instead of A, B, … Give each a voice clip in Known Speaker Clip Fields, in the same order`,
				}),
			),
			perModelOption(
				'known_speaker_references',
				(m) => m.diarization,
				({ referenceSeconds }) => ({
					displayName: 'Known Speaker Clip Fields',
					name: 'knownSpeakerClips',
					type: 'string',
					default: '',
					placeholder: 'e.g. ana, ben',
					description: `Binary fields of the input item, separated by commas, each holding ${referenceSeconds.min} to ${referenceSeconds.max} seconds of one named person speaking, in the order of Known Speaker Names`,
				}),
			),
		);
	}
	return [
		deploymentProperty(show),
		...modelProperty(models, show, DEFAULT_MODELS[operation]),
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
			(m) => ({
				formats: m.responseFormats,
				fallback: schemaDefault(m, OPERATION[operation], 'response_format'),
			}),
			({ formats, fallback }) => ({
				displayName: 'Response Format',
				name: 'responseFormat',
				type: 'options',
				options: valueOptions('response_format', formats),
				default: tableDefault(formats, fallback as string | undefined),
			}),
		),
		...modelOptionsCollection(models, show, extra),
	];
}

/** `data:<type>;base64,...` of a binary field: how Azure takes a known speaker's voice clip. */
async function dataUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
): Promise<string> {
	const file = await readBinary(ctx, itemIndex, property);
	return `data:${file.contentType};base64,${Buffer.from(file.data).toString('base64')}`;
}

/** What the transcribe-only options add to the request. */
async function transcribeFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: AudioModel,
	opts: IDataObject,
): Promise<Partial<TranscriptionRequest>> {
	const include = (opts.include as TranscriptionRequest['include'] | undefined) ?? [];
	const chosen = opts.chunkingStrategy as string | undefined;
	// A model that needs a chunking strategy for longer audio gets Auto, which suits any length.
	const strategy =
		chosen ?? (model.diarization ? tableDefault(model.chunkingStrategies ?? []) : undefined);
	const chunking: ChunkingStrategy | undefined =
		strategy === undefined || strategy === 'auto'
			? (strategy as 'auto' | undefined)
			: ({ type: strategy } as ChunkingStrategy);
	const speakers = names(opts.knownSpeakerNames);
	const references: string[] = [];
	for (const clip of names(opts.knownSpeakerClips))
		references.push(await dataUrl(ctx, itemIndex, clip));
	return {
		language: opts.language ? String(opts.language) : undefined,
		include: include.length > 0 ? include : undefined,
		chunking_strategy: chunking,
		known_speaker_names: speakers.length > 0 ? speakers : undefined,
		known_speaker_references: references.length > 0 ? references : undefined,
	};
}

export async function executeAudio(
	ctx: IExecuteFunctions,
	itemIndex: number,
	operation: Operation,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(
		ctx,
		itemIndex,
		'audio',
		OPERATION[operation],
	);
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
		timestamp_granularities: granularities.length > 0 ? granularities : undefined,
		...(operation === 'transcribe' ? await transcribeFields(ctx, itemIndex, model, opts) : {}),
	}) as TranscriptionRequest;
	const result =
		operation === 'transcribe'
			? await client.audio.transcribe(request, cancelSignal(ctx))
			: await client.audio.translate(request, cancelSignal(ctx));
	return [{ json: transcriptionJson(result, { deployment, model }) }];
}

/** "A: Hello there.\nB: Hi.": one line per segment, as people read a conversation. */
export function speakerLines(segments: readonly TranscriptionSegment[]): string {
	return segments.map((s) => `${s.speaker ?? '?'}: ${s.text.trim()}`).join('\n');
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
	// A diarized transcript: who spoke, and each segment labelled with its speaker.
	if (result.speakers !== undefined) {
		json.speakers = result.speakers;
		json.transcript = speakerLines(result.segments ?? []);
	}
	if (result.segments !== undefined) json.segments = result.segments as unknown as IDataObject[];
	if (result.words !== undefined) json.words = result.words as unknown as IDataObject[];
	if (result.logprobs !== undefined) json.logprobs = result.logprobs as unknown as IDataObject[];
	return json;
}
