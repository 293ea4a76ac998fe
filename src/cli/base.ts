import {Command, Errors} from '@oclif/core';
import chalk from 'chalk';
import {ExitCode, FaultlineError} from '../errors/index.js';

/**
 * Base of faultline's commands: one place that turns errors into one line on stderr and an exit
 * code (STYLE "For faultline" 10). A FaultlineError prints its message; anything else is a
 * harness failure (exit 3) shown as one line, with the stack only when DEBUG is set.
 */
export abstract class FaultlineCommand extends Command {
  /** One warning line on stderr: something went wrong that does not change the outcome. */
  protected readonly warnLine = (line: string): void => {
    process.stderr.write(`${chalk.yellow('warning')} ${line}\n`);
  };

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error;
    if (error instanceof FaultlineError) {
      process.stderr.write(`${chalk.red('error')} ${error.message}\n`);
      return this.exit(error.exitCode);
    }
    // oclif's own parse errors (bad flags, missing args) are bad input.
    if (error instanceof Errors.CLIError && error.oclif?.exit !== undefined) {
      // oclif's parse errors span several lines ("Parsing --seed \n\tExpected an integer …\nSee more help with --help"): make them one.
      const line = error.message
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('See more help'))
        .join(' ')
        .replace(/^Parsing (--\S+) Expected/, '$1: expected');
      process.stderr.write(`${chalk.red('error')} ${line} (see --help)\n`);
      return this.exit(error.oclif.exit === 1 || error.oclif.exit === undefined ? ExitCode.badInput : error.oclif.exit);
    }
    process.stderr.write(`${chalk.red('error')} faultline failed: ${error.message}\n`);
    if (process.env.DEBUG) process.stderr.write(`${error.stack}\n`);
    return this.exit(ExitCode.inconclusive);
  }
}
