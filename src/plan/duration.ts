/** Milliseconds. */
export type Milliseconds = number;

const UNIT_MS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000};
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/**
 * Parses a plan duration such as `200ms`, `5s`, `1.5s`, `2m` into milliseconds (rounded to an
 * integer). Returns null when the text is not a duration.
 */
export function parseDuration(text: string): Milliseconds | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

/** Formats milliseconds the way plans write them: `250ms`, `5s`, `1.5s`. */
export function formatDuration(ms: Milliseconds): string {
  if (ms < 1000 || ms % 100 !== 0) return `${ms}ms`;
  return `${ms / 1000}s`;
}
