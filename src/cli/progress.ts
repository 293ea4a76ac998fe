import cliProgress from 'cli-progress';
import type {RunStatus} from '../runner/status.js';

/** Shows a run's progress: a live status line on a terminal, nothing extra elsewhere. */
export interface ProgressDisplay {
  update(status: RunStatus): void;
  /** Writes a log line above the status line (or plainly, without a terminal). */
  log(line: string): void;
  stop(): void;
}

function describe(s: RunStatus): Record<string, string | number> {
  return {
    phase: s.phase.padEnd(8),
    elapsed: (s.elapsedMs / 1000).toFixed(0),
    totalS: (s.totalMs / 1000).toFixed(0),
    ok: s.ok,
    fail: s.fail,
    info: s.info,
    rate: s.okPerSec,
    faults: s.faults.length > 0 ? s.faults.join('; ') : 'no faults',
  };
}

/**
 * A live status line (cli-progress) when stderr is a terminal with a width and CI is not set:
 * phase, elapsed / total seconds, ok / fail / info counts, ok/s and the active faults. Otherwise
 * plain timestamped lines only (the runner's log), which read well in CI logs.
 */
export function progressDisplay(write: (line: string) => void): ProgressDisplay {
  const tty = process.stderr.isTTY && (process.stderr.columns ?? 0) > 0 && !process.env.CI;
  if (!tty) return {update: () => {}, log: write, stop: () => {}};
  const bars = new cliProgress.MultiBar(
    {
      format: '{phase} {bar} {elapsed}/{totalS} s | ok {ok} fail {fail} info {info} | {rate} ok/s | {faults}',
      barsize: 20,
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
      linewrap: false,
      fps: 4,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | null = null;
  return {
    update(status) {
      const payload = describe(status);
      if (!bar) bar = bars.create(status.totalMs, status.elapsedMs, payload);
      else bar.update(status.elapsedMs, payload);
    },
    log(line) {
      // MultiBar.log prints above the bars and redraws them; it wants the newline included.
      if (bar) bars.log(line + '\n');
      else write(line);
    },
    stop() {
      if (!bar) return;
      bars.update(); // flush lines logged since the last redraw
      bars.stop();
    },
  };
}
