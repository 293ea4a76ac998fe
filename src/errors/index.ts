import {Errors} from '@oclif/core';

/**
 * Exit codes of every faultline command (DESIGN.md "Run directory"):
 * 0 every check passed; 1 a check failed; 2 bad input (plan, flags, files);
 * 3 inconclusive (the checker gave up, or the cluster never became ready, or the harness failed).
 */
export const ExitCode = {
  ok: 0,
  checkFailed: 1,
  badInput: 2,
  inconclusive: 3,
} as const;

/**
 * Base of the errors that reach the user. Each carries a stable `code` and the exit code it maps
 * to; its message is one line saying what happened and where.
 */
export class FaultlineError extends Errors.CLIError {
  constructor(
    message: string,
    readonly code: string,
    readonly exitCode: number,
  ) {
    super(message, {code, exit: exitCode});
    this.name = new.target.name;
  }
}

/** A plan that cannot be used. Message: `file:line:col: field.path: what is wrong`. Exit 2. */
export class PlanError extends FaultlineError {
  constructor(message: string) {
    super(message, 'FAULTLINE_PLAN_INVALID', ExitCode.badInput);
  }
}

/** A bad flag value or an unreadable input file or run directory. Exit 2. */
export class InputError extends FaultlineError {
  constructor(message: string) {
    super(message, 'FAULTLINE_INPUT_INVALID', ExitCode.badInput);
  }
}

/** A history file that cannot be read. Message: `file:line: what is wrong`. Exit 2. */
export class HistoryFormatError extends FaultlineError {
  constructor(message: string) {
    super(message, 'FAULTLINE_HISTORY_INVALID', ExitCode.badInput);
  }
}

/**
 * A cluster that could not be started or never became ready: names the node, its exit status or
 * signal and its log path. Exit 3.
 */
export class ClusterError extends FaultlineError {
  constructor(message: string) {
    super(message, 'FAULTLINE_CLUSTER', ExitCode.inconclusive);
  }
}

/** The user interrupted a run (SIGINT/SIGTERM) before anything could be checked. Exit 3. */
export class InterruptedError extends FaultlineError {
  constructor(message: string) {
    super(message, 'FAULTLINE_INTERRUPTED', ExitCode.inconclusive);
  }
}

/** Words for the file-system errors a user meets (ENOENT → `no such file`); other codes as they are. */
const FS_ERROR_WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
};

/**
 * Why a file could not be read, in words, from a Node file-system error: `no such file (ENOENT)`.
 * @param error what `readFile` threw.
 */
export function fsErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error instanceof Error ? error.message : String(error);
  return FS_ERROR_WORDS[code] ? `${FS_ERROR_WORDS[code]} (${code})` : code;
}
