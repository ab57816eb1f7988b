/**
 * What the user reads instead of wire names: labels for models and option values, the order models
 * are offered in, and how each request field is named in the node's UI. Models and option values
 * take their labels from core's model table; what it does not label (a size's dimensions, the
 * node's own choices) is worded here, so every option list and error message reads from one place.
 */
import { getModel, OPTION_LABELS, TABLE_REVIEWED } from '@aoai-media/core';

/**
 * The moment the node's option lists describe: the day core's model table was last reviewed, so
 * the editor shows what the table states whatever the calendar says. A run reads each model's
 * lifecycle against the clock.
 */
export const LISTED_AT = Date.parse(`${TABLE_REVIEWED}T00:00:00Z`);

/** "GPT Image 1", "Sora 2": core's label; a model core does not know shows its name. */
export function modelLabel(name: string): string {
	return getModel(name)?.label ?? name;
}

/** Values of the node's own fields, which core's table does not label. */
const CONTENTS = { video: 'Video', thumbnail: 'Thumbnail', spritesheet: 'Spritesheet' };
const NODE_LABELS: Record<string, Record<string, string>> = {
	content: CONTENTS,
	variant: CONTENTS,
	status: {
		queued: 'Queued',
		running: 'Running',
		succeeded: 'Succeeded',
		failed: 'Failed',
		cancelled: 'Cancelled',
	},
};

const CORE_LABELS = OPTION_LABELS as Readonly<Record<string, Readonly<Record<string, string>>>>;

/** `1536x1024` -> `1536 x 1024 (Landscape)`. */
function sizeLabel(size: string): string {
	const match = /^(\d+)x(\d+)$/.exec(size);
	if (!match) return size;
	const [width, height] = [Number(match[1]), Number(match[2])];
	const shape = width === height ? 'Square' : width > height ? 'Landscape' : 'Portrait';
	return `${width} x ${height} (${shape})`;
}

/** The label of one value of a request field, e.g. `quality: hd` -> `HD`, `seconds: 8` -> `8 seconds`. */
export function valueLabel(field: string, value: string | number): string {
	const key = String(value);
	const labelled = CORE_LABELS[field]?.[key] ?? NODE_LABELS[field]?.[key];
	if (labelled !== undefined) return labelled;
	if (field === 'size') return sizeLabel(key);
	if (field === 'n_seconds') return `${key} seconds`;
	return key;
}

/** Option entries for a field's values, labelled, in the given order. */
export function valueOptions(
	field: string,
	values: readonly (string | number)[],
): { name: string; value: string | number }[] {
	return values.map((value) => ({ name: valueLabel(field, value), value }));
}

/** How a request field appears in the node: its label and the parameter that sets it. */
export interface FieldName {
	displayName: string;
	parameter: string;
}

/** Request fields (wire names) to the node's parameters; `options.x` lives in the Options collection. */
const FIELDS: Record<string, FieldName> = {
	model: { displayName: 'Deployment Name', parameter: 'deployment' },
	prompt: { displayName: 'Prompt', parameter: 'prompt' },
	n: { displayName: 'Number of Images', parameter: 'n' },
	size: { displayName: 'Size', parameter: 'size' },
	width: { displayName: 'Size', parameter: 'size' },
	height: { displayName: 'Size', parameter: 'size' },
	quality: { displayName: 'Quality', parameter: 'quality' },
	output_format: { displayName: 'Output Format', parameter: 'outputFormat' },
	background: { displayName: 'Background', parameter: 'background' },
	output_compression: { displayName: 'Output Compression', parameter: 'options.outputCompression' },
	moderation: { displayName: 'Moderation', parameter: 'options.moderation' },
	style: { displayName: 'Style', parameter: 'options.style' },
	user: { displayName: 'End-User ID', parameter: 'options.user' },
	image: { displayName: 'Input Image Fields', parameter: 'imageProperties' },
	mask: { displayName: 'Mask Field', parameter: 'maskProperty' },
	n_seconds: { displayName: 'Duration (Seconds)', parameter: 'seconds' },
	seconds: { displayName: 'Duration (Seconds)', parameter: 'seconds' },
	n_variants: { displayName: 'Variants', parameter: 'variants' },
	variants: { displayName: 'Variants', parameter: 'variants' },
	input_reference: { displayName: 'Input Reference Field', parameter: 'inputReference' },
	media: { displayName: 'Input Reference Field', parameter: 'inputReference' },
	files: { displayName: 'Media Fields', parameter: 'mediaProperties' },
	inpaint_items: { displayName: 'Inpaint Items', parameter: 'inpaintItems' },
	file: { displayName: 'Input Audio Field', parameter: 'binaryPropertyName' },
	response_format: { displayName: 'Response Format', parameter: 'responseFormat' },
	temperature: { displayName: 'Temperature', parameter: 'options.temperature' },
	language: { displayName: 'Language', parameter: 'options.language' },
	timestamp_granularities: {
		displayName: 'Timestamp Granularities',
		parameter: 'options.timestampGranularities',
	},
	include: { displayName: 'Include', parameter: 'options.include' },
	chunking_strategy: { displayName: 'Chunking Strategy', parameter: 'options.chunkingStrategy' },
	known_speaker_names: {
		displayName: 'Known Speaker Names',
		parameter: 'options.knownSpeakerNames',
	},
	known_speaker_references: {
		displayName: 'Known Speaker Clip Fields',
		parameter: 'options.knownSpeakerClips',
	},
	input: { displayName: 'Text', parameter: 'text' },
	voice: { displayName: 'Voice', parameter: 'voice' },
	speed: { displayName: 'Speed', parameter: 'options.speed' },
	instructions: { displayName: 'Instructions', parameter: 'options.instructions' },
};

/** Where an operation takes a request field from another parameter than the others do. */
const OPERATION_FIELDS: Record<string, Record<string, FieldName>> = {
	generateFromMedia: { media: { displayName: 'Media Fields', parameter: 'mediaProperties' } },
};

/**
 * The UI name of a request field from an issue path such as `image[1]` or
 * `inpaint_items[0].frame_index`, in the node's operation.
 */
export function fieldName(path: string, operation?: string): FieldName | undefined {
	const head = /^[a-z_]+/.exec(path)?.[0] ?? path;
	return OPERATION_FIELDS[operation ?? '']?.[head] ?? FIELDS[head];
}

/** `Output Format (output_format)`: the label the user sees, then the name Azure uses. */
export function fieldLabel(path: string, operation?: string): string {
	const field = fieldName(path, operation);
	return field ? `${field.displayName} (${path})` : path;
}
