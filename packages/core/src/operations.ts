/**
 * The operation table: every request core sends names one of these operations, and the table
 * decides how it is retried. A paid create (it makes something Azure bills for) is resent only
 * when the answer proves nothing was processed; a read or a delete can be repeated safely.
 *
 * Video operations exist in one or both video APIs: `jobs` (Sora 1, `/video/generations/jobs`)
 * and `videos` (Sora 2, `/videos`). An operation without a path for an API is not supported there.
 */
import type { VideoApi } from './models.js';

/** Which URL family an operation lives in. `either` follows the client's `apiVersion`. */
export type Route = 'either' | 'v1' | 'deployment';

/**
 * - `paid-create`: makes something billed (an image, a transcript, a video task). Retried only on
 *   answers that prove nothing was processed.
 * - `read`: changes nothing; retried on any transient failure.
 * - `delete`: removes a task; repeating it is harmless (a second delete finds nothing).
 */
export type OperationKind = 'paid-create' | 'read' | 'delete';

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'HEAD';

export interface Operation {
  readonly id: OperationId;
  readonly kind: OperationKind;
  readonly method: HttpMethod;
  readonly route: Route;
  /**
   * Path templates below the route's base (`{id}`, `{content}` are filled in). `any` is the path
   * whatever the model; video operations list a path per video API they exist in. Absent for
   * requests to an absolute URL outside the API.
   */
  readonly paths?: { readonly any?: string } & { readonly [api in VideoApi]?: string };
}

export const OPERATIONS = {
  'images.generate': {
    kind: 'paid-create',
    method: 'POST',
    route: 'either',
    paths: { any: 'images/generations' },
  },
  'images.edit': { kind: 'paid-create', method: 'POST', route: 'either', paths: { any: 'images/edits' } },
  /** The Responses API `image_generation` tool, streamed or not. */
  'images.stream': { kind: 'paid-create', method: 'POST', route: 'v1', paths: { any: 'responses' } },
  /** A generated image's download link (an absolute URL, fetched without credentials). */
  'images.download': { kind: 'read', method: 'GET', route: 'either' },
  'videos.create': {
    kind: 'paid-create',
    method: 'POST',
    route: 'v1',
    paths: { jobs: 'video/generations/jobs', videos: 'videos' },
  },
  'videos.remix': {
    kind: 'paid-create',
    method: 'POST',
    route: 'v1',
    paths: { videos: 'videos/{id}/remix' },
  },
  'videos.retrieve': {
    kind: 'read',
    method: 'GET',
    route: 'v1',
    paths: { jobs: 'video/generations/jobs/{id}', videos: 'videos/{id}' },
  },
  'videos.list': {
    kind: 'read',
    method: 'GET',
    route: 'v1',
    paths: { jobs: 'video/generations/jobs', videos: 'videos' },
  },
  'videos.delete': {
    kind: 'delete',
    method: 'DELETE',
    route: 'v1',
    paths: { jobs: 'video/generations/jobs/{id}', videos: 'videos/{id}' },
  },
  /** A finished task's media. For `jobs`, `{id}` is a generation id and `{content}` is `video` or `thumbnail`. */
  'videos.downloadContent': {
    kind: 'read',
    method: 'GET',
    route: 'v1',
    paths: { jobs: 'video/generations/{id}/content/{content}', videos: 'videos/{id}/content' },
  },
  /** Whether a Sora 1 generation's video can be downloaded yet, and its size. */
  'videos.contentHead': {
    kind: 'read',
    method: 'HEAD',
    route: 'v1',
    paths: { jobs: 'video/generations/{id}/content/video' },
  },
  /** One Sora 1 generation (a job's output). */
  'videos.generations.retrieve': {
    kind: 'read',
    method: 'GET',
    route: 'v1',
    paths: { jobs: 'video/generations/{id}' },
  },
  'audio.transcribe': {
    kind: 'paid-create',
    method: 'POST',
    route: 'deployment',
    paths: { any: 'audio/transcriptions' },
  },
  'audio.translate': {
    kind: 'paid-create',
    method: 'POST',
    route: 'deployment',
    paths: { any: 'audio/translations' },
  },
  /** Text to speech: `/openai/v1/audio/speech` or `/openai/deployments/{d}/audio/speech`. */
  'audio.speech': { kind: 'paid-create', method: 'POST', route: 'either', paths: { any: 'audio/speech' } },
} as const satisfies Record<string, Omit<Operation, 'id'>>;

export type OperationId = keyof typeof OPERATIONS;

/** The table entry for an operation id. */
export function getOperation(id: OperationId): Operation {
  const entry = OPERATIONS[id] as Omit<Operation, 'id'> | undefined;
  if (!entry) throw new TypeError(`unknown operation ${JSON.stringify(id)}`);
  return { id, ...entry };
}

/** Every operation, in table order. */
export function listOperations(): Operation[] {
  return (Object.keys(OPERATIONS) as OperationId[]).map(getOperation);
}

/**
 * The path of an operation for a video API (or for any model), with `{id}` and `{content}` filled
 * in (ids are URL-encoded). Undefined when the operation does not exist for that API.
 */
export function operationPath(
  id: OperationId,
  api: VideoApi | 'any' = 'any',
  params: { id?: string; content?: string } = {},
): string | undefined {
  const paths = getOperation(id).paths;
  const template = paths?.[api] ?? paths?.any;
  if (template === undefined) return undefined;
  return template
    .replace('{id}', encodeURIComponent(params.id ?? ''))
    .replace('{content}', encodeURIComponent(params.content ?? ''));
}

/**
 * The retry rules of an operation. Requests sent through `client.request` without an operation
 * (a caller's own path) are treated by method: POST as a paid create, anything else as a read.
 */
export function operationKind(id: OperationId | undefined, method: HttpMethod): OperationKind {
  if (id !== undefined) return getOperation(id).kind;
  return method === 'POST' ? 'paid-create' : method === 'DELETE' ? 'delete' : 'read';
}
