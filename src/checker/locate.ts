import type {CheckableEvent, EventLocator} from './types.js';

/**
 * The default `EventLocator`, for histories that did not come from a file: `history event 12`
 * (the event's `index`).
 */
export const locateByIndex: EventLocator = (event: CheckableEvent) => `history event ${event.index}`;

/**
 * An `EventLocator` for a history read from `file`: `file:line:column` of each event, from the
 * positions an importer recorded (1-based, indexed by the event's `index`).
 */
export function locateInFile(file: string, positions: readonly SourcePosition[]): EventLocator {
  return (event) => {
    const at = positions[event.index];
    return at === undefined ? `${file}: history event ${event.index}` : `${file}:${at.line}:${at.column}`;
  };
}

/** Where an event starts in its file. Both 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * Where a history came from, so that errors and evidence can point into the file.
 * Invariant: `positions[i]` is where the event with `index` i starts.
 */
export interface HistorySource {
  file: string;
  positions: readonly SourcePosition[];
  /**
   * Whether event `time`s are a clock (nanoseconds). False for formats without one (Porcupine's
   * logs, EDN without `:time`), whose times are only an order: evidence then omits them.
   */
  timed: boolean;
}
