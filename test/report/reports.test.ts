import assert from 'node:assert/strict';
import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {describe, test} from 'node:test';
import {execa} from 'execa';
import {renderHtml, renderJunit, renderSummary, writeReports} from '../../src/report/index.js';
import {staleReadRun} from './fixture.js';

describe('reports', () => {
  const {results, events, runDir} = staleReadRun();

  test('the verdict of a stale read is false and explained in the history’s terms', () => {
    assert.equal(results.valid, false);
    assert.equal(results.exitCode, 1);
    assert.equal(
      results.checks[0].explanation,
      'Read of k1 by process 2 returned 1 at 0.060 s, but 1 was overwritten by 2 (process 1, write 0.030 s–0.040 s) before the read began at 0.050 s (the read was served by n1, the overwrite by n2).',
    );
  });

  test('report.html escapes every value from the history, the nemesis and the logs', async () => {
    const html = await renderHtml(results, events, runDir);
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!html.includes('<b>(drop)</b>'));
    assert.ok(html.includes('&lt;b&gt;(drop)&lt;/b&gt;'));
    assert.ok(!html.includes('<img src=x>'));
    assert.ok(html.includes('n1 served a read from local state &lt;img src=x&gt;'));
    assert.ok(!html.includes('far away'), 'log lines far from the violation are left out');
    assert.ok(html.includes('<p class="note">No lines in that window from n2.</p>'), 'a node with no lines near the violation is named');
    assert.equal((html.match(/<script>/g) ?? []).length, 1, 'only the report’s own script');
  });

  test('report.html is self-contained: no external resources', async () => {
    const html = await renderHtml(results, events, runDir);
    assert.equal(/(src|href)="https?:/.test(html), false);
    assert.equal(/@import|url\(/.test(html), false);
  });

  test('report.html holds the timeline, the three plots, the fault band and the counterexample', async () => {
    const html = await renderHtml(results, events, runDir);
    assert.match(html, /<svg class="timeline" id="timeline"/);
    assert.match(html, /<svg class="timeline" id="cx-0"/);
    assert.equal((html.match(/class="band"/g) ?? []).length >= 2, true);
    for (const id of ['latency-raw', 'latency-quantiles', 'rate']) assert.match(html, new RegExp(`<div class="plot" id="${id}"><svg`));
    assert.match(html, /<h3 id="key-k1">key k1: not linearizable<\/h3>/);
    // The history's explanation first, then the checker's own sentence, labelled as the search's view.
    assert.match(html, /<p class="sentence">Read of k1 by process 2 returned 1 at 0\.060 s, but 1 was overwritten by 2[^<]*<\/p>\n<p class="note">Where the checker's search stopped \(its state after the longest prefix it could order[^<]*: On key k1, read returned 1 /);
  });

  test('junit.xml has one failing testcase whose message is the explanation', () => {
    const xml = renderJunit(results);
    assert.match(xml, /<testsuite name="fixture" tests="1" failures="1" skipped="0"/);
    assert.match(xml, /<failure message="Read of k1 by process 2 returned 1 at 0\.060 s, but 1 was overwritten by 2/);
    assert.equal((xml.match(/<testcase /g) ?? []).length, 1);
  });

  test('junit.xml is valid against the JUnit schema, for failing, unknown and passing checks', {skip: !existsSync('/usr/bin/xmllint') && !process.env.CI ? 'xmllint not installed' : false}, async () => {
    const unknown = {...results.checks[0], valid: 'unknown' as const, explanation: 'time budget <60 s> ran out'};
    const passing = {...results.checks[0], name: 'second', valid: true as const};
    const variants = [results, {...results, checks: [unknown, passing], problems: ['node n2 exited & was restarted']}];
    for (const [i, r] of variants.entries()) {
      const file = path.join(runDir, `junit-${i}.xml`);
      writeFileSync(file, renderJunit(r));
      const out = await execa('xmllint', ['--noout', '--schema', path.join(import.meta.dirname, 'junit.xsd'), file], {reject: false});
      assert.equal(out.exitCode, 0, out.stderr);
    }
  });

  test('summary.md gives the verdict, the figures and the explanation', () => {
    const md = renderSummary(results, runDir);
    assert.match(md, /^## faultline: fixture — INVALID$/m);
    assert.match(md, /\| operations \| 5 \(ok 4, fail 0, info 1\) \|/);
    assert.match(md, /Read of k1 by process 2 returned 1/);
  });

  test('faultline report RUN_DIR rewrites the reports; summary.md names report.html by its absolute path, as a run does', async () => {
    await writeReports(runDir, results, events, () => undefined);
    writeFileSync(path.join(runDir, 'history.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const out = await execa(process.execPath, [path.join(import.meta.dirname, '..', '..', 'bin', 'run.js'), 'report', path.basename(runDir)], {
      cwd: path.dirname(runDir),
      reject: false,
      env: {GITHUB_STEP_SUMMARY: ''},
    });
    assert.equal(out.exitCode, 0, out.stderr);
    assert.equal(out.stdout.trim(), path.join(runDir, 'report.html'));
    assert.ok(readFileSync(path.join(runDir, 'summary.md'), 'utf8').includes(`Report: \`${runDir}/report.html\``));
  });

  test('a $GITHUB_STEP_SUMMARY that cannot be written is a warning: the run directory gets every report', async () => {
    const before = process.env.GITHUB_STEP_SUMMARY;
    const ci = path.join(runDir, 'no-such-dir', 'summary.md');
    process.env.GITHUB_STEP_SUMMARY = ci;
    const warnings: string[] = [];
    try {
      await writeReports(runDir, results, events, (line) => warnings.push(line));
    } finally {
      if (before === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = before;
    }
    assert.deepEqual(warnings.length, 1);
    assert.match(warnings[0], new RegExp(`^could not append summary\\.md to \\$GITHUB_STEP_SUMMARY \\(${ci.replaceAll('.', '\\.')}\\): ENOENT`));
    assert.equal(JSON.parse(readFileSync(path.join(runDir, 'results.json'), 'utf8')).valid, false);
    assert.match(readFileSync(path.join(runDir, 'summary.md'), 'utf8'), /INVALID/);
  });
});

describe('report size', () => {
  test('the report of a 100,000-operation run stays under 10 MB', async () => {
    const {generateRegisterHistory} = await import('../checker/helpers.js');
    const {Rng} = await import('../../src/rng/index.js');
    const {parsePlan} = await import('../../src/plan/index.js');
    const {buildResults} = await import('../../src/report/index.js');
    const events = generateRegisterHistory(Rng.seeded(1), {operations: 100_000, clients: 20, keys: 10, infoRate: 0.01});
    const plan = parsePlan('name: big\nseed: 1\nworkload: {clients: 20, keys: 10}\n', 'big.yaml');
    const check = {valid: true as const, keys: [], operationCount: 100_000, durationMs: 0};
    const results = buildResults({plan, planFile: 'big.yaml', runDir: '/nonexistent', startedAtMs: 0, durationMs: 1, workloadStartMs: 0, workloadMs: events.at(-1)!.time / 1e6, events, checks: [{name: 'linearizable', model: 'cas-register', valid: true, durationMs: 0, result: check, explanation: 'valid'}], nemesis: [], problems: [], interrupted: false});
    const html = await renderHtml(results, events, '/nonexistent');
    assert.ok(html.length < 10 * 1024 * 1024, `${html.length} bytes`);
    assert.match(html, /10000 of 100000 operations/);
  });
});
