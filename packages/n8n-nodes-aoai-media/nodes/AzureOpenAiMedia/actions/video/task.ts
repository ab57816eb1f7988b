import type { VideoModel } from '@aoai-media/core';
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';
import { isVersion1, legacyIdField } from './version1';

/**
 * The task an operation addresses, with the deployment it runs on (core finds the API from it).
 * An empty ID stops the item before anything is sent, naming the field.
 */
export function readTaskRef(
	ctx: IExecuteFunctions,
	itemIndex: number,
	deployment: string,
	model: VideoModel,
): { id: string; deployment: string } {
	const field = isVersion1(ctx)
		? legacyIdField(model)
		: { displayName: 'Job ID', parameter: 'jobId' };
	const id = String(ctx.getNodeParameter(field.parameter, itemIndex, '')).trim();
	if (!id) {
		throw new NodeOperationError(ctx.getNode(), `${field.displayName} is empty`, {
			itemIndex,
			description: `- ${field.displayName} (${field.parameter}): give the ID that Create Job or Generate returned. Nothing was sent to Azure.`,
		});
	}
	return { id, deployment };
}
