import { disputesFor, type SpeechModel, type SpeechRequest } from '@aoai-media/core';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import {
	allowRetiredOption,
	binaryOutputProperty,
	DEFAULT_MODELS,
	deploymentProperty,
	modelOptionsCollection,
	modelProperty,
	perModel,
	perModelOption,
	speechModels,
	tableDefault,
	type Show,
} from '../descriptions';
import {
	cancelSignal,
	clientFor,
	compact,
	fileReference,
	getOptions,
	outputMode,
	outputOption,
	toBinary,
} from '../common';
import { valueOptions } from '../labels';

const show: Show = { resource: ['audio'], operation: ['speech'] };
const models = speechModels();

/** The voices Azure's own docs list for a model; the others are sent with a warning. */
const undisputed = (m: SpeechModel) =>
	m.voices.filter((voice) => disputesFor(m, 'audio.speech', 'voice', voice).length === 0);

export const description: INodeProperties[] = [
	deploymentProperty(show),
	...modelProperty(models, show, DEFAULT_MODELS.speech),
	...perModel(
		models,
		show,
		'input',
		(m) => m.inputMaxLength,
		(max) => ({
			displayName: 'Text',
			name: 'text',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: 'e.g. Welcome to the quarterly update.',
			description: `What to say, up to ${max} characters`,
		}),
	),
	...perModel(
		models,
		show,
		'voice',
		(m) => ({
			voices: m.voices,
			notes: m.voices.map((v) => disputesFor(m, 'audio.speech', 'voice', v)[0]?.note),
			fallback: undisputed(m)[0],
		}),
		({ voices, notes, fallback }) => ({
			displayName: 'Voice',
			name: 'voice',
			type: 'options',
			options: valueOptions('voice', voices).map((option, i) =>
				notes[i] ? { ...option, description: `Sent with a warning: ${notes[i]}` } : option,
			),
			default: tableDefault(voices, fallback),
		}),
	),
	...perModel(
		models,
		show,
		'response_format',
		(m) => ({ formats: m.responseFormats, fallback: m.defaultResponseFormat }),
		({ formats, fallback }) => ({
			displayName: 'Response Format',
			name: 'responseFormat',
			type: 'options',
			options: valueOptions('response_format', formats),
			default: tableDefault(formats, fallback),
		}),
	),
	binaryOutputProperty(show),
	...modelOptionsCollection(models, show, [
		perModelOption(
			'speed',
			(m) => ({ range: m.speed, fallback: m.defaultSpeed }),
			({ range, fallback }) => ({
				displayName: 'Speed',
				name: 'speed',
				type: 'number',
				typeOptions: { minValue: range.min, maxValue: range.max, numberPrecision: 2 },
				default: fallback,
				description: `How fast to speak, from ${range.min} to ${range.max}; ${fallback} is the normal pace`,
			}),
		),
		perModelOption(
			'instructions',
			(m) => (m.instructions ? true : undefined),
			() => ({
				displayName: 'Instructions',
				name: 'instructions',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '',
				placeholder: 'e.g. Warm and unhurried.',
				description: 'How to speak: tone, accent, pace, emotion',
			}),
		),
		outputOption,
		allowRetiredOption,
	]),
];

/** Text to speech: the audio as a binary file, its format and voice in JSON. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { client, deployment, model } = await clientFor(this, itemIndex, 'speech', 'audio.speech');
	const opts = getOptions(this, itemIndex);
	const text = String(this.getNodeParameter('text', itemIndex, ''));
	const voice = String(this.getNodeParameter('voice', itemIndex, ''));
	const request = compact({
		model: deployment,
		input: text,
		voice,
		response_format: this.getNodeParameter('responseFormat', itemIndex, undefined) as
			SpeechRequest['response_format'] | undefined,
		speed: opts.speed !== undefined ? Number(opts.speed) : undefined,
		instructions: opts.instructions ? String(opts.instructions) : undefined,
	}) as SpeechRequest;
	const result = await client.audio.speech(request, cancelSignal(this));
	const property =
		String(this.getNodeParameter('binaryPropertyOutput', itemIndex, 'data')) || 'data';
	const binary = await toBinary(this, result.bytes, `speech.${result.extension}`, result.mimeType);
	const json: IDataObject = {
		deployment,
		model: model.name,
		text,
		voice,
		format: result.format,
		mimeType: result.mimeType,
		bytes: result.bytes.byteLength,
	};
	// Raw samples carry no header: say how they are laid out.
	if (result.pcm) json.pcm = { ...result.pcm };
	if (result.requestId !== undefined) json.requestId = result.requestId;
	if (outputMode(this, itemIndex) === 'reference')
		json.files = [fileReference(this, property, binary)];
	return [{ json, binary: { [property]: binary } }];
}
