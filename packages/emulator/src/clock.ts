/**
 * Emulator time. Video jobs, URL expiry and rate-limit windows all read this clock, so a test can
 * move time with `advance(ms)` instead of waiting. The real clock runs at `timeScale` times wall time.
 */

export type ClockMode = 'real' | 'manual';

export interface Clock {
  readonly mode: ClockMode;
  /** Emulator time in epoch milliseconds. */
  now(): number;
  /** Move emulator time forward (both modes). */
  advance(ms: number): void;
}

export function createClock(
  mode: ClockMode,
  options: { timeScale?: number; startTime?: number } = {},
): Clock {
  const wallStart = Date.now();
  const start = options.startTime ?? wallStart;
  const scale = options.timeScale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) {
    throw new RangeError(`timeScale must be a positive number, got ${String(options.timeScale)}`);
  }
  let offset = 0;
  return {
    mode,
    now: mode === 'manual' ? () => start + offset : () => start + (Date.now() - wallStart) * scale + offset,
    advance(ms: number) {
      if (!(ms >= 0) || !Number.isFinite(ms))
        throw new RangeError(`advance(ms) needs a non-negative number of milliseconds, got ${String(ms)}`);
      offset += ms;
    },
  };
}
