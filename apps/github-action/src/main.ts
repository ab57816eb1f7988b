import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  AbortError,
  AmbiguousVideoMatchError,
  AzureOpenAIError,
  AzureOpenAIMedia,
  ConfigurationError,
  ConnectionError,
  ContentFilterError,
  JobFailedError,
  lifecycleIssues,
  MaybeProcessedError,
  modelOperations,
  RateLimitError,
  TimeoutError,
  ValidationError,
  type Issue,
  type ModelSpec,
} from '@aoai-media/core';
import { uploadResults } from './artifacts.js';
import { emptyResult, type OperationContext, type OperationFn, type OperationResult } from './context.js';
import { DownloadError } from './download.js';
import {
  BATCH_OPS,
  MODEL_OPERATION,
  readInputs,
  type InputProblem,
  type Inputs,
  type Operation,
} from './inputs.js';
import { actionsIO, type ActionIO } from './io.js';
import { modelsFor } from './model-docs.js';
import { displayPath, PathPolicy } from './paths.js';
import { InputError, issuesToProblems } from './problems.js';
import { renderSummary } from './summary.js';
import { imageEdit } from './operations/image-edit.js';
import { imageGenerate } from './operations/image-generate.js';
import { speech } from './operations/speech.js';
import { transcribe } from './operations/transcribe.js';
import { translate } from './operations/translate.js';
import { cancelUpstream } from './operations/video-common.js';
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
  speech,
};

/** How a step that did not succeed ended; the `status` output when no video job says more. */
type Ending = 'input-error' | 'content-filtered' | 'cancelled' | 'timed-out' | 'failed';

/**
 * What the client saw, so a time-out can say it was spent waiting out a rate limit, and what was
 * already said, so each warning is given once.
 */
interface ClientState {
  lastStatus?: number;
  /** Warnings already given as annotations (a batch repeats them for every line). */
  warned: Set<string>;
  /** Lifecycle warnings the model check gave; core says them again with each request. */
  lifecycleCodes: Set<string>;
}

const MAX_BATCH = 500;

/**
 * Runs the action. Never throws: every failure ends as `setFailed` with annotations where they help,
 * and outputs and the summary are written on every path, an input error included.
 * `cancel` is the runner cancelling the step: the work stops, a video job the step started is
 * deleted at Azure (unless `cancel-job-on-cancel` is false), and outputs and summary are written.
 */
export async function run(io: ActionIO = actionsIO(), cancel?: AbortSignal): Promise<void> {
  // Secrets are masked before anything else can print them.
  for (const name of ['api-key', 'bearer-token']) {
    const secret = io.getInput(name).trim();
    if (secret) io.setSecret(secret);
  }
  const started = io.now();
  const result = emptyResult();
  const { inputs, problems, unused } = readInputs(
    (name) => io.getInput(name),
    () => io.now(),
  );
  let workspace = io.workspace;
  let failure: { message: string; ending: Ending } | undefined;
  let model: ModelSpec | undefined;
  let outDir: string | undefined;
  const staging = path.join(io.tempDir, `aoai-media-${randomUUID()}`);

  if (problems.length > 0) {
    failure = { message: reportProblems(io, problems), ending: 'input-error' };
  } else {
    for (const name of unused)
      io.warning(
        `Input ${name} is not used by ${inputs.operation}; it was ignored.`,
        `Unused input: ${name}`,
      );
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
    const state: ClientState = { warned: new Set(), lifecycleCodes: new Set() };
    let client: AzureOpenAIMedia | undefined;
    try {
      const paths = await PathPolicy.create(io.workspace, inputs.allowedRoots);
      workspace = paths.realWorkspace;
      outDir = await paths.outputDir('output-dir', inputs.outputDir);
      const prompts = await readPrompts(inputs, paths);
      client = createClient(inputs, io, state);
      model = client.modelFor(inputs.deployment);
      checkModel(inputs, model, io, state);
      io.info(`${inputs.operation} with deployment ${inputs.deployment}${model ? ` (${model.name})` : ''}`);
      const batch = prompts.length > 1 || inputs.promptsFile !== '';
      const done: number[] = [];
      for (const { prompt, line } of prompts) {
        const ctx: OperationContext = {
          client,
          inputs,
          prompt,
          index: line,
          batch,
          model,
          io,
          paths,
          out: { dir: outDir, stagingDir: staging },
          signal: controller.signal,
          remainingMs: () => Math.max(1, deadline - io.now()),
          result,
        };
        if (batch)
          io.info(`prompts-file line ${line}: ${prompt.length > 80 ? `${prompt.slice(0, 77)}...` : prompt}`);
        try {
          await OPERATION_FNS[inputs.operation](ctx);
          done.push(line);
        } catch (error) {
          // In a batch, a filtered prompt is one line's outcome; the other lines still run.
          if (batch && error instanceof ContentFilterError && !inputs.failOnContentFilter) {
            contentFiltered(error, inputs, io, result, `prompts-file line ${line}`);
            continue;
          }
          if (batch)
            result.failureContext = `at prompts-file line ${line}${done.length > 0 ? `; lines ${done.join(', ')} were done` : ''}`;
          throw error;
        }
      }
    } catch (error) {
      // Core's wait for a video job is given the time left, so it may end the wait a moment before
      // the step's own timer does: both are timeout-minutes running out.
      const stepTimedOut = timedOut || (error instanceof TimeoutError && io.now() >= deadline - 1_000);
      failure = describeFailure(error, { io, inputs, result, timedOut: stepTimedOut, state });
      if (failure?.ending === 'cancelled') failure.message = await afterCancel(client, inputs, result);
    } finally {
      clearTimeout(timer);
      cancel?.removeEventListener('abort', onCancel);
    }

    // What was written is uploaded even when a later part failed, but not when the run is cancelled.
    if (result.files.length > 0 && !cancel?.aborted && (inputs.uploadArtifact || inputs.previews)) {
      try {
        await uploadResults(io, inputs, result, outDir!);
      } catch (error) {
        const message = `Uploading the results failed: ${(error as Error).message}. The files are in ${displayPath(outDir!, workspace)}.`;
        if (failure) result.notes.push(message);
        else failure = { message, ending: 'failed' };
      }
    }
  }
  await rm(staging, { recursive: true, force: true }).catch(() => undefined);

  result.status ??= failure ? failure.ending : 'succeeded';
  if (failure?.ending === 'content-filtered') result.contentFiltered = true;
  setOutputs(io, result, workspace);
  try {
    await io.writeSummary(
      await renderSummary({
        operation: io.getInput('operation').trim() || inputs.operation,
        deployment: inputs.deployment,
        model: model?.name,
        files: result.files,
        metadataFiles: result.metadataFiles,
        previews: result.previews,
        artifact: result.artifact,
        workspace,
        revisedPrompt: result.revisedPrompt,
        jobId: result.jobId,
        status: result.status,
        contentFiltered: result.contentFiltered,
        elapsedMs: io.now() - started,
        notes: result.notes,
        failure: failure?.message,
      }),
    );
  } catch (error) {
    io.warning(`Could not write the job summary: ${(error as Error).message}`);
  }
  if (failure) io.setFailed(failure.message);
}

function reportProblems(io: ActionIO, problems: readonly InputProblem[]): string {
  for (const p of problems) io.error(`Input "${p.input}": ${p.message}`, `Invalid input: ${p.input}`);
  const names = [...new Set(problems.map((p) => p.input))];
  return `${problems.length} input problem${problems.length === 1 ? '' : 's'} (${names.join(', ')}); nothing was sent`;
}

/** The prompt of each run: one, or one per line of `prompts-file` (with its line number). */
async function readPrompts(inputs: Inputs, paths: PathPolicy): Promise<{ prompt: string; line: number }[]> {
  if (inputs.promptsFile && BATCH_OPS.includes(inputs.operation)) {
    const text = await readText(paths, 'prompts-file', inputs.promptsFile);
    const prompts = text
      .split(/\r?\n/)
      .map((l, i) => ({ prompt: l.trim(), line: i + 1 }))
      .filter((p) => p.prompt !== '' && !p.prompt.startsWith('#'));
    if (prompts.length === 0)
      throw new InputError([{ input: 'prompts-file', message: `"${inputs.promptsFile}" has no prompts` }]);
    if (prompts.length > MAX_BATCH)
      throw new InputError([
        {
          input: 'prompts-file',
          message: `"${inputs.promptsFile}" has ${prompts.length} prompts; at most ${MAX_BATCH} run in one step`,
        },
      ]);
    return prompts;
  }
  if (inputs.operation === 'speech') {
    if (!inputs.textFile) return [{ prompt: inputs.text, line: 1 }];
    const text = await readText(paths, 'text-file', inputs.textFile);
    if (text.trim() === '')
      throw new InputError([{ input: 'text-file', message: `"${inputs.textFile}" is empty` }]);
    return [{ prompt: text, line: 1 }];
  }
  if (!inputs.promptFile) return [{ prompt: inputs.prompt, line: 1 }];
  const text = (await readText(paths, 'prompt-file', inputs.promptFile)).trim();
  if (text === '')
    throw new InputError([{ input: 'prompt-file', message: `"${inputs.promptFile}" is empty` }]);
  return [{ prompt: text, line: 1 }];
}

async function readText(paths: PathPolicy, input: string, value: string): Promise<string> {
  const full = await paths.file(input, value);
  try {
    return await readFile(full, 'utf8');
  } catch (error) {
    throw new InputError([
      { input, message: `"${value}" could not be read: ${(error as NodeJS.ErrnoException).code ?? error}` },
    ]);
  }
}

function createClient(inputs: Inputs, io: ActionIO, state: ClientState): AzureOpenAIMedia {
  try {
    return new AzureOpenAIMedia({
      endpoint: inputs.endpoint,
      auth: inputs.apiKey ? { apiKey: inputs.apiKey } : { bearerToken: inputs.bearerToken },
      apiVersion: inputs.apiVersion,
      allowRetiredModels: inputs.allowRetiredModels,
      deployments: inputs.model ? { [inputs.deployment]: inputs.model } : undefined,
      // Lifecycles are read against the step's clock.
      now: () => io.now(),
      logger: {
        debug: (message, fields) => {
          if (typeof fields?.status === 'number') state.lastStatus = fields.status;
          io.debug(`${message} ${JSON.stringify(fields ?? {})}`);
        },
        warn: (message, fields) => {
          if (typeof fields?.status === 'number') state.lastStatus = fields.status;
          // What Azure accepts but the sources disagree on: a warning annotation naming the input.
          if (typeof fields?.code === 'string' && typeof fields.path === 'string') {
            requestWarning(io, inputs, state, message, fields);
            return;
          }
          // Retries are worth seeing in the log without debug logging turned on.
          io.info(`${message} ${JSON.stringify(fields ?? {})}`);
        },
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

/**
 * A warning core found in a request (sent as it is), as an annotation on the input that set it,
 * once per step. Lifecycle warnings were already given by the model check.
 */
function requestWarning(
  io: ActionIO,
  inputs: Inputs,
  state: ClientState,
  message: string,
  fields: Record<string, unknown>,
): void {
  if (state.lifecycleCodes.has(fields.code as string)) return;
  const prefix = typeof fields.operation === 'string' ? `${fields.operation}: ` : '';
  const issue: Issue = {
    path: fields.path as string,
    code: fields.code as string,
    message: message.startsWith(prefix) ? message.slice(prefix.length) : message,
  };
  const [problem] = issuesToProblems([issue], fromFile(inputs), isVideo(inputs.operation));
  if (!problem || state.warned.has(problem.message)) return;
  state.warned.add(problem.message);
  io.warning(`Input "${problem.input}": ${problem.message}`, `Check input: ${problem.input}`);
}

/** Whether the prompt (or the text to speak) came from a file, so messages name that input. */
function fromFile(inputs: Inputs): boolean {
  return inputs.operation === 'speech' ? inputs.textFile !== '' : inputs.promptFile !== '';
}

function isVideo(operation: Operation): boolean {
  return MODEL_OPERATION[operation] === 'videos.create';
}

/** The end of core's message for a retired model: how to allow it, replaced when it is allowed. */
const RETIRED_TAIL = /Deployments of a retired model answer only errors; if Azure has extended yours, .*$/;

/**
 * The deployment's model must take the operation and, unless `allow-retired-models` lists it, not
 * be retired; a model near its retirement gives a warning. An unknown model is sent unchecked.
 */
function checkModel(inputs: Inputs, model: ModelSpec | undefined, io: ActionIO, state: ClientState): void {
  if (!model) {
    io.warning(
      `Could not tell the model from the deployment name "${inputs.deployment}", so requests are sent unchecked. Set the model input to have them checked first.`,
      'Model not recognised',
    );
    return;
  }
  const input = inputs.model ? 'model' : 'deployment';
  const operation = MODEL_OPERATION[inputs.operation];
  const takes = modelOperations(model);
  if (!takes.includes(operation))
    throw new InputError([
      {
        input,
        message: `${inputs.operation} cannot use "${inputs.model || inputs.deployment}" (${model.name}); models that can: ${modelsFor(operation, io.now())}`,
      },
    ]);
  if (inputs.remixVideoId && !takes.includes('videos.remix'))
    throw new InputError([
      {
        input: 'remix-video-id',
        message: `${model.name} cannot remix a video; models that can: ${modelsFor('videos.remix', io.now())}`,
      },
    ]);
  // Looking up a job costs nothing, so a retired model only warns there.
  const lookup = inputs.operation === 'video-job-get';
  const problems: InputProblem[] = [];
  const howToAllow = `set allow-retired-models: ${model.name}`;
  for (const issue of lifecycleIssues(model, io.now(), lookup || inputs.allowRetiredModels, howToAllow)) {
    state.lifecycleCodes.add(issue.code);
    if (issue.severity !== 'warning') {
      problems.push({ input, message: issue.message });
    } else if (issue.code === 'model_retired') {
      const why = lookup
        ? 'The job is looked up anyway; a deployment Azure has not extended answers only errors.'
        : 'It is called anyway: allow-retired-models says Azure has extended this deployment.';
      io.warning(issue.message.replace(RETIRED_TAIL, why), 'Retired model');
    } else {
      io.warning(issue.message, 'Model retiring');
    }
  }
  if (problems.length > 0) throw new InputError(problems);
}

function apiMessage(error: AzureOpenAIError): string {
  const body = error.body as { error?: { message?: unknown }; message?: unknown } | undefined;
  const message = body && typeof body === 'object' ? (body.error?.message ?? body.message) : undefined;
  return typeof message === 'string' && message ? message : error.message;
}

function apiFailure(error: AzureOpenAIError): string {
  return `Azure OpenAI request failed with status ${error.status}, code ${error.code ?? 'none'}, request id ${error.requestId ?? 'none'}: ${apiMessage(error)}`;
}

/** "status 400, code x, request id y": what support needs, leaving out what Azure did not send. */
function errorFacts(error: AzureOpenAIError): string {
  const facts = [];
  // A job refused by moderation comes from a successful status poll: its HTTP status says nothing.
  if (error.status >= 400) facts.push(`status ${error.status}`);
  if (error.code) facts.push(`code ${error.code}`);
  if (error.requestId) facts.push(`request id ${error.requestId}`);
  return facts.length > 0 ? ` [${facts.join(', ')}]` : '';
}

function contentFiltered(
  error: ContentFilterError,
  inputs: Inputs,
  io: ActionIO,
  result: OperationResult,
  where?: string,
): string | undefined {
  result.contentFiltered = true;
  if (error.revisedPrompt) result.revisedPrompt = error.revisedPrompt;
  const categories = error.categories.length > 0 ? ` (${error.categories.join(', ')})` : '';
  const what = where ? `${where}: ` : '';
  const message = `${what}Azure content filtering blocked the request${categories}: ${apiMessage(error)}${errorFacts(error)}`;
  if (inputs.failOnContentFilter) return message;
  io.warning(message, 'Content filtered');
  result.notes.push(
    `${what}Content filtered${categories}; no files were written for it (fail-on-content-filter is false).`,
  );
  return undefined;
}

function describeFailure(
  error: unknown,
  {
    io,
    inputs,
    result,
    timedOut,
    state,
  }: { io: ActionIO; inputs: Inputs; result: OperationResult; timedOut: boolean; state: ClientState },
): { message: string; ending: Ending } | undefined {
  const context = result.failureContext ? ` (${result.failureContext})` : '';
  const failed = (message: string, ending: Ending = 'failed') => ({
    message: `${message}${context}`,
    ending,
  });
  if (error instanceof InputError) return failed(reportProblems(io, error.problems), 'input-error');
  if (error instanceof ValidationError)
    return failed(
      reportProblems(io, issuesToProblems(error.issues, fromFile(inputs), isVideo(inputs.operation))),
      'input-error',
    );
  if (error instanceof ContentFilterError) {
    const message = contentFiltered(error, inputs, io, result);
    return message === undefined ? undefined : failed(message, 'content-filtered');
  }
  const limited =
    state.lastStatus === 429
      ? " while waiting out Azure's rate limit (HTTP 429 on the last request); raise timeout-minutes or the deployment's quota"
      : '';
  if (timedOut) {
    const job =
      result.jobId && !result.jobSucceeded ? `; video job ${result.jobId} may still be running` : '';
    return failed(
      `Timed out after ${inputs.timeoutMinutes} minute${inputs.timeoutMinutes === 1 ? '' : 's'} (timeout-minutes)${limited}${job}`,
      'timed-out',
    );
  }
  // One request that got no answer in time (after retries), well before timeout-minutes.
  if (error instanceof TimeoutError)
    return failed(`Azure did not answer in time: ${error.message}${limited}`, 'timed-out');
  if (error instanceof RateLimitError) {
    const wait =
      error.retryAfterMs !== undefined
        ? `; Azure asked to wait ${Math.ceil(error.retryAfterMs / 1000)} s`
        : '';
    return failed(
      `Azure's rate limit (HTTP 429) held after retries${wait}: ${apiMessage(error)}${errorFacts(error)}. Run again later or raise the deployment's quota.`,
    );
  }
  if (error instanceof AmbiguousVideoMatchError)
    return failed(
      `The video create may have reached Azure, and which job it made is unclear (it may be one of: ${error.candidateIds.join(', ') || 'none listed'}); nothing was sent again. Look at those jobs (video-job-get) before running the step again.`,
    );
  if (error instanceof MaybeProcessedError) {
    // A paid request that failed in a way that does not prove it was not processed: core does not
    // resend it, so the user must not be told it simply failed.
    const cause = error.cause;
    const what =
      cause instanceof AzureOpenAIError
        ? apiFailure(cause)
        : `The request to Azure failed: ${(cause as Error | undefined)?.message ?? error.message}`;
    return failed(`${what}. Azure may have processed (and billed) it, so it was not sent again`);
  }
  if (error instanceof AzureOpenAIError) return failed(apiFailure(error));
  if (error instanceof JobFailedError)
    return failed(
      `Video job ${error.jobId} ended ${error.status}${error.failureReason ? `: ${error.failureReason}` : ''}`,
    );
  if (error instanceof AbortError) return failed('Cancelled', 'cancelled');
  if (error instanceof DownloadError) {
    const collect = result.jobId
      ? `; the job succeeded: collect it again with video-job-get (job-id ${result.jobId})`
      : '';
    return failed(`${error.message}${collect}`);
  }
  if (error instanceof ConnectionError) return failed(`Could not reach ${inputs.endpoint}: ${error.message}`);
  return failed(`Unexpected error: ${(error as Error)?.message ?? String(error)}`);
}

/** The cancel message, after deleting the job this step started (unless told not to). */
async function afterCancel(
  client: AzureOpenAIMedia | undefined,
  inputs: Inputs,
  result: OperationResult,
): Promise<string> {
  const job = result.jobInFlight;
  if (result.jobSucceeded && result.jobId)
    return `Cancelled while downloading; video job ${result.jobId} had succeeded: collect it with video-job-get (job-id ${result.jobId})`;
  if (!job || !client) return 'Cancelled';
  if (!inputs.cancelJobOnCancel)
    return `Cancelled; video job ${job.id} keeps running (cancel-job-on-cancel is false): collect it with video-job-get`;
  const outcome = await cancelUpstream(client, job);
  result.jobInFlight = undefined;
  if (outcome.startsWith(`video job ${job.id} was deleted`)) result.status = 'cancelled';
  return `Cancelled; ${outcome}`;
}

function setOutputs(io: ActionIO, result: OperationResult, workspace: string): void {
  const shown = (files: string[]) => files.map((f) => displayPath(f, workspace));
  const files = shown(result.files);
  io.setOutput('files', JSON.stringify(files));
  io.setOutput('file', files[0] ?? '');
  io.setOutput('status', result.status ?? '');
  io.setOutput('content-filtered', String(result.contentFiltered));
  if (result.metadataFiles.length > 0)
    io.setOutput('metadata-files', JSON.stringify(shown(result.metadataFiles)));
  if (result.revisedPrompt !== undefined) io.setOutput('revised-prompt', result.revisedPrompt);
  if (result.jobId !== undefined) io.setOutput('job-id', result.jobId);
  if (result.generationIds !== undefined)
    io.setOutput('generation-ids', JSON.stringify(result.generationIds));
  if (result.text !== undefined) io.setOutput('text', result.text);
  if (result.usage !== undefined) io.setOutput('usage', JSON.stringify(result.usage));
  if (result.artifact) {
    io.setOutput('artifact-id', String(result.artifact.id));
    io.setOutput('artifact-url', result.artifact.url);
  }
}
