import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue, Process, Processor } from '@nestjs/bull';
import type { Job, Queue } from 'bull';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { LOGGER, type Log } from '../common/logger.js';
import { checkCallbackUrl, guardedLookup, type TargetPolicy } from './targets.js';
import { EVENT_HEADER, ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from './signing.js';

export const WEBHOOK_QUEUE = 'webhooks';

export interface WebhookJob {
  deliveryId: string;
  url: string;
  event: string;
  tenant: string;
  payload: Record<string, unknown>;
}

/** Queues signed callbacks; retried with exponential back-off by Bull. */
@Injectable()
export class WebhooksService {
  readonly policy: TargetPolicy;
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @InjectQueue(WEBHOOK_QUEUE) private readonly queue: Queue<WebhookJob>,
  ) {
    this.policy = {
      allowLoopback: config.webhooks.allowLoopback,
      allowPrivate: config.webhooks.allowPrivate,
    };
  }

  get enabled(): boolean {
    return this.config.webhooks.secret !== undefined;
  }

  /** A problem with a callback URL given at create time, or undefined. */
  checkTarget(url: unknown): string | undefined {
    if (!this.enabled) return 'callback_url cannot be used: the service has no WEBHOOK_SECRET configured';
    return checkCallbackUrl(url, this.policy);
  }

  /**
   * Queue one delivery per job and terminal event. The Bull job id is derived from both, so a worker
   * that repeats the last step after a crash does not send the callback twice.
   */
  async enqueue(
    jobId: string,
    tenant: string,
    url: string,
    event: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const deliveryId = `${jobId}.${event}`;
    await this.queue.add(
      'deliver',
      {
        deliveryId,
        url,
        event,
        tenant,
        payload: { id: randomUUID(), type: event, created_at: Math.floor(Date.now() / 1000), data },
      },
      {
        jobId: deliveryId,
        attempts: this.config.webhooks.maxAttempts,
        backoff: { type: 'exponential', delay: this.config.webhooks.backoffMs },
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    );
  }
}

@Processor(WEBHOOK_QUEUE)
export class WebhookProcessor {
  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly log: Log,
    private readonly webhooks: WebhooksService,
  ) {}

  @Process({ name: 'deliver', concurrency: 8 })
  async deliver(job: Job<WebhookJob>): Promise<{ status: number }> {
    const { url, payload, deliveryId, event } = job.data;
    const refused = checkCallbackUrl(url, this.webhooks.policy);
    if (refused) {
      await job.discard();
      throw new Error(refused);
    }
    const secret = this.config.webhooks.secret;
    if (!secret) {
      await job.discard();
      throw new Error('no WEBHOOK_SECRET configured');
    }
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const status = await post(
      url,
      body,
      {
        'content-type': 'application/json',
        'user-agent': 'aoai-media-webhooks/1',
        [ID_HEADER]: deliveryId,
        [EVENT_HEADER]: event,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: sign(secret, timestamp, body),
      },
      this.config.webhooks.timeoutMs,
      this.webhooks.policy,
    ).catch(async (e: Error & { code?: string }) => {
      if (e.code === 'ETARGETREFUSED') await job.discard();
      this.log.warn(
        { deliveryId, attempt: job.attemptsMade + 1, error: e.message },
        'webhook delivery failed',
      );
      throw e;
    });
    if (status >= 200 && status < 300) {
      this.log.info({ deliveryId, status, attempt: job.attemptsMade + 1 }, 'webhook delivered');
      return { status };
    }
    if (status === 410) {
      await job.discard(); // the receiver says the endpoint is gone for good
    }
    this.log.warn({ deliveryId, status, attempt: job.attemptsMade + 1 }, 'webhook answered with an error');
    throw new Error(`callback answered HTTP ${status}`);
  }
}

function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  policy: TargetPolicy,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(policy) as never,
        timeout: timeoutMs,
      },
      (res) => {
        res.resume(); // the answer's body does not matter; drain it
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`callback timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
