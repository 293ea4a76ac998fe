import type {Nanoseconds} from './types.js';

/**
 * The run's monotonic clock: integer nanoseconds since the run started (`process.hrtime`), the
 * time base of history.jsonl and nemesis.jsonl.
 */
export class RunClock {
  private readonly origin = process.hrtime.bigint();
  /** Wall-clock start, for reports (ms since the epoch). */
  readonly startedAtMs = Date.now();

  now(): Nanoseconds {
    return Number(process.hrtime.bigint() - this.origin);
  }
}

/** Resolves after `ms` milliseconds, or at once when `signal` aborts. Never rejects. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, {once: true});
  });
}
