/**
 * Named moments in a video job where the crash tests stop the process, so that each kill lands at
 * exactly the moment it names instead of wherever a timer happens to fire. Off unless the test-only
 * AOAI_TEST_CRASH_AT=<point>:<n>[:<signal>] is set: the n-th time the process reaches <point> it
 * sends itself <signal> (SIGKILL by default) and goes no further.
 *
 * Points: `create:before-send` (the intent is stored, nothing sent), `create:answered` (Azure
 * answered the create, its id not yet stored), `poll` (a poll answered), `download` (the first
 * bytes of a file are stored). With AOAI_TEST_CRASH_ARM=<file>, only moments reached while that
 * file exists count, so a test can finish setting up before the countdown starts.
 */
import { existsSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG } from '../config/config.module.js';
import type { ServiceConfig } from '../config/config.js';

export type CrashPoint = 'create:before-send' | 'create:answered' | 'poll' | 'download';

@Injectable()
export class CrashPoints {
  private readonly point: string | undefined;
  private readonly n: number = 1;
  private readonly signal: NodeJS.Signals = 'SIGKILL';
  private reached = 0;
  private readonly armFile: string | undefined;
  /** Waits until no webhook delivery is between the receiver's answer and its record (see webhooks). */
  settle: () => Promise<void> = async () => undefined;

  constructor(@Inject(SERVICE_CONFIG) config: ServiceConfig) {
    const m = /^(.+?)(?::(\d+))?(?::(SIGKILL|SIGTERM))?$/.exec(config.testCrashAt ?? '');
    if (!m) return;
    this.point = m[1];
    this.n = Number(m[2] ?? 1);
    this.signal = (m[3] as NodeJS.Signals | undefined) ?? 'SIGKILL';
    this.armFile = config.testCrashArm;
  }

  /**
   * Reached `point`. When it is the chosen moment the process signals itself; with SIGTERM this
   * waits for the shutdown to abort `stopping` (and rejects), so the job goes no further either.
   */
  async at(point: CrashPoint, stopping: AbortSignal): Promise<void> {
    if (point !== this.point || (this.armFile && !existsSync(this.armFile))) return;
    if (++this.reached !== this.n) return;
    await this.settle();
    process.stdout.write(`${JSON.stringify({ msg: 'crash point', point, signal: this.signal })}\n`);
    process.kill(process.pid, this.signal);
    await new Promise<never>((_, reject) => {
      if (stopping.aborted) reject(stopping.reason);
      stopping.addEventListener('abort', () => reject(stopping.reason), { once: true });
    });
  }
}
