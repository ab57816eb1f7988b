/**
 * What the user reads instead of wire names: labels for models and option values, the order models
 * are offered in, and how each request field is named in the node's UI. Models and option values
 * take their labels from core's model table; what it does not label (a size's dimensions, the
 * node's own choices) is worded here, so every option list and error message reads from one place.
 */
import { getModel, OPTION_LABELS, type ModelSpec } from '@aoai-media/core';

/** "GPT Image 1", "Sora 2": core's label; a model core does not know shows its name. */
export function modelLabel(name: string): string {
	return getModel(name)?.label ?? name;
}

/** Core's model table lists each kind newest first; option lists keep that order. */
export function newestFirst<M extends ModelSpec>(models: readonly M[]): M[] {
	return [...models];
}

/** Values of the node's own fields, which core's table does not label. */
const NODE_LABELS: Record<string, Record<string, string>> = {
	variant: { video: 'Video', thumbnail: 'Thumbnail', spritesheet: 'Spritesheet' },
};

const CORE_LABELS = OPTION_LABELS as Readonly<Record<string, Readonly<Record<string, string>>>>;

/** `1536x1024` -> `1536 x 1024 (Landscape)`. */
function sizeLabel(size: string): string {
	const match = /^(\d+)x(\d+)$/.exec(size);
	if (!match) return size === 'auto' ? 'Auto' : size;
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
