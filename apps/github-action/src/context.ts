import type { AzureOpenAIMedia, ModelSpec } from '@aoai-media/core';
import { displayPath } from './files.js';
import type { ActionIO } from './io.js';
import type { Inputs } from './inputs.js';

/** What an operation gets: a ready client, checked inputs, where to write, and the step's deadline. */
export interface OperationContext {
  client: AzureOpenAIMedia;
  inputs: Inputs;
  /** The prompt, from `prompt` or the contents of `prompt-file` ('' when neither). */
  prompt: string;
  model: ModelSpec | undefined;
  io: ActionIO;
  /** Absolute output folder. */
  outDir: string;
  signal: AbortSignal;
  /** Milliseconds left before `timeout-minutes` runs out. */
  remainingMs(): number;
  /** Filled in as the operation goes, so outputs are set even when a later step fails. */
  result: OperationResult;
}

export interface OperationResult {
  /** Absolute paths of the files written, in order. */
  files: string[];
  revisedPrompt?: string;
  jobId?: string;
  generationIds?: string[];
  status?: string;
  text?: string;
  usage?: unknown;
  /** Extra lines for the job summary. */
  notes: string[];
}

export type OperationFn = (ctx: OperationContext) => Promise<void>;

/** Records a written file for the outputs and summary, and says so in the log. */
export function addFile(ctx: OperationContext, full: string): void {
  ctx.result.files.push(full);
  ctx.io.info(`Wrote ${displayPath(full, ctx.io.workspace)}`);
}
