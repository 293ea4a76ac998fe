import type {RunClock} from '../history/clock.js';
import type {JsonlWriter} from '../history/jsonl.js';
import type {EventType, HistoryEvent, OpFunction} from '../history/types.js';

/**
 * Records the history as it happens: every event gets the next index and the run clock's time,
 * is appended to history.jsonl at once, and is kept in memory for the checker.
 */
export class HistoryRecorder {
  readonly events: HistoryEvent[] = [];

  /** @param onEvent called with each event after it is written (e.g. for a status line). */
  constructor(
    private readonly clock: RunClock,
    private readonly writer: JsonlWriter<HistoryEvent>,
    private readonly onEvent: (event: HistoryEvent) => void = () => {},
  ) {}

  /** Records an `invoke` and returns it. */
  invoke(process: number, f: OpFunction, key: string, value: unknown): HistoryEvent {
    return this.add({index: this.events.length, process, type: 'invoke', f, key, value, time: this.clock.now()});
  }

  /** Records the completion of `invoke`: `ok`, `fail` or `info`. */
  complete(invoke: HistoryEvent, type: Exclude<EventType, 'invoke'>, value: unknown, detail: {node?: string; error?: string} = {}): HistoryEvent {
    return this.add({index: this.events.length, process: invoke.process, type, f: invoke.f, key: invoke.key, value, time: this.clock.now(), ...detail});
  }

  private add(event: HistoryEvent): HistoryEvent {
    this.events.push(event);
    this.writer.append(event);
    this.onEvent(event);
    return event;
  }
}
