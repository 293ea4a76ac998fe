import {z} from 'zod';
import {formatDuration, parseDuration} from './duration.js';

/** Field types shared by the plan schema and the nemesis step schema. */

/** The longest duration a plan may give anywhere: timers beyond it would overflow. */
export const MAX_DURATION_MS = 24 * 3_600_000;

/** A duration with a unit (`200ms`, `5s`, `1.5s`, `2m`, `1h`), in milliseconds, within [minMs, 24h]. */
export const durationAtLeast = (minMs: number) =>
  z
    .string({error: 'expected a duration like 5s or 200ms'})
    .meta({pattern: '^[0-9]+(\\.[0-9]+)?(ms|s|m|h)$', description: 'A duration with a unit: 200ms, 5s, 1.5s, 2m, 1h (at most 24h).'})
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === null) {
        ctx.addIssue({code: 'custom', message: `expected a duration like 5s or 200ms, got "${text}"`});
        return z.NEVER;
      }
      if (ms < minMs || ms > MAX_DURATION_MS) {
        ctx.addIssue({code: 'custom', message: `expected a duration from ${formatDuration(minMs)} to 24h, got "${text}"`});
        return z.NEVER;
      }
      return ms;
    });

export const duration = durationAtLeast(0);

/** A duration that may be negative (`-500ms`: behind), in milliseconds, within ±24h. */
export const signedDuration = z
  .string({error: 'expected a duration like 500ms or -2s'})
  .meta({pattern: '^-?[0-9]+(\\.[0-9]+)?(ms|s|m|h)$', description: 'A duration that may be negative: -500ms, 2s.'})
  .transform((text, ctx) => {
    const negative = text.trim().startsWith('-');
    const ms = parseDuration(negative ? text.trim().slice(1) : text);
    if (ms === null || ms > MAX_DURATION_MS) {
      ctx.addIssue({code: 'custom', message: `expected a duration like 500ms or -2s, got "${text}"`});
      return z.NEVER;
    }
    return negative ? -ms : ms;
  });

export const nodeId = z.string().regex(/^n[1-9]$/, 'expected a node id n1 … n7');

