import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {checkHistory} from '../../src/checker/index.js';
import {readPorcupineEtcdLog, readPorcupineKvLog} from '../../src/history/importers/porcupine.js';

// Porcupine's recorded histories with known verdicts (../shared/data/porcupine, README there).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = path.resolve(repoRoot, '..', 'shared', 'data', 'porcupine');
const verdicts = readFileSync(path.join(dataDir, 'VERDICTS.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter((line) => line.trim() !== '')
  .map((line) => line.split('\t') as [string, 'linearizable' | 'not']);

test('VERDICTS.tsv lists the 54 shared histories', () => {
  assert.equal(verdicts.length, 54);
});

for (const [file, expected] of verdicts) {
  test(`Porcupine's ${file} is ${expected === 'linearizable' ? 'linearizable' : 'not linearizable'}`, () => {
    const full = path.join(dataDir, file);
    const {events, model} = file.startsWith('kv/') ? readPorcupineKvLog(full) : readPorcupineEtcdLog(full);
    const result = checkHistory(events, {model});
    assert.equal(result.valid, expected === 'linearizable', result.reason);
    if (result.valid === false) {
      const failed = result.keys.find((k) => k.valid === false)!;
      assert.ok(failed.evidence !== undefined && failed.evidence.sentence.length > 0);
    }
  });
}
