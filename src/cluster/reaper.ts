import {spawn, type ChildProcess} from 'node:child_process';
import path from 'node:path';
import {packageRoot} from './paths.js';

/**
 * The harness's side of the reaper (reaper-main.ts): a detached child that SIGKILLs the node
 * processes still registered when the harness's end of its stdin closes. `close()` after the nodes
 * have been stopped lets it exit with nothing to do.
 */
export class Reaper {
  private readonly child: ChildProcess;

  constructor() {
    this.child = spawn(process.execPath, [path.join(packageRoot(), 'dist', 'src', 'cluster', 'reaper-main.js')], {stdio: ['pipe', 'ignore', 'ignore'], detached: true});
    this.child.on('error', () => undefined);
    this.child.stdin!.on('error', () => undefined);
    // The reaper must not keep the harness alive, nor be waited for.
    this.child.unref();
  }

  /** Registers a node process to kill if the harness dies. */
  watch(pid: number | undefined): void {
    if (pid !== undefined) this.child.stdin!.write(`+${pid}\n`);
  }

  /** Forgets a node process that has exited. */
  forget(pid: number | undefined): void {
    if (pid !== undefined && this.child.stdin!.writable) this.child.stdin!.write(`-${pid}\n`);
  }

  /** Ends the reaper (call once every node has been stopped). */
  close(): void {
    this.child.stdin!.end();
  }
}
