import type {Hook} from '@oclif/core';
import chalk from 'chalk';
import {closest, distance} from 'fastest-levenshtein';
import {ExitCode} from '../errors/index.js';

/**
 * oclif's `command_not_found` hook: one line in faultline's error style, naming the commands, and
 * exit 2 (bad input) — instead of oclif's ` ›   Error: command x not found`.
 */
const hook: Hook.CommandNotFound = async function ({id, config}) {
  const commands = config.commands
    .filter((c) => !c.hidden)
    .map((c) => c.id.replaceAll(':', ' '))
    .sort();
  // oclif joins the words it could not resolve (`chek x` → `chek:x`): the command is the first one,
  // or the first two under a topic (`plan frob`).
  const words = id.split(':');
  const topic = commands.some((c) => c.startsWith(`${words[0]} `));
  const name = words.slice(0, topic && words.length > 1 ? 2 : 1).join(' ');
  const near = closest(name, commands);
  const hint = distance(name, near) <= 2 ? `did you mean ${near}? ` : '';
  process.stderr.write(`${chalk.red('error')} unknown command "${name}"; ${hint}the commands are ${commands.join(', ')} (faultline --help)\n`);
  process.exit(ExitCode.badInput);
};

export default hook;
