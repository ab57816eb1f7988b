import type { OperationContext } from '../context.js';
import { audioRequest } from './audio-common.js';

/** audio/transcriptions: text in the spoken language. */
export async function transcribe(ctx: OperationContext): Promise<void> {
  await audioRequest(ctx, 'transcribe');
}
