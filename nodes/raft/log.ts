/**
 * The Raft log (§5.3): entries with consecutive indexes from 1, each stamped with the term of the
 * leader that created it. Index 0 is a virtual entry of term 0 so that prevLogIndex 0 always matches.
 * No compaction: the whole log stays in memory.
 */
import type {EntryCommand} from '../common/kv.js';

export type {EntryCommand};

/** One log entry. */
export interface LogEntry {
  /** Position in the log, from 1. */
  index: number;
  /** Term of the leader that appended it. */
  term: number;
  command: EntryCommand;
}

/** Invariant: `entries[i].index === i + 1`. */
export type RaftLog = LogEntry[];

/** Index of the last entry, 0 for an empty log. */
export function lastIndex(log: RaftLog): number {
  return log.length;
}

/** Term of the last entry, 0 for an empty log. */
export function lastTerm(log: RaftLog): number {
  return log.length === 0 ? 0 : log[log.length - 1].term;
}

/** Term of the entry at `index`: 0 for index 0, undefined if the log is shorter. */
export function termAt(log: RaftLog, index: number): number | undefined {
  if (index === 0) return 0;
  return log[index - 1]?.term;
}

/** The entry at `index` (from 1). */
export function entryAt(log: RaftLog, index: number): LogEntry | undefined {
  return log[index - 1];
}

/** Up to `max` entries starting at index `from` (from 1). */
export function entriesFrom(log: RaftLog, from: number, max: number): LogEntry[] {
  return log.slice(from - 1, from - 1 + max);
}

/** Removes the entries at `from` and after. */
export function truncateFrom(log: RaftLog, from: number): void {
  log.length = Math.max(0, from - 1);
}

/** The first index of the run of entries with term `term` that contains `index` (conflict hint, §5.3). */
export function firstIndexOfTermAt(log: RaftLog, index: number): number {
  const term = termAt(log, index);
  let i = index;
  while (i > 1 && termAt(log, i - 1) === term) i--;
  return i;
}

/**
 * The up-to-date check of RequestVote (§5.4.1): a candidate's log is at least as up-to-date as
 * ours if its last term is higher, or equal with a last index at least as high.
 */
export function isUpToDate(log: RaftLog, candidateLastIndex: number, candidateLastTerm: number): boolean {
  const myTerm = lastTerm(log);
  return candidateLastTerm > myTerm || (candidateLastTerm === myTerm && candidateLastIndex >= lastIndex(log));
}
