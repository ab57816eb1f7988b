import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { audioDescription, executeAudio } from './shared';

export const description = audioDescription('translate');

/** Speech in any supported language to English text. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	return executeAudio(this, itemIndex, 'translate');
}
