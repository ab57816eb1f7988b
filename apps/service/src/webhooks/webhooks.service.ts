import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue, OnQueueCompleted, OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { CrashPoints } from '../common/crash-points.js';
import type { Job, Queue } from 'bull';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';
import { LOGGER, type Log } from '../common/logger.js';
import {
  checkTarget,
  systemResolve,
  type Resolve,
  type ResolvedAddress,
  type TargetPolicy,
} from './targets.js';
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
  /** How callback hosts are resolved, at create time and at every delivery. */
  resolve: Resolve = withTimeout(systemResolve, 3000);
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

  /**
   * A problem with a callback URL given at create time, or undefined. A host that cannot be resolved
   * right now is accepted: every delivery resolves and checks it again before connecting.
   */
  async checkTarget(url: unknown): Promise<string | undefined> {
    if (!this.enabled) return 'callback_url cannot be used: the service has no WEBHOOK_SECRET configured';
    const checked = await checkTarget(url, this.policy, this.resolve);
    return checked.ok || checked.code === 'unresolved' ? undefined : checked.reason;
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
  /** Deliveries started and not yet recorded by Bull as done or failed. */
  private inFlight = 0;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly log: Log,
    private readonly webhooks: WebhooksService,
    crash: CrashPoints,
  ) {
    // A test crash lands outside a delivery's window between the receiver's 2xx and Bull's record
    // of it (a crash there repeats the delivery, with the same X-AOAI-Webhook-Id).
    crash.settle = async () => {
      for (let i = 0; i < 1000 && this.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 5));
    };
  }

  @OnQueueCompleted()
  delivered(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  @OnQueueFailed()
  notDelivered(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  @Process({ name: 'deliver', concurrency: 8 })
  async deliver(job: Job<WebhookJob>): Promise<{ status: number }> {
    this.inFlight++;
    const { url, payload, deliveryId, event } = job.data;
    // Checked again now, on every address the host has now: the connection goes to these only.
    const target = await checkTarget(url, this.webhooks.policy, this.webhooks.resolve);
    if (!target.ok) {
      if (target.code !== 'unresolved') await job.discard();
      this.log.warn({ deliveryId, reason: target.reason }, 'webhook target refused');
      throw new Error(target.reason);
    }
    const secret = this.config.webhooks.secret;
    if (!secret) {
      await job.discard();
      throw new Error('no WEBHOOK_SECRET configured');
    }
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const status = await post(
      target.url,
      target.addresses,
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
    ).catch(async (e: Error & { code?: string }) => {
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

/**
 * POST to the target, connecting only to the addresses that were checked (the name is not looked
 * up again, so DNS cannot answer differently in between). A redirect is an answer like any other
 * non-2xx: it is never followed.
 */
function post(
  target: URL,
  addresses: ResolvedAddress[],
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const pinned = (
      _host: string,
      options: { all?: boolean },
      callback: (err: Error | null, address: string | ResolvedAddress[], family?: number) => void,
    ) => {
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    };
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinned as never,
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

/** A resolver that gives up after `ms` (the name then counts as unresolved for now). */
function withTimeout(resolve: Resolve, ms: number): Resolve {
  return (host) =>
    new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), ms);
      resolve(host).then(
        (a) => {
          clearTimeout(timer);
          ok(a);
        },
        (e: unknown) => {
          clearTimeout(timer);
          fail(e);
        },
      );
    });
}
