/**
 * What a video deployment can do, answered from the model table (`api`, sizes, seconds, variants,
 * media) and the operation table (which operations exist for each API). Consumers ask these
 * questions instead of testing whether a model is Sora 1 or Sora 2.
 */
import type { AzureOpenAIMedia } from '../client.js';
import {
  getModel,
  recogniseModel,
  type IntRange,
  type ModelSpec,
  type VideoApi,
  type VideoModel,
} from '../models.js';
import { operationPath } from '../operations.js';

/** What `downloadContent` can fetch for an output. */
export type VideoContent = 'video' | 'thumbnail' | 'spritesheet';
/** The rendition of a Sora 1 video download. */
export type VideoQuality = 'high' | 'low';

export interface VideoApiFacts {
  readonly label: string;
  /** Downloads each output offers, `video` first. */
  readonly contents: readonly VideoContent[];
  /** Renditions of the `video` download, best first; empty when there is one. */
  readonly qualities: readonly VideoQuality[];
  /** Whether media can be placed at any frame and cropped (inpainting), or only start the video. */
  readonly inpaint: boolean;
  /** How many media files one create takes. */
  readonly maxMedia: number;
}

/** Facts that belong to each video API rather than to a model. */
export const VIDEO_APIS: Readonly<Record<VideoApi, VideoApiFacts>> = {
  jobs: {
    label: 'Sora 1 video generation jobs (/video/generations/jobs)',
    contents: ['video', 'thumbnail'],
    qualities: ['high', 'low'],
    inpaint: true,
    maxMedia: Number.MAX_SAFE_INTEGER,
  },
  videos: {
    label: 'Sora 2 videos (/videos)',
    contents: ['video', 'thumbnail', 'spritesheet'],
    qualities: [],
    inpaint: false,
    // One input_reference per create.
    maxMedia: 1,
  },
};

/**
 * The video API used when a deployment's model is not known (not configured in `deployments` and
 * not recognisable from its name): Sora 2's `/videos`, the API of every video model Azure still
 * offers. Configure `deployments: { name: 'sora' }` to reach a Sora 1 deployment with another name.
 */
export const FALLBACK_VIDEO_API: VideoApi = 'videos';

/** The video API of a model table entry (undefined for a model that is not a video model). */
export function videoApiOf(model: ModelSpec | undefined): VideoApi | undefined {
  return model?.kind === 'video' ? model.api : undefined;
}

/**
 * The one place that decides which video API a deployment uses: the client's configured or
 * recognised model, else FALLBACK_VIDEO_API. A deployment of a non-video model also falls back
 * (its requests are then refused by validation with a message naming the model).
 */
export function videoApiFor(client: AzureOpenAIMedia, deployment: string): VideoApi {
  const api = videoApiOf(client.modelFor(deployment));
  if (api) return api;
  client.logger?.info?.(
    `deployment "${deployment}" has no known video model; using the ${FALLBACK_VIDEO_API} API`,
    { deployment, api: FALLBACK_VIDEO_API },
  );
  return FALLBACK_VIDEO_API;
}

export interface VideoCapabilities {
  api: VideoApi;
  model: string;
  sizes: readonly string[];
  /** Allowed lengths in seconds, as numbers (a range for Sora 1 is listed in full). */
  seconds: readonly number[];
  defaultSeconds: number;
  variants: IntRange;
  /** `remix` (a new prompt on a finished video) is available. */
  remix: boolean;
  /**
   * Media (images or videos) can be given to a create, of these types, up to this size each
   * (`maxBytes` is absent when no source states a limit, as for Sora 2).
   */
  media: { readonly max: number; readonly types: readonly string[]; readonly maxBytes?: number };
  /** Media can be placed at any frame and cropped (inpainting). */
  inpaint: boolean;
  /** What each output can be downloaded as. */
  contents: readonly VideoContent[];
  thumbnail: boolean;
  qualities: readonly VideoQuality[];
}

/**
 * Everything a consumer may want to know about a video model before building a form or a request:
 * accepts a model table entry, a model name, or nothing for undefined.
 */
export function videoCapabilities(model: VideoModel | string): VideoCapabilities;
export function videoCapabilities(model: ModelSpec | string | undefined): VideoCapabilities | undefined;
export function videoCapabilities(model: ModelSpec | string | undefined): VideoCapabilities | undefined {
  const spec = typeof model === 'string' ? (getModel(model) ?? recogniseModel(model)) : model;
  if (spec?.kind !== 'video') return undefined;
  const facts = VIDEO_APIS[spec.api];
  const seconds = Array.isArray(spec.seconds)
    ? (spec.seconds as readonly string[]).map(Number)
    : rangeList(spec.seconds as IntRange);
  return {
    api: spec.api,
    model: spec.name,
    sizes: spec.sizes,
    seconds,
    defaultSeconds: spec.defaultSeconds,
    variants: spec.variants,
    remix: operationPath('videos.remix', spec.api) !== undefined,
    media: {
      max: spec.maxReferences ?? facts.maxMedia,
      types: spec.mediaTypes,
      ...(spec.maxMediaBytes !== undefined ? { maxBytes: spec.maxMediaBytes } : {}),
    },
    inpaint: facts.inpaint,
    contents: facts.contents,
    thumbnail: facts.contents.includes('thumbnail'),
    qualities: facts.qualities,
  };
}

/** Whether the deployment's model can remix a finished video. */
export function supportsRemix(model: ModelSpec | string | undefined): boolean {
  return videoCapabilities(model)?.remix ?? false;
}

function rangeList(range: IntRange): number[] {
  const out: number[] = [];
  for (let n = range.min; n <= range.max; n++) out.push(n);
  return out;
}
