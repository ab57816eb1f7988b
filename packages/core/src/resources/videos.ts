/**
 * Video: Sora 1 jobs and their generations (`client.videos.jobs`, `client.videos.generations`),
 * and Sora 2 videos on `client.videos` itself. One `wait` implementation serves both.
 */
import type { AzureOpenAIMedia } from '../client.js';
import { Sora2Videos } from './sora2.js';
import { VideoGenerations } from './video-generations.js';
import { VideoJobs } from './video-jobs.js';

export * from './video-jobs.js';
export * from './video-generations.js';
export * from './sora2.js';
/** Turns a failed job into its error (JobFailedError, or ContentFilterError for moderation). */
export { jobFailure } from './video-common.js';
export type { Download } from '../download.js';
export type { WaitOptions } from '../polling.js';

export class Videos extends Sora2Videos {
  readonly jobs: VideoJobs;
  readonly generations: VideoGenerations;

  constructor(client: AzureOpenAIMedia) {
    super(client);
    this.jobs = new VideoJobs(client);
    this.generations = new VideoGenerations(client);
  }
}
