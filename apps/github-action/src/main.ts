import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  AbortError,
  AzureOpenAIError,
  AzureOpenAIMedia,
  ConfigurationError,
  ConnectionError,
  ContentFilterError,
  JobFailedError,
  MaybeProcessedError,
  TimeoutError,
  ValidationError,
  type ModelSpec,
} from '@aoai-media/core';
import type { OperationContext, OperationFn, OperationResult } from './context.js';
import { displayPath } from './files.js';
import { readInputs, type InputProblem, type Inputs, type Operation } from './inputs.js';
import { actionsIO, type ActionIO } from './io.js';
import { InputError, issuesToProblems } from './problems.js';
import { renderSummary } from './summary.js';
import { imageEdit } from './operations/image-edit.js';
import { imageGenerate } from './operations/image-generate.js';
import { transcribe } from './operations/transcribe.js';
import { translate } from './operations/translate.js';
import { videoGenerate } from './operations/video-generate.js';
import { videoJobCreate } from './operations/video-job-create.js';
import { videoJobGet } from './operations/video-job-get.js';

export type { ActionIO } from './io.js';

const OPERATION_FNS: Record<Operation, OperationFn> = {
  'image-generate': imageGenerate,
  'image-edit': imageEdit,
  'video-generate': videoGenerate,
  'video-job-create': videoJobCreate,
  'video-job-get': videoJobGet,
  transcribe,
  translate,
};

/**
 * Runs the action. Never throws: every failure ends as `setFailed` with annotations where they help.
 * `cancel` is the runner cancelling the step: the work stops, and outputs and summary are still written.
 */
export async function run(io: ActionIO = actionsIO(), cancel?: AbortSignal): Promise<void> {
  // Secrets are masked before anything else can print them.
  for (const name of ['api-key', 'bearer-token']) {
    const secret = io.getInput(name).trim();
    if (secret) io.setSecret(secret);
  }
  const started = io.now();
  const { inputs, problems, unused } = readInputs((name) => io.getInput(name));
  if (problems.length > 0) {
    io.setFailed(reportProblems(io, problems));
    return;
  }
  for (const name of unused)
    io.warning(`Input ${name} is not used by ${inputs.operation}; it was ignored.`, `Unused input: ${name}`);

  const result: OperationResult = { files: [], notes: [] };
  const controller = new AbortController();
  const deadline = started + inputs.timeoutMinutes * 60_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, inputs.timeoutMinutes * 60_000);
  timer.unref?.();
  const onCancel = () => controller.abort();
  if (cancel?.aborted) onCancel();
  else cancel?.addEventListener('abort', onCancel, { once: true });

  let model: ModelSpec | undefined;
  let failure: string | undefined;
  try {
    const prompt = await readPrompt(inputs, io.workspace);
    const client = createClient(inputs, io);
    model = client.modelFor(inputs.deployment);
    checkModel(inputs, model, io);
    const ctx: OperationContext = {
      client,
      inputs,
      prompt,
      model,
      io,
      outDir: path.resolve(io.workspace, inputs.outputDir),
      signal: controller.signal,
      remainingMs: () => Math.max(1, deadline - io.now()),
      result,
    };
    io.info(`${inputs.operation} with deployment ${inputs.deployment}${model ? ` (${model.name})` : ''}`);
    await OPERATION_FNS[inputs.operation](ctx);
  } catch (error) {
    failure = describeFailure(error, { io, inputs, result, timedOut });
  } finally {
    clearTimeout(timer);
    cancel?.removeEventListener('abort', onCancel);
  }

  setOutputs(io, result);
  try {
    await io.writeSummary(
      await renderSummary({
        operation: inputs.operation,
        deployment: inputs.deployment,
        model: model?.name,
        files: result.files,
        workspace: io.workspace,
        revisedPrompt: result.revisedPrompt,
        jobId: result.jobId,
        status: result.status,
        elapsedMs: io.now() - started,
        notes: result.notes,
        failure,
      }),
    );
  } catch (error) {
    io.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
  if (failure) io.setFailed(failure);
}

function reportProblems(io: ActionIO, problems: readonly InputProblem[]): string {
  for (const p of problems) io.error(`Input "${p.input}": ${p.message}`, `Invalid input: ${p.input}`);
  const names = [...new Set(problems.map((p) => p.input))];
  return `${problems.length} input problem${problems.length === 1 ? '' : 's'} (${names.join(', ')}); nothing was sent`;
}

async function readPrompt(inputs: Inputs, workspace: string): Promise<string> {
  if (!inputs.promptFile) return inputs.prompt;
  const full = path.resolve(workspace, inputs.promptFile);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch {
    throw new InputError([
      { input: 'prompt-file', message: `"${inputs.promptFile}" is not a readable file in the workspace` },
    ]);
  }
  if (text.trim() === '')
    throw new InputError([{ input: 'prompt-file', message: `"${inputs.promptFile}" is empty` }]);
  return text.trim();
}

function createClient(inputs: Inputs, io: ActionIO): AzureOpenAIMedia {
  try {
    return new AzureOpenAIMedia({
      endpoint: inputs.endpoint,
      auth: inputs.apiKey ? { apiKey: inputs.apiKey } : { bearerToken: inputs.bearerToken },
      apiVersion: inputs.apiVersion,
      // Until the Action has its own input for it, retired models stay callable (core marks them).
      allowRetiredModels: true,
      deployments: inputs.model ? { [inputs.deployment]: inputs.model } : undefined,
      logger: {
        debug: (message, fields) => io.debug(`${message} ${JSON.stringify(fields ?? {})}`),
        // Retries are worth seeing in the log without debug logging turned on.
        warn: (message, fields) => io.info(`${message} ${JSON.stringify(fields ?? {})}`),
      },
    });
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    const input = /apiVersion/.test(error.message)
      ? 'api-version'
      : /endpoint/.test(error.message)
        ? 'endpoint'
        : 'api-key';
    throw new InputError([{ input, message: error.message.replace(/apiVersion/g, 'api-version') }]);
  }
}

const NEEDS: Record<Operation, { kind: ModelSpec['kind']; fits?: (m: ModelSpec) => boolean; what: string }> =
  {
    'image-generate': { kind: 'image', what: 'an image model' },
    'image-edit': {
      kind: 'image',
      fits: (m) => m.kind === 'image' && m.edit !== undefined,
      what: 'an image model that edits',
    },
    'video-generate': { kind: 'video', what: 'a video model' },
    'video-job-create': { kind: 'video', what: 'a video model' },
    'video-job-get': { kind: 'video', what: 'a video model' },
    transcribe: {
      kind: 'audio',
      fits: (m) => m.kind === 'audio' && m.operations.includes('transcribe'),
      what: 'a transcription model',
    },
    translate: {
      kind: 'audio',
      fits: (m) => m.kind === 'audio' && m.operations.includes('translate'),
      what: 'a translation model',
    },
  };

/** The deployment's model must be able to do the operation; an unknown model is sent unchecked. */
function checkModel(inputs: Inputs, model: ModelSpec | undefined, io: ActionIO): void {
  const need = NEEDS[inputs.operation];
  if (!model) {
    io.warning(
      `Could not tell the model from the deployment name "${inputs.deployment}", so requests are sent unchecked. Set the model input to have them checked first.`,
      'Model not recognised',
    );
    return;
  }
  if (model.kind === need.kind && (!need.fits || need.fits(model))) return;
  const input = inputs.model ? 'model' : 'deployment';
  throw new InputError([
    {
      input,
      message: `${inputs.operation} needs ${need.what}, but "${inputs.model || inputs.deployment}" is ${model.name} (${model.kind})`,
    },
  ]);
}

function apiMessage(error: AzureOpenAIError): string {
  const body = error.body as { error?: { message?: unknown }; message?: unknown } | undefined;
  const message = body && typeof body === 'object' ? (body.error?.message ?? body.message) : undefined;
  return typeof message === 'string' && message ? message : error.message;
}

function describeFailure(
  error: unknown,
  {
    io,
    inputs,
    result,
    timedOut,
  }: { io: ActionIO; inputs: Inputs; result: OperationResult; timedOut: boolean },
): string | undefined {
  if (error instanceof InputError) return reportProblems(io, error.problems);
  if (error instanceof ValidationError)
    return reportProblems(io, issuesToProblems(error.issues, inputs.promptFile !== ''));
  if (error instanceof ContentFilterError) {
    if (error.revisedPrompt) result.revisedPrompt = error.revisedPrompt;
    const categories = error.categories.length > 0 ? ` (${error.categories.join(', ')})` : '';
    const message = `Azure content filtering blocked the request${categories}: ${apiMessage(error)} [status ${error.status}, code ${error.code ?? 'none'}, request id ${error.requestId ?? 'none'}]`;
    if (inputs.failOnContentFilter) return message;
    io.warning(message, 'Content filtered');
    result.notes.push(
      `Content filtered${categories}; no files were written (fail-on-content-filter is false).`,
    );
    return undefined;
  }
  if (error instanceof MaybeProcessedError) {
    const cause = error.cause instanceof AzureOpenAIError ? error.cause : undefined;
    const detail = cause ? apiMessage(cause) : ((error.cause as Error | undefined)?.message ?? error.message);
    return `Azure OpenAI request failed with status ${error.status ?? 'none'}, code ${cause?.code ?? 'none'}, request id ${error.requestId ?? 'none'}: ${detail}. Azure may have processed (and billed) it, so it was not sent again.`;
  }
  if (error instanceof AzureOpenAIError) {
    return `Azure OpenAI request failed with status ${error.status}, code ${error.code ?? 'none'}, request id ${error.requestId ?? 'none'}: ${apiMessage(error)}`;
  }
  if (error instanceof JobFailedError)
    return `Video job ${error.jobId} ended ${error.status}${error.failureReason ? `: ${error.failureReason}` : ''}`;
  if (timedOut || error instanceof TimeoutError) {
    return `Timed out after ${inputs.timeoutMinutes} minute${inputs.timeoutMinutes === 1 ? '' : 's'} (timeout-minutes)${result.jobId ? `; video job ${result.jobId} may still be running` : ''}`;
  }
  if (error instanceof AbortError) {
    return `Cancelled${result.jobId ? `; video job ${result.jobId} may still be running` : ''}`;
  }
  if (error instanceof ConnectionError) return `Could not reach ${inputs.endpoint}: ${error.message}`;
  return `Unexpected error: ${(error as Error)?.message ?? String(error)}`;
}

function setOutputs(io: ActionIO, result: OperationResult): void {
  const files = result.files.map((f) => displayPath(f, io.workspace));
  io.setOutput('files', JSON.stringify(files));
  io.setOutput('file', files[0] ?? '');
  if (result.revisedPrompt !== undefined) io.setOutput('revised-prompt', result.revisedPrompt);
  if (result.jobId !== undefined) io.setOutput('job-id', result.jobId);
  if (result.generationIds !== undefined)
    io.setOutput('generation-ids', JSON.stringify(result.generationIds));
  if (result.status !== undefined) io.setOutput('status', result.status);
  if (result.text !== undefined) io.setOutput('text', result.text);
  if (result.usage !== undefined) io.setOutput('usage', JSON.stringify(result.usage));
}
