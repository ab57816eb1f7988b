/**
 * Runs the chosen operation for every input item: a bounded number at a time, output in input
 * order, each output item paired with its input, failures mapped to n8n errors (or kept as error
 * items with "Continue On Fail").
 */
import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import * as audio from './audio';
import { isToolCall, reportWarnings } from './common';
import { errorJson, toNodeError } from './errors';
import * as image from './image';
import * as video from './video';

type Execute = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

const operations: Record<string, Record<string, { execute: Execute }>> = {
	image: { generate: image.generate, edit: image.edit },
	video: {
		generate: video.generate,
		createJob: video.createJob,
		getJob: video.getJob,
		listJobs: video.listJobs,
		deleteJob: video.deleteJob,
		download: video.download,
		generateFromMedia: video.generateFromMedia,
		remix: video.remix,
	},
	audio: { transcribe: audio.transcribe, translate: audio.translate, speech: audio.speech },
};

export const MAX_CONCURRENCY = 16;

/** As an AI agent's tool the node answers in JSON, where the operations put their file references. */
function asToolOutput(item: INodeExecutionData): INodeExecutionData {
	return { json: item.json, pairedItem: item.pairedItem };
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const op = operations[resource]?.[operation];
	if (!op) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of "${resource}" is not supported`,
		);
	}
	const requested = Number(this.getNodeParameter('options.concurrency', 0, 1));
	const concurrency = Math.max(
		1,
		Math.min(MAX_CONCURRENCY, Number.isFinite(requested) ? Math.floor(requested) : 1),
	);
	const tool = isToolCall(this);
	const cancel = this.getExecutionCancelSignal();

	const results: INodeExecutionData[][] = new Array(items.length);
	let next = 0;
	const failures: { index: number; error: Error }[] = [];

	const runItem = async (itemIndex: number): Promise<INodeExecutionData[]> => {
		try {
			const output = await op.execute.call(this, itemIndex);
			return output.map((item) => {
				const paired = { ...item, pairedItem: { item: itemIndex } };
				return tool ? asToolOutput(paired) : paired;
			});
		} catch (error) {
			const nodeError = toNodeError(this.getNode(), error, itemIndex);
			if (this.continueOnFail())
				return [{ json: errorJson(nodeError), pairedItem: { item: itemIndex } }];
			throw nodeError;
		}
	};

	// Each worker takes the next unclaimed item; results land at the item's own index.
	const worker = async () => {
		while (failures.length === 0 && !cancel?.aborted) {
			const itemIndex = next++;
			if (itemIndex >= items.length) return;
			try {
				results[itemIndex] = await runItem(itemIndex);
			} catch (error) {
				failures.push({ index: itemIndex, error: error as Error });
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));

	reportWarnings(this);
	// Report the first failure by item order, so the error does not depend on timing.
	const first = failures.sort((a, b) => a.index - b.index)[0];
	if (first) throw first.error;
	if (cancel?.aborted) throw new NodeOperationError(this.getNode(), 'The execution was cancelled');
	return [results.flat()];
}
