import assert from 'node:assert/strict';
import {existsSync, mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {chromium, type Browser} from 'playwright-core';
import {renderHtml} from '../../src/report/index.js';
import {staleReadRun} from './fixture.js';

/** Debian's Chromium; .ci/run installs it. Without it the test is skipped locally but fails on CI. */
const CHROMIUM = '/usr/bin/chromium';
/** Screenshots land here (ignored by git) so a failing CI run can be looked at. */
const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const missing = !existsSync(CHROMIUM);

describe('report.html in headless Chromium', {skip: missing && !process.env.CI ? `${CHROMIUM} not installed` : false}, () => {
  let browser: Browser;
  before(async () => {
    browser = await chromium.launch({executablePath: CHROMIUM, args: FLAGS});
  });
  after(async () => {
    await browser?.close();
  });

  test('a passing run’s report shows the verdict, lanes and plots, no counterexample, and no console errors', async () => {
    const {results, events, runDir} = staleReadRun(false);
    assert.equal(results.valid, true);
    const file = path.join(runDir, 'report.html');
    writeFileSync(file, await renderHtml(results, events, runDir));
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`file://${file}`);
    assert.equal(await page.textContent('#verdict'), 'valid');
    assert.equal(await page.locator('#timeline text.lane').count(), 4);
    assert.equal(await page.locator('h2', {hasText: 'Counterexamples'}).count(), 0);
    assert.equal(await page.locator('div.plot svg').count(), 3);
    mkdirSync(ARTIFACTS, {recursive: true});
    await page.screenshot({path: path.join(ARTIFACTS, 'report-valid.png'), fullPage: true});
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a failing run’s report shows the verdict, lanes, fault bands, counterexample and logs, with no console errors', async () => {
    const {results, events, runDir} = staleReadRun();
    const file = path.join(runDir, 'report.html');
    writeFileSync(file, await renderHtml(results, events, runDir));
    const page = await browser.newPage({viewport: {width: 1280, height: 900}});
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    let dialogs = 0;
    page.on('dialog', async (d) => {
      dialogs++;
      await d.dismiss();
    });
    await page.goto(`file://${file}`);
    assert.equal(await page.textContent('#verdict'), 'INVALID');
    assert.equal(await page.locator('#timeline text.lane').count(), 4, 'three client lanes and the final-reads lane');
    assert.ok((await page.locator('#timeline rect.band').count()) >= 1);
    assert.ok((await page.locator('#timeline rect[fill]').count()) >= 5);
    assert.match((await page.textContent('#key-k1')) ?? '', /key k1: not linearizable/);
    assert.match((await page.textContent('#logs')) ?? '', /Node logs/);
    assert.equal(await page.locator('#latency-raw svg').count(), 1);
    // Zoom and pan change the timeline's transform.
    await page.locator('#timeline').hover();
    await page.mouse.wheel(0, -300);
    assert.match((await page.locator('#timeline g.zoom').getAttribute('transform')) ?? '', /scale\(1\.25/);
    mkdirSync(ARTIFACTS, {recursive: true});
    await page.screenshot({path: path.join(ARTIFACTS, 'report-invalid.png'), fullPage: true});
    assert.deepEqual(errors, []);
    assert.equal(dialogs, 0, 'no script from the history ran');
    await page.close();
  });
});
