import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { HealthReport } from '../common/exception.filter.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/guards.js';
import { REQUEST_STORE, type JobStore } from '../jobs/job-store.js';
import { Progress } from '../jobs/progress.js';
import { MEDIA_STORAGE, type MediaStorage } from '../storage/storage.js';
import { UpstreamService } from '../upstream/upstream.service.js';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';

/**
 * Liveness (the process answers) and readiness: Redis, storage and Azure usable, and, where this
 * process runs workers, the video queue moving. An API-only instance is not taken out of the load
 * balancer because a worker elsewhere is stuck: it can still take requests, which wait their turn.
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(REQUEST_STORE) private readonly store: JobStore,
    private readonly progress: Progress,
    private readonly upstream: UpstreamService,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
  ) {}

  @Get(['', 'ready'])
  @ApiOperation({
    summary:
      'Readiness: Redis, storage and Azure reachable, and the video queue moving where this instance runs workers (503 when one is not)',
  })
  async ready() {
    try {
      return await this.health.check([
        () => this.redis(),
        () => this.storageCheck(),
        () => this.azure(),
        ...(this.config.role === 'api' ? [] : [() => this.queue()]),
      ]);
    } catch (e) {
      // Terminus reports a failed check as a 503 carrying the whole report: keep it for monitors.
      const report = e instanceof HttpException ? e.getResponse() : undefined;
      if (report && typeof report === 'object') throw new HealthReport(report as Record<string, unknown>);
      throw e;
    }
  }

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up' })
  live() {
    return { status: 'ok' };
  }

  private async redis() {
    const check = this.indicators.check('redis');
    try {
      const pong = await Promise.race([
        this.store.ping(),
        new Promise<string>((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000).unref()),
      ]);
      return pong === 'PONG' ? check.up() : check.down({ message: 'unexpected answer' });
    } catch (e) {
      return check.down({ message: (e as Error).message });
    }
  }

  /** Down when jobs are waiting and none has moved for QUEUE_STALL_MS. */
  private async queue() {
    const check = this.indicators.check('videoQueue');
    try {
      const health = await Promise.race([
        this.progress.health(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000).unref()),
      ]);
      const details = { work: health.work, sinceProgressMs: health.sinceProgressMs };
      return health.ok
        ? check.up(details)
        : check.down({
            ...details,
            message: `${health.work} jobs waiting and none has moved for ${health.sinceProgressMs} ms`,
          });
    } catch (e) {
      return check.down({ message: (e as Error).message });
    }
  }

  private async storageCheck() {
    const check = this.indicators.check('storage');
    try {
      await this.storage.probe();
      return check.up();
    } catch (e) {
      return check.down({ message: (e as Error).message });
    }
  }

  private async azure() {
    const check = this.indicators.check('upstream');
    const result = await this.upstream.reachable();
    return result.ok
      ? check.up({ httpStatus: result.status ?? 0 })
      : check.down({ message: result.error ?? 'unreachable' });
  }
}
