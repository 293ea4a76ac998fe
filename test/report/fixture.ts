import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {checkHistory} from '../../src/checker/index.js';
import type {HistoryEvent} from '../../src/history/types.js';
import type {NemesisEvent} from '../../src/nemesis/events.js';
import {parsePlan} from '../../src/plan/index.js';
import {buildResults, explainResult, type RunResults} from '../../src/report/index.js';

const MS = 1e6;

/**
 * A small run with a stale read on k1 (or, with `stale` false, the same run reading the current value): process 0 writes 1, process 1 overwrites it with 2, then
 * process 2 reads 1 after both finished. k2 is fine. A partition covers the stale read. The
 * written values include HTML (`<script>`) through an error text, to prove escaping.
 */
export function staleReadRun(stale = true): {results: RunResults; events: HistoryEvent[]; runDir: string} {
  const raw: Array<Omit<HistoryEvent, 'index'>> = [
    {process: 0, type: 'invoke', f: 'write', key: 'k1', value: 1, time: 10 * MS},
    {process: 0, type: 'ok', f: 'write', key: 'k1', value: 1, time: 20 * MS, node: 'n1'},
    {process: 1, type: 'invoke', f: 'write', key: 'k1', value: 2, time: 30 * MS},
    {process: 1, type: 'ok', f: 'write', key: 'k1', value: 2, time: 40 * MS, node: 'n2'},
    {process: 3, type: 'invoke', f: 'write', key: 'k2', value: 1, time: 41 * MS},
    {process: 3, type: 'info', f: 'write', key: 'k2', value: 1, time: 45 * MS, error: '<script>alert(1)</script>'},
    {process: 2, type: 'invoke', f: 'read', key: 'k1', value: null, time: 50 * MS},
    {process: 2, type: 'ok', f: 'read', key: 'k1', value: stale ? 1 : 2, time: 60 * MS, node: 'n1'},
    {process: 0, type: 'invoke', f: 'read', key: 'k2', value: null, time: 70 * MS},
    {process: 0, type: 'ok', f: 'read', key: 'k2', value: 1, time: 80 * MS, node: 'n3'},
  ];
  const events = raw.map((e, index) => ({index, ...e})) as HistoryEvent[];
  const nemesis: NemesisEvent[] = [
    {time: 25 * MS, type: 'start', step: 0, fault: 'partition', description: 'partition n1 | n2 n3 <b>(drop)</b>', components: [['n1'], ['n2', 'n3']], mode: 'drop'},
    {time: 65 * MS, type: 'stop', step: 0, fault: 'partition', description: 'heal n1 | n2 n3'},
  ];
  const plan = parsePlan('name: fixture\nseed: 3\nworkload: {clients: 3, keys: 2}\n', 'plans/fixture.yaml');
  const check = checkHistory(events, {model: 'cas-register'});
  const runDir = mkdtempSync(path.join(tmpdir(), 'faultline-report-'));
  mkdirSync(path.join(runDir, 'nodes'));
  const started = Date.parse('2026-11-30T12:00:00.000Z');
  writeFileSync(path.join(runDir, 'nodes', 'n1.log'), `2026-11-30T12:00:00.045Z n1 served a read from local state <img src=x>\n2026-11-30T12:00:09.000Z n1 far away\n`);
  writeFileSync(path.join(runDir, 'nodes', 'n2.log'), `2026-11-30T12:00:09.500Z n2 only far away\n`);
  const results = buildResults({
    plan,
    planFile: 'plans/fixture.yaml',
    runDir,
    startedAtMs: started,
    durationMs: 100,
    workloadStartMs: 0,
    workloadMs: 90,
    events,
    checks: [{name: 'linearizable', model: 'cas-register', valid: check.valid, durationMs: check.durationMs, result: check, explanation: explainResult(check, events)}],
    nemesis,
    problems: [],
    interrupted: false,
  });
  return {results, events, runDir};
}
