import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import {InputError} from '../../src/errors/index.js';
import {listRuns} from '../../src/report/index.js';
import {staleReadRun} from './fixture.js';

test('listRuns: runs newest first, an unfinished run as incomplete, no folder yet as none, a file as bad --out', () => {
  const parent = mkdtempSync(path.join(tmpdir(), 'faultline-runs-'));
  const {results} = staleReadRun();
  for (const name of ['20261130-120000-fixture', '20261130-130000-fixture', '20261130-140000-crashed']) {
    mkdirSync(path.join(parent, name));
    writeFileSync(path.join(parent, name, 'history.jsonl'), '');
    if (!name.endsWith('crashed')) writeFileSync(path.join(parent, name, 'results.json'), JSON.stringify(results));
  }
  mkdirSync(path.join(parent, 'not-a-run'));
  assert.deepEqual(
    listRuns(parent).map((r) => [path.basename(r.path), r.plan, r.verdict]),
    [
      ['20261130-140000-crashed', 'crashed', 'incomplete'],
      ['20261130-130000-fixture', 'fixture', false],
      ['20261130-120000-fixture', 'fixture', false],
    ],
  );
  assert.deepEqual(listRuns(path.join(parent, 'nothing-yet')), []);
  writeFileSync(path.join(parent, 'notes.md'), 'x');
  assert.throws(
    () => listRuns(path.join(parent, 'notes.md')),
    (e: unknown) => e instanceof InputError && e.message === `--out: ${path.join(parent, 'notes.md')} is not a folder of runs (ENOTDIR)`,
  );
});
