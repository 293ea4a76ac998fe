import {readdirSync, readFileSync} from 'node:fs';
import path from 'node:path';

/** One node log line, with its time in seconds since the run started when the line carries a timestamp. */
export interface LogLine {
  node: string;
  /** 1-based line number in nodes/<node>.log. */
  line: number;
  timeS: number | null;
  text: string;
}

/** Node log lines start with an ISO 8601 UTC timestamp (docs/protocol.md "Logging"). */
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) /;

/** The nodes that have a log in RUN_DIR/nodes (`n1` for nodes/n1.log), sorted; none if the folder is missing. */
export function logNodes(runDir: string): string[] {
  try {
    return readdirSync(path.join(runDir, 'nodes'))
      .filter((f) => f.endsWith('.log'))
      .map((f) => f.replace(/\.log$/, ''))
      .sort();
  } catch {
    return [];
  }
}

/**
 * The lines of every node log within `windowS` seconds of `atS` (run time), or, for lines without
 * timestamps, none. `startedAtMs` is the run's wall-clock start. At most `maxPerNode` per node.
 */
export function logLinesAround(runDir: string, startedAtMs: number, atS: number, windowS: number, maxPerNode = 60): LogLine[] {
  const out: LogLine[] = [];
  for (const node of logNodes(runDir)) {
    const lines = readFileSync(path.join(runDir, 'nodes', `${node}.log`), 'utf8').split('\n');
    const near: LogLine[] = [];
    lines.forEach((text, i) => {
      const m = STAMP.exec(text);
      if (!m) return;
      const timeS = (Date.parse(m[1]) - startedAtMs) / 1000;
      if (Math.abs(timeS - atS) <= windowS) near.push({node, line: i + 1, timeS, text: text.slice(m[0].length)});
    });
    out.push(...near.slice(0, maxPerNode));
  }
  return out.sort((a, b) => (a.timeS ?? 0) - (b.timeS ?? 0));
}
