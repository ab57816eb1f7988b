import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AzureOpenAIMedia, ModelSpec, VideoTask } from '@aoai-media/core';
import { writeComplete, writeNewFile, type OutputFolder } from './files.js';
import type { ActionIO } from './io.js';
import type { Inputs } from './inputs.js';
import { displayPath, type PathPolicy } from './paths.js';

/** What an operation gets: a ready client, checked inputs, where to write, and the step's deadline. */
export interface OperationContext {
  client: AzureOpenAIMedia;
  inputs: Inputs;
  /**
   * The prompt: from `prompt`, `prompt-file`, or the current line of `prompts-file` ('' when none);
   * for speech, the text to speak.
   */
  prompt: string;
  /** The line number in `prompts-file` of this run, 1 outside a batch. */
  index: number;
  batch: boolean;
  model: ModelSpec | undefined;
  io: ActionIO;
  paths: PathPolicy;
  /** The output folder (confined, made) and where files wait until complete. */
  out: OutputFolder;
  signal: AbortSignal;
  /** Milliseconds left before `timeout-minutes` runs out. */
  remainingMs(): number;
  /** Filled in as the operation goes, so outputs are set even when a later step fails. */
  result: OperationResult;
}

export interface OperationResult {
  /** Absolute paths of the media and transcript files written, in order. */
  files: string[];
  metadataFiles: string[];
  revisedPrompt?: string;
  jobId?: string;
  /** Set while the step waits for a task it created: cancelling the run deletes it. */
  jobInFlight?: VideoTask;
  /** True once the job's videos are ready, so a failure after it is about collecting, not the job. */
  jobSucceeded?: boolean;
  generationIds?: string[];
  status?: string;
  contentFiltered: boolean;
  text?: string;
  usage?: unknown;
  artifact?: { id: number; url: string; name: string };
  /** File path -> link to its preview artifact. */
  previews: Map<string, string>;
  /** Extra lines for the job summary. */
  notes: string[];
  /** Said after the failure message: where in a longer operation it happened. */
  failureContext?: string;
}

export type OperationFn = (ctx: OperationContext) => Promise<void>;

export function emptyResult(): OperationResult {
  return { files: [], metadataFiles: [], contentFiltered: false, previews: new Map(), notes: [] };
}

/** Records a written file for the outputs and summary, and says so in the log. */
export function addFile(ctx: OperationContext, full: string): void {
  ctx.result.files.push(full);
  ctx.io.info(`Wrote ${displayPath(full, ctx.io.workspace)}`);
}

/** Values for the `file-name` template of one file. */
export interface NameParts {
  /** The default template for this operation, e.g. `image-{n}`. */
  fallback: string;
  n: number;
  id?: string;
  /** Appended after the template, e.g. `-thumbnail`. */
  suffix?: string;
  ext: string;
}

/** The file name from the `file-name` template (or the operation's default) and its placeholders. */
export function fileName(ctx: OperationContext, parts: NameParts): string {
  const template =
    ctx.inputs.fileName || (ctx.batch ? parts.fallback.replace(/^([a-z]+)-/, '$1-{index}-') : parts.fallback);
  const values: Record<string, string> = {
    index: String(ctx.index),
    n: String(parts.n),
    id: parts.id ?? '',
    slug: slug(ctx.prompt),
  };
  const stem = template.replace(/\{(\w+)\}/g, (_, field: string) => values[field] ?? '');
  return `${safeStem(stem)}${parts.suffix ?? ''}.${parts.ext}`;
}

/** The first words of a prompt, as a file-name part. */
export function slug(prompt: string): string {
  return (
    prompt
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '') || 'prompt'
  );
}

function safeStem(stem: string): string {
  return stem.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'file';
}

/** Publishes a complete file and, with `metadata: true`, its metadata JSON beside it. */
export async function saveFile(
  ctx: OperationContext,
  name: string | ((tempPath: string) => Promise<string>),
  content: { bytes: Uint8Array } | { fill: (tempPath: string) => Promise<void> },
  metadata: Record<string, unknown>,
): Promise<string> {
  const full =
    'bytes' in content && typeof name === 'string'
      ? await writeNewFile(ctx.out, name, content.bytes)
      : await writeComplete(
          ctx.out,
          name,
          'fill' in content ? content.fill : (temp) => writeFile(temp, content.bytes),
        );
  addFile(ctx, full);
  if (ctx.inputs.metadata) {
    const base = path.basename(full);
    const record = {
      file: displayPath(full, ctx.io.workspace),
      operation: ctx.inputs.operation,
      deployment: ctx.inputs.deployment,
      model: ctx.model?.name ?? null,
      // What was spoken, for speech; the prompt otherwise.
      [ctx.inputs.operation === 'speech' ? 'text' : 'prompt']: ctx.prompt || null,
      ...(ctx.batch ? { prompts_file: ctx.inputs.promptsFile, line: ctx.index } : {}),
      ...metadata,
      created_at: new Date(ctx.io.now()).toISOString(),
    };
    const json = await writeNewFile(ctx.out, `${base}.json`, `${JSON.stringify(record, null, 2)}\n`);
    ctx.result.metadataFiles.push(json);
  }
  return full;
}
