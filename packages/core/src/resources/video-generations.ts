/**
 * Sora 1 generations (raw API): the videos a job produced, `/openai/v1/video/generations/{id}` and its content.
 * Content is streamed: a 1080p video is tens of megabytes and should go straight to a file or upload.
 */
import type { AzureOpenAIMedia, CallOptions } from '../client.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { downloadFrom, normaliseType, type Download } from '../download.js';
import { checkId } from './video-common.js';
import { VIDEO_APIS, type VideoQuality } from '../video/capabilities.js';
import type { VideoGeneration } from './video-jobs.js';

const QUALITIES: readonly VideoQuality[] = VIDEO_APIS.jobs.qualities;

export interface ContentOptions extends CallOptions {
  /** `high` (default) or `low`, a smaller rendition. */
  quality?: VideoQuality;
}

const PATH = 'video/generations';

export class VideoGenerations {
  constructor(protected readonly client: AzureOpenAIMedia) {}

  async get(generationId: string, options: CallOptions = {}): Promise<VideoGeneration> {
    checkId('generationId', generationId);
    return this.client.requestJson<VideoGeneration>({
      ...options,
      operation: 'videos.generations.retrieve',
      method: 'GET',
      route: 'v1',
      path: `${PATH}/${encodeURIComponent(generationId)}`,
    });
  }

  /** The JPEG thumbnail, as bytes (it is small). */
  async thumbnail(
    generationId: string,
    options: CallOptions = {},
  ): Promise<{ bytes: Uint8Array; contentType: string }> {
    checkId('generationId', generationId);
    const { bytes, contentType } = await this.client.requestBytes({
      ...options,
      operation: 'videos.downloadContent',
      method: 'GET',
      route: 'v1',
      path: `${PATH}/${encodeURIComponent(generationId)}/content/thumbnail`,
      headers: { accept: 'image/*' },
    });
    return { bytes, contentType: normaliseType(contentType ?? null) ?? 'image/jpeg' };
  }

  /**
   * The MP4 as a stream, with its length and type. The call's timeout covers getting the answer;
   * the body then flows at the reader's pace, and the call's signal still cancels it.
   */
  async content(generationId: string, options: ContentOptions = {}): Promise<Download> {
    checkId('generationId', generationId);
    const { quality, ...call } = options;
    checkQuality(quality);
    const response = await this.client.request({
      ...call,
      operation: 'videos.downloadContent',
      method: 'GET',
      route: 'v1',
      path: `${PATH}/${encodeURIComponent(generationId)}/content/video`,
      query: { quality },
      headers: { accept: 'video/mp4' },
      download: true,
    });
    return downloadFrom(response, 'video/mp4', call.signal);
  }

  /** Whether the content can be downloaded yet, and its size. */
  async head(
    generationId: string,
    options: ContentOptions = {},
  ): Promise<{ ready: boolean; contentLength?: number }> {
    checkId('generationId', generationId);
    const { quality, ...call } = options;
    checkQuality(quality);
    try {
      const response = await this.client.request({
        ...call,
        operation: 'videos.contentHead',
        method: 'HEAD',
        route: 'v1',
        path: `${PATH}/${encodeURIComponent(generationId)}/content/video`,
        query: { quality },
      });
      await response.body?.cancel();
      const length = Number(response.headers.get('content-length'));
      return response.headers.has('content-length') && Number.isFinite(length)
        ? { ready: true, contentLength: length }
        : { ready: true };
    } catch (error) {
      if (error instanceof NotFoundError) return { ready: false };
      throw error;
    }
  }
}

function checkQuality(quality: unknown): void {
  if (quality !== undefined && !QUALITIES.includes(quality as VideoQuality)) {
    throw new ValidationError([
      {
        path: 'quality',
        code: 'not_allowed',
        message: `quality ${JSON.stringify(quality)} is not supported; use high or low`,
        allowed: QUALITIES,
      },
    ]);
  }
}
