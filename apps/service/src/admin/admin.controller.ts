import { Controller, Get, Inject, Param } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bull';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Queue } from 'bull';
import { AdminOnly } from '../auth/guards.js';
import { ApiError } from '../common/api-error.js';
import { REQUEST_STORE, type JobStore } from '../jobs/job-store.js';
import { VIDEO_CREATE_QUEUE, VIDEO_TRACK_QUEUE } from '../jobs/queues.js';
import { WEBHOOK_QUEUE } from '../webhooks/webhooks.service.js';

/** Operations views behind the admin key; Bull Board lives beside them at /admin/queues. */
@ApiTags('admin')
@ApiSecurity('api-key')
@AdminOnly()
@Controller('admin')
export class AdminController {
  constructor(
    @Inject(REQUEST_STORE) private readonly store: JobStore,
    @InjectQueue(VIDEO_CREATE_QUEUE) private readonly create: Queue,
    @InjectQueue(VIDEO_TRACK_QUEUE) private readonly track: Queue,
    @InjectQueue(WEBHOOK_QUEUE) private readonly webhooks: Queue,
  ) {}

  @Get('stats')
  @ApiOperation({ summary: 'Queue counts and upstream call counters' })
  async stats() {
    const [create, track, webhooks, counters] = await Promise.all([
      this.create.getJobCounts(),
      this.track.getJobCounts(),
      this.webhooks.getJobCounts(),
      this.store.counters(),
    ]);
    return { queues: { videoCreate: create, videoTrack: track, webhooks }, counters };
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'A job record as stored, whatever its tenant (includes the upstream id)' })
  async job(@Param('id') id: string) {
    const record = await this.store.get(id);
    if (!record) throw ApiError.notFound(`no job ${JSON.stringify(id.slice(0, 80))}`);
    const describe = async (queue: Queue) => {
      const job = await queue.getJob(id);
      return job ? { state: await job.getState(), data: job.data, attemptsMade: job.attemptsMade } : null;
    };
    return { record, queues: { create: await describe(this.create), track: await describe(this.track) } };
  }
}
