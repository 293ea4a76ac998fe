import type {Hook} from '@oclif/core';
import chalk from 'chalk';
import {ExitCode} from '../errors/index.js';

/**
 * oclif's `command_not_found` hook: one line in faultline's error style, naming the commands, and
 * exit 2 (bad input) — instead of oclif's ` ›   Error: command x not found`.
 */
const hook: Hook.CommandNotFound = async function ({id, config}) {
  const commands = config.commands
    .filter((c) => !c.hidden)
    .map((c) => c.id.replaceAll(':', ' '))
    .sort()
    .join(', ');
  process.stderr.write(`${chalk.red('error')} unknown command "${id.replaceAll(':', ' ')}"; the commands are ${commands} (faultline --help)\n`);
  process.exit(ExitCode.badInput);
};

export default hook;
