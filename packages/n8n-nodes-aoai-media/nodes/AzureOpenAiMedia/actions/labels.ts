/**
 * What the user reads instead of wire names: labels for models and option values, the order models
 * are offered in, and how each request field is named in the node's UI. Every option list and
 * every error message gets its words from here, so a label changes in one place.
 */
import type { ModelSpec } from '@aoai-media/core';

const MODEL_LABELS: Record<string, string> = {
	'gpt-image-1.5': 'GPT Image 1.5',
	'gpt-image-1-mini': 'GPT Image 1 Mini',
	'gpt-image-1': 'GPT Image 1',
	'dall-e-3': 'DALL-E 3',
	'dall-e-2': 'DALL-E 2',
	'sora-2': 'Sora 2',
	sora: 'Sora',
	'gpt-4o-transcribe': 'GPT-4o Transcribe',
	whisper: 'Whisper',
};

/**
 * Newest release first, per kind, from Azure's model versions: gpt-image-1.5 2025-12-16,
 * gpt-image-1-mini 2025-10-06, gpt-image-1 2025-04-15, then DALL-E 3 and DALL-E 2; sora-2
 * 2025-10-06, sora 2025-05-02; gpt-4o-transcribe 2025-03-20, then whisper.
 */
const RELEASE_ORDER = [
	'gpt-image-1.5',
	'gpt-image-1-mini',
	'gpt-image-1',
	'dall-e-3',
	'dall-e-2',
	'sora-2',
	'sora',
	'gpt-4o-transcribe',
	'whisper',
];

/** "GPT Image 1", "Sora 2"; a model without a label shows its name. */
export function modelLabel(name: string): string {
	return MODEL_LABELS[name] ?? name;
}

/** Newest first; a model not in the release order (a new table entry) comes before the rest. */
export function newestFirst<M extends ModelSpec>(models: readonly M[]): M[] {
	const rank = (m: M) => RELEASE_ORDER.indexOf(m.name);
	return [...models].sort((a, b) => rank(a) - rank(b));
}

const VALUE_LABELS: Record<string, Record<string, string>> = {
	quality: {
		low: 'Low',
		medium: 'Medium',
		high: 'High',
		auto: 'Auto',
		standard: 'Standard',
		hd: 'HD',
	},
	output_format: { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' },
	background: { transparent: 'Transparent', opaque: 'Opaque', auto: 'Auto' },
	moderation: { low: 'Low', auto: 'Auto' },
	style: { vivid: 'Vivid', natural: 'Natural' },
	response_format: {
		json: 'JSON',
		text: 'Text',
		srt: 'SRT Subtitles',
		vtt: 'WebVTT Subtitles',
		verbose_json: 'Verbose JSON (With Segments)',
	},
	timestamp_granularities: { word: 'Word', segment: 'Segment' },
	variant: { video: 'Video', thumbnail: 'Thumbnail', spritesheet: 'Spritesheet' },
};

/** `1536x1024` -> `1536 x 1024 (Landscape)`. */
function sizeLabel(size: string): string {
	const match = /^(\d+)x(\d+)$/.exec(size);
	if (!match) return size === 'auto' ? 'Auto' : size;
	const [width, height] = [Number(match[1]), Number(match[2])];
	const shape = width === height ? 'Square' : width > height ? 'Landscape' : 'Portrait';
	return `${width} x ${height} (${shape})`;
}

/** The label of one value of a request field, e.g. `quality: hd` -> `HD`, `seconds: 8` -> `8 Seconds`. */
export function valueLabel(field: string, value: string | number): string {
	if (field === 'size') return sizeLabel(String(value));
	if (field === 'seconds' || field === 'n_seconds') return `${value} Seconds`;
	return VALUE_LABELS[field]?.[String(value)] ?? String(value);
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
	input_reference: { displayName: 'Input Reference Field', parameter: 'inputReference' },
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
};

/** The UI name of a request field from an issue path such as `image[1]` or `inpaint_items[0].frame_index`. */
export function fieldName(path: string): FieldName | undefined {
	const head = /^[a-z_]+/.exec(path)?.[0] ?? path;
	return FIELDS[head];
}

/** `Output Format (output_format)`: the label the user sees, then the name Azure uses. */
export function fieldLabel(path: string): string {
	const field = fieldName(path);
	return field ? `${field.displayName} (${path})` : path;
}
