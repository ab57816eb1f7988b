/**
 * Pure request validators, one per operation. `checkRequest` returns errors (what Azure refuses)
 * and warnings (what Azure accepts but ignores, or what the sources disagree on) apart; the
 * `validate.*` functions return the errors only. The client throws ValidationError with the errors
 * before sending anything, and returns the warnings with the result.
 */
import type { Issue } from '../errors.js';
import {
  lifecycleOf,
  retiredMessage,
  retiringMessage,
  type ModelOperation,
  type ModelSpec,
} from '../models.js';
import { imageEditIssues, imageGenerateIssues, type ImageEditFiles } from './images.js';
import { videoCreate, videoJob, videoRemix, type MediaFacts } from './videos.js';
import { imageStreamIssues } from './image-stream.js';
import { transcriptionIssues, translationIssues, type AudioFileFacts } from './audio.js';
import { speechIssues } from './speech.js';
import type { FileFacts } from '../uploads.js';
import { asWarning, errorsOf, issues, warningsOf } from './shared.js';

export {
  IMAGE_EDIT_FIELDS,
  IMAGE_GENERATE_FIELDS,
  NULLABLE_IMAGE_FIELDS,
  type ImageEditFiles,
} from './images.js';
export type { FieldType } from './shared.js';
export { errorsOf, warningsOf } from './shared.js';
export { videoFileName, type MediaFacts } from './videos.js';
export { IMAGE_STREAM_FIELDS } from './image-stream.js';
export { wavSeconds, type AudioFileFacts } from './audio.js';
export { SPEECH_FIELDS, characterCount } from './speech.js';

/** Errors only: what Azure would refuse. Use `checkRequest` for the warnings too. */
export const validate = {
  imageGenerate: (request: unknown, model?: ModelSpec): Issue[] =>
    errorsOf(imageGenerateIssues(request, model)),
  imageEdit: (request: unknown, model?: ModelSpec, files?: ImageEditFiles): Issue[] =>
    errorsOf(imageEditIssues(request, model, files)),
  imageStream: (request: unknown, model?: ModelSpec): Issue[] => errorsOf(imageStreamIssues(request, model)),
  videoJob: (request: unknown, model?: ModelSpec, media?: MediaFacts): Issue[] =>
    errorsOf(videoJob(request, model, media)),
  videoCreate: (request: unknown, model?: ModelSpec, media?: { input_reference?: FileFacts }): Issue[] =>
    errorsOf(videoCreate(request, model, media)),
  videoRemix: (request: unknown): Issue[] => errorsOf(videoRemix(request)),
  transcription: (request: unknown, model?: ModelSpec, file?: AudioFileFacts): Issue[] =>
    errorsOf(transcriptionIssues(request, model, file)),
  translation: (request: unknown, model?: ModelSpec, file?: AudioFileFacts): Issue[] =>
    errorsOf(translationIssues(request, model, file)),
  speech: (request: unknown, model?: ModelSpec): Issue[] => errorsOf(speechIssues(request, model)),
};

/** What a request check found: `errors` stop the request, `warnings` go with the result. */
export interface RequestCheck {
  errors: Issue[];
  warnings: Issue[];
}

export interface CheckOptions {
  /** Facts about attached files read ahead (Blobs): `ImageEditFiles`, `MediaFacts`, `{ input_reference }` or audio file facts. */
  files?: unknown;
  /**
   * The caller's clock (epoch ms). With it, a retired model is an error (unless allowed) and a
   * deprecated or soon-retiring one a warning. Without it no lifecycle check runs.
   */
  now?: number;
  /** Retired models to accept anyway (Azure extends some deployments); `true` for all. */
  allowRetiredModels?: boolean | readonly string[];
}

/**
 * Every rule for one operation's request, errors and warnings apart. `model` is the deployment's
 * table entry (undefined for an unknown deployment: generic checks only). `videos.create` follows
 * the model: Sora 1 jobs or Sora 2 videos.
 */
export function checkRequest(
  operation: ModelOperation,
  request: unknown,
  model: ModelSpec | undefined,
  options: CheckOptions = {},
): RequestCheck {
  const found = [...requestIssues(operation, request, model, options.files)];
  if (model && options.now !== undefined)
    found.push(...lifecycleIssues(model, options.now, options.allowRetiredModels));
  return { errors: errorsOf(found), warnings: warningsOf(found) };
}

function requestIssues(
  operation: ModelOperation,
  request: unknown,
  model: ModelSpec | undefined,
  files: unknown,
): Issue[] {
  switch (operation) {
    case 'images.generate':
      return imageGenerateIssues(request, model);
    case 'images.edit':
      return imageEditIssues(request, model, files as ImageEditFiles | undefined);
    case 'images.stream':
      return imageStreamIssues(request, model);
    case 'videos.create': {
      const jobs =
        model?.kind === 'video'
          ? model.api === 'jobs'
          : !!request && typeof request === 'object' && 'width' in request;
      return jobs
        ? videoJob(request, model, files as MediaFacts | undefined)
        : videoCreate(request, model, files as { input_reference?: FileFacts } | undefined);
    }
    case 'videos.remix':
      return videoRemix(request);
    case 'audio.transcribe':
      return transcriptionIssues(request, model, files as AudioFileFacts | undefined);
    case 'audio.translate':
      return translationIssues(request, model, files as AudioFileFacts | undefined);
    case 'audio.speech':
      return speechIssues(request, model);
  }
}

/**
 * The model's lifecycle at `now` as issues: a retired model is an error (a warning when allowed),
 * a deprecated one or one within Azure's notice period a warning.
 */
export function lifecycleIssues(
  model: ModelSpec,
  now: number,
  allowRetiredModels: boolean | readonly string[] = false,
  /** Ends a retired model's message: how this caller's users allow it (default: core's client option). */
  howToAllow?: string,
): Issue[] {
  const state = lifecycleOf(model, now);
  if (state.status === 'retired') {
    const allowed =
      allowRetiredModels === true ||
      (Array.isArray(allowRetiredModels) && allowRetiredModels.includes(model.name));
    const issue = issues.custom(
      'model',
      'model_retired',
      retiredMessage(model, now, howToAllow),
      state.replacement ? [state.replacement] : undefined,
    );
    return [allowed ? asWarning(issue) : issue];
  }
  if (state.status === 'deprecated' || state.retiringSoon) {
    return [
      asWarning(
        issues.custom(
          'model',
          state.status === 'deprecated' ? 'model_deprecated' : 'model_retiring',
          retiringMessage(model, now),
        ),
      ),
    ];
  }
  return [];
}
