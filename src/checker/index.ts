/**
 * faultline's linearizability checker (DESIGN.md "Checker"): Wing & Gong (1993) search with
 * Lowe's (2017) memoization, per key (Horn & Kroening 2015), as Porcupine does it.
 */
export {checkHistory, checkHistoryAsync, checkOperations, merge, DEFAULT_MAX_CACHE_BYTES, DEFAULT_MAX_CACHE_ENTRIES, TIME_SLICE_MS} from './check.js';
export type {CheckOptions} from './check.js';
export {pairOperations} from './operations.js';
export {checkFile, parseInitial} from './file.js';
export type {CheckFileOptions, FileCheckResult} from './file.js';
export {locateByIndex, locateInFile} from './locate.js';
export type {HistorySource, SourcePosition} from './locate.js';
export {partitionByKey} from './partition.js';
export {buildEvidence, formatSeconds} from './evidence.js';
export * from './models/index.js';
export type * from './types.js';
