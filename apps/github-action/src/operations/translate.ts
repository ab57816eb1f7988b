import type { OperationContext } from '../context.js';
import { audioRequest } from './audio-common.js';

/** audio/translations: English text from speech in any supported language. */
export async function translate(ctx: OperationContext): Promise<void> {
  await audioRequest(ctx, 'translate');
}
