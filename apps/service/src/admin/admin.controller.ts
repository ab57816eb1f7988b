import { Controller, Get, Param } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bull';
import { AdminOnly } from '../auth/guards.js';
import { ApiError } from '../common/api-error.js';
import { JobStore } from '../jobs/job-store.js';
import { VIDEO_QUEUE } from '../jobs/video.worker.js';
import { WEBHOOK_QUEUE } from '../webhooks/webhooks.service.js';

/** Operations views behind the admin key; Bull Board lives beside them at /admin/queues. */
@ApiTags('admin')
@ApiSecurity('api-key')
@AdminOnly()
@Controller('admin')
export class AdminController {
  constructor(
    private readonly store: JobStore,
    @InjectQueue(VIDEO_QUEUE) private readonly video: Queue,
    @InjectQueue(WEBHOOK_QUEUE) private readonly webhooks: Queue,
  ) {}

  @Get('stats')
  @ApiOperation({ summary: 'Queue counts and upstream call counters' })
  async stats() {
    const [video, webhooks, counters] = await Promise.all([
      this.video.getJobCounts(),
      this.webhooks.getJobCounts(),
      this.store.counters(),
    ]);
    return { queues: { video, webhooks }, counters };
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'A job record as stored, whatever its tenant (includes the upstream id)' })
  async job(@Param('id') id: string) {
    const record = await this.store.get(id);
    if (!record) throw ApiError.notFound(`no job ${JSON.stringify(id.slice(0, 80))}`);
    const queued = await this.video.getJob(id);
    return {
      record,
      queue: queued
        ? { state: await queued.getState(), data: queued.data, attemptsMade: queued.attemptsMade }
        : null,
    };
  }
}
