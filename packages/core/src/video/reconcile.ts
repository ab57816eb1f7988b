/**
 * Video creates that never pay twice. A create that failed ambiguously (the request went out but
 * the answer was lost, a 500/502/504, a timeout, an unreadable answer) may have made a task. Before
 * deciding to send it again, the recent tasks are listed and the one this create made is adopted:
 * same model, prompt, size, seconds and variants (and, for a remix, the same source), created
 * after the create was sent, less a clock-skew allowance.
 *
 * - exactly one task matches: it is adopted, nothing is resent;
 * - none matches: the create is sent once more (only once);
 * - several match, or a task that might match cannot be compared (a field Azure left out), or the
 *   list could not be read far enough back: AmbiguousVideoMatchError naming the candidates, and
 *   nothing is resent.
 */
import { readJson, type AzureOpenAIMedia, type CallOptions } from '../client.js';
import {
  AmbiguousVideoMatchError,
  InvalidResponseError,
  MaybeProcessedError,
  requestIdOf,
} from '../errors.js';
import type { VideoApi, VideoModel } from '../models.js';
import type { OperationId } from '../operations.js';
import { buildVideoList, type VideoCreateRequest, type VideoRequestSpec } from './requests.js';
import { parseVideoTaskList, type VideoTask } from './tasks.js';

/**
 * How far before the send a task's `created_at` may be and still count: Azure stamps tasks with its
 * own clock (to the second), which may be behind this machine's.
 */
export const VIDEO_RECONCILE_CLOCK_SKEW_MS = 60_000;
/** Tasks per list page while reconciling, and pages at most (so a busy resource cannot loop). */
const PAGE_SIZE = 50;
const MAX_PAGES = 10;
/** Ids of tasks this client made that reconciling must not adopt for a later create. */
const MAX_REMEMBERED = 1000;

/** What the task a create made looks like. Fields left undefined are not compared. */
export interface CreatedTaskExpectation {
  api: VideoApi;
  /** Names Azure may report in `model`: the deployment, and its model's name when known. */
  models: readonly string[];
  prompt: string;
  size?: string | undefined;
  seconds?: number | undefined;
  variants?: number | undefined;
  /** For a remix: the source video's id. */
  remixedFrom?: string | undefined;
}

export interface FindCreatedOptions extends CallOptions {
  /** When the create was sent (epoch ms, on this client's clock). */
  since: number;
  /** Default VIDEO_RECONCILE_CLOCK_SKEW_MS. */
  clockSkewMs?: number;
  /** Task ids that are known not to be this create's (tasks made by other calls). */
  exclude?: Iterable<string>;
}

export type MatchVerdict = 'match' | 'uncertain' | 'no';

/** What the task a unified create request would make looks like (defaults from the model table). */
export function expectCreated(
  api: VideoApi,
  request: VideoCreateRequest,
  model: VideoModel | undefined,
): CreatedTaskExpectation {
  return {
    api,
    models: model ? [request.model, model.name] : [request.model],
    prompt: request.prompt,
    size: request.size,
    seconds: request.seconds ?? model?.defaultSeconds,
    variants: api === 'jobs' ? (request.variants ?? 1) : undefined,
  };
}

/** Whether a listed task is the one described: a definite mismatch wins over an unknown field. */
export function matchCreatedTask(
  task: VideoTask,
  expected: CreatedTaskExpectation,
  earliestCreatedMs: number,
): MatchVerdict {
  let unknown = false;
  const compare = (actual: unknown, wanted: unknown, allowed?: readonly unknown[]): boolean => {
    if (wanted === undefined) return true;
    if (actual === undefined) {
      unknown = true;
      return true;
    }
    return allowed ? allowed.includes(actual) : actual === wanted;
  };
  if (task.api !== expected.api) return 'no';
  if (task.createdAt !== undefined && task.createdAt * 1000 < earliestCreatedMs) return 'no';
  if (task.createdAt === undefined) unknown = true;
  const same =
    compare(task.model, expected.models[0], expected.models) &&
    compare(task.prompt, expected.prompt) &&
    compare(task.size, expected.size) &&
    compare(task.seconds, expected.seconds) &&
    compare(task.api === 'jobs' ? task.variants : undefined, expected.variants) &&
    compare(task.remixedFrom, expected.remixedFrom);
  if (!same) return 'no';
  // A remix of some video is not a plain create, and the other way round.
  if (expected.remixedFrom === undefined && task.remixedFrom !== undefined) return 'no';
  return unknown ? 'uncertain' : 'match';
}

/**
 * The task a create made, if it is in the recent list; undefined when no recent task matches.
 * Throws AmbiguousVideoMatchError when the answer is not unique (see the module comment).
 */
export async function findCreatedTask(
  client: AzureOpenAIMedia,
  operation: OperationId,
  expected: CreatedTaskExpectation,
  options: FindCreatedOptions,
): Promise<VideoTask | undefined> {
  const { since, clockSkewMs = VIDEO_RECONCILE_CLOCK_SKEW_MS, exclude, ...call } = options;
  const earliest = since - clockSkewMs;
  const excluded = new Set(exclude ?? []);
  const matches: VideoTask[] = [];
  const uncertain: VideoTask[] = [];
  let after: string | undefined;
  let complete = false;
  for (let page = 0; page < MAX_PAGES; page++) {
    const list = parseVideoTaskList(
      expected.api,
      await client.request(
        { ...call, ...buildVideoList(expected.api, { limit: PAGE_SIZE, after }) },
        (response) => readJson(response),
      ),
    );
    for (const task of list.data) {
      if (excluded.has(task.id)) continue;
      const verdict = matchCreatedTask(task, expected, earliest);
      if (verdict === 'match') matches.push(task);
      else if (verdict === 'uncertain') uncertain.push(task);
    }
    const oldest = list.data[list.data.length - 1]?.createdAt;
    if (!list.hasMore || !list.nextAfter || (oldest !== undefined && oldest * 1000 < earliest)) {
      complete = true;
      break;
    }
    after = list.nextAfter;
  }
  if (matches.length === 1 && uncertain.length === 0 && complete) return matches[0];
  if (matches.length === 0 && uncertain.length === 0 && complete) return undefined;
  const ids = [...matches, ...uncertain].map((t) => t.id);
  const why = !complete
    ? `more than ${PAGE_SIZE * MAX_PAGES} tasks are newer than the create, so it could not be looked for among all of them`
    : matches.length > 1
      ? `${matches.length} recent tasks match it`
      : `recent tasks could not be compared with it (Azure left fields out)`;
  throw new AmbiguousVideoMatchError(
    operation,
    ids,
    `${operation}: which task the create made is unknown: ${why}${ids.length ? ` (${ids.join(', ')})` : ''}; nothing was sent again`,
  );
}

/** A create's answer: JSON with a task id, or the task cannot be followed (an unreadable answer). */
async function readTask(response: Response): Promise<{ id: string }> {
  const raw = await readJson<{ id?: unknown }>(response);
  if (!raw || typeof raw !== 'object' || typeof raw.id !== 'string' || raw.id === '') {
    throw new InvalidResponseError({
      status: response.status,
      requestId: requestIdOf(response.headers),
      body: JSON.stringify(raw),
      expected: 'a video task with an id',
    });
  }
  return raw as { id: string };
}

const remembered = new WeakMap<AzureOpenAIMedia, string[]>();

/** Task ids this client has created or adopted, most recent last. */
export function tasksMadeBy(client: AzureOpenAIMedia): readonly string[] {
  return remembered.get(client) ?? [];
}

function remember(client: AzureOpenAIMedia, id: unknown): void {
  if (typeof id !== 'string') return;
  const ids = remembered.get(client) ?? [];
  ids.push(id);
  if (ids.length > MAX_REMEMBERED) ids.splice(0, ids.length - MAX_REMEMBERED);
  remembered.set(client, ids);
}

/**
 * Send a video create (or remix) so that an ambiguous failure is reconciled, never blindly resent.
 * Resolves with Azure's JSON for the task: the create's answer or the adopted task's list entry.
 */
export async function sendVideoCreate(
  client: AzureOpenAIMedia,
  request: VideoRequestSpec,
  expected: CreatedTaskExpectation,
  options: CallOptions,
): Promise<unknown> {
  const operation = request.operation;
  const since = client.now();
  for (let send = 0; ; send++) {
    let failure: MaybeProcessedError;
    try {
      // Never resent by the request loop itself: what an ambiguous failure means is decided here.
      const raw = await client.request({ ...options, ...request, retryAmbiguous: false }, readTask);
      remember(client, raw.id);
      return raw;
    } catch (error) {
      if (!(error instanceof MaybeProcessedError)) throw error;
      failure = error;
    }
    let found: VideoTask | undefined;
    try {
      found = await findCreatedTask(client, operation, expected, {
        since,
        exclude: tasksMadeBy(client),
        signal: options.signal,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
    } catch (error) {
      if (error instanceof AmbiguousVideoMatchError) {
        throw new AmbiguousVideoMatchError(
          operation,
          error.candidateIds,
          `${error.message}; the create failed with: ${failure.message}`,
          failure,
        );
      }
      throw new MaybeProcessedError(
        operation,
        failure,
        `${failure.message}; looking for the task it may have made failed too: ${(error as Error)?.message ?? String(error)}`,
      );
    }
    if (found) {
      remember(client, found.id);
      client.logger?.info?.(`${operation}: adopted ${found.id} after an ambiguous failure`, {
        operation,
        taskId: found.id,
        cause: failure.message,
      });
      return found.raw;
    }
    if (send >= 1) throw failure;
    client.logger?.info?.(`${operation}: no task was made; sending the create once more`, {
      operation,
      cause: failure.message,
    });
  }
}
