import escapeHtml from 'escape-html';
import type {RunResults} from './results.js';


/**
 * junit.xml: one testsuite per run, one testcase per check; a failing check is a `<failure>`
 * whose message is the one-line explanation, an unknown one is `<skipped>` with the reason.
 */
export function renderJunit(results: RunResults): string {
  const x = escapeHtml;
  const failures = results.checks.filter((c) => c.valid === false).length;
  const skipped = results.checks.filter((c) => c.valid === 'unknown').length;
  const cases = results.checks.map((c) => {
    const name = c.model ? `${c.name} (${c.model})` : c.name;
    const time = (c.durationMs / 1000).toFixed(3);
    const open = `    <testcase classname="faultline.${x(results.plan.name)}" name="${x(name)}" time="${time}"`;
    if (c.valid === true) return `${open}/>`;
    const explanation = c.explanation;
    if (c.valid === 'unknown') return `${open}>\n      <skipped message="${x(explanation)}"/>\n    </testcase>`;
    const details = (c.result?.keys ?? [])
      .filter((k) => k.valid === false)
      .map((k) => `key ${k.key}: ${k.evidence?.sentence ?? k.reason ?? ''}`)
      .join('\n');
    return `${open}>\n      <failure message="${x(explanation)}" type="NotLinearizable">${x(details)}</failure>\n    </testcase>`;
  });
  const problems = results.problems.length > 0 ? `\n    <system-out>${x(results.problems.join('\n'))}</system-out>` : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="faultline" tests="${results.checks.length}" failures="${failures}" errors="0" time="${(results.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${x(results.plan.name)}" tests="${results.checks.length}" failures="${failures}" skipped="${skipped}" errors="0" timestamp="${results.startedAt}" time="${(results.durationMs / 1000).toFixed(3)}">`,
    `    <properties>\n      <property name="seed" value="${results.plan.seed}"/>\n      <property name="system" value="${x(results.plan.system)}"/>\n    </properties>`,
    ...cases,
    problems ? problems.slice(1) : '',
    '  </testsuite>',
    '</testsuites>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}
