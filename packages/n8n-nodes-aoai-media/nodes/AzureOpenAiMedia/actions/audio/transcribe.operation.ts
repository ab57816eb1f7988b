import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { audioDescription, executeAudio } from './shared';

export const description = audioDescription('transcribe');

/** Speech to text in the language spoken. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return executeAudio(this, itemIndex, 'transcribe');
}
