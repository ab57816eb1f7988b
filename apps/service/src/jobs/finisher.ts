import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { Admission } from './admission.js';
import { JobStore } from './job-store.js';
import { SURFACES, type JobRecord, type JobStatus } from './job-record.js';
import { Progress } from './progress.js';
import { VideoUpstream } from './video-upstream.js';

/** How a video job ends: finished (called back, stored as terminal) or deleted while it ran. */
@Injectable()
export class Finisher {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    private readonly store: JobStore,
    private readonly admission: Admission,
    private readonly progress: Progress,
    private readonly upstream: VideoUpstream,
    private readonly webhooks: WebhooksService,
  ) {}

  /**
   * Queue the callback first, then mark terminal, then give the slot back: a crash in between
   * repeats the (deduplicated) enqueue, and a slot kept by a finished job is taken back by repair.
   */
  async finish(
    record: JobRecord,
    status: JobStatus,
    reason?: string,
    message?: string,
    { upstreamStatus, polls = 0 }: { upstreamStatus?: string; polls?: number } = {},
  ): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const done: JobRecord = {
      ...record,
      ...(upstreamStatus ? { upstream_status: upstreamStatus } : {}),
      status,
      finished_at: now,
      expires_at: now + this.config.storage.retentionHours * 3600,
      failure_reason: status === 'succeeded' ? null : (reason ?? 'failed'),
      ...(message && status !== 'succeeded' ? { error_message: message } : {}),
    };
    delete done.intent;
    if (done.callback_url) {
      // Deleted meanwhile: no callback for a job that no longer exists.
      if (!(await this.store.get(record.id))) {
        await this.removed(record.deployment, record.id, done);
        return;
      }
      const surface = SURFACES[done.api];
      await this.webhooks.enqueue(
        done.id,
        done.tenant,
        done.callback_url,
        surface.event(status),
        surface.present(done),
      );
    }
    // Stored, slot given back and polls counted in one step; the next job is admitted if one waits.
    const outcome = await this.store.finish(done, polls);
    await this.progress.note();
    if (outcome === 'deleted') await this.removed(record.deployment, record.id, done);
    else if (outcome.waiting) this.admission.kick();
  }

  /** The job was deleted while it ran: give its slot back, remove Azure's copy and our files. */
  async removed(deployment: string, jobId: string, record?: JobRecord): Promise<string> {
    await this.admission.release(deployment, jobId);
    if (record) {
      await this.upstream.remove(record).catch(() => undefined);
      await this.storage.removePrefix(`${record.tenant}/${record.id}`).catch(() => undefined);
    }
    return 'deleted';
  }
}
