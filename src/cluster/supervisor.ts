import type {ResultPromise} from 'execa';

/**
 * How long a process gets to exit after SIGTERM before it is sent SIGKILL, in ms. Our nodes
 * close two listeners and exit at once; 2 s leaves room for a loaded machine (vitest's forks pool
 * uses a similar grace before escalating).
 */
export const GRACE_BEFORE_SIGKILL_MS = 2000;

type Child = ResultPromise<{stdin: 'pipe'}>;

const children = new Set<Child>();
let hooked = false;

/** SIGKILLs every tracked child at once (synchronous, safe in an `exit` handler). */
export function killAllChildren(): void {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}

function hookProcessExit(): void {
  if (hooked) return;
  hooked = true;
  // Last resort: whatever path ends this process, no child outlives it. Children also hold a
  // stdin pipe from us and exit when it closes, which covers SIGKILL of this process.
  process.on('exit', killAllChildren);
}

/**
 * Tracks a spawned child so that it is killed when this process exits, and forgotten once it has
 * exited by itself. Every process faultline starts goes through here.
 */
export function track<T extends Child>(child: T): T {
  hookProcessExit();
  children.add(child);
  const forget = () => children.delete(child);
  child.then(forget, forget);
  return child;
}

/**
 * Stops a child: SIGTERM, wait up to `graceMs`, then SIGKILL; resolves once it has exited.
 */
export async function stopChild(child: Child, graceMs: number = GRACE_BEFORE_SIGKILL_MS): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await child;
  } catch {
    // exit by signal is expected here
  } finally {
    clearTimeout(timer);
  }
}
