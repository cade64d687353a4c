// The accessibility audit of the e2e suite: axe-core run on the whole page, every violation
// written to target/e2e/axe-<name>.json, and an assertion that none is serious or critical
// (the message lists each one's rule, impact, help and first targets, so a failure says
// where to look).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import axe from 'axe-core';
import { SHOTS } from './driver.mjs';

const BLOCKING = new Set(['serious', 'critical']);

/** axe-core's violations on the whole document, trimmed to what a report needs. */
async function axeViolations(browser) {
  if (!(await browser.execute(() => typeof window.axe === 'object'))) await browser.execute(axe.source);
  const json = await browser.executeAsync((done) => {
    window.axe
      .run(document, { resultTypes: ['violations'] })
      .then((r) =>
        done(
          JSON.stringify(
            r.violations.map((v) => ({
              id: v.id,
              impact: v.impact,
              help: v.help,
              helpUrl: v.helpUrl,
              nodes: v.nodes.map((n) => ({
                target: n.target,
                html: n.html,
                summary: n.failureSummary,
                data: [...n.any, ...n.all, ...n.none].map((c) => c.data).filter(Boolean),
              })),
            })),
          ),
        ),
      )
      .catch((e) => done(JSON.stringify({ error: String(e) })));
  });
  const result = JSON.parse(json);
  if (result.error) throw new Error(`axe.run failed: ${result.error}`);
  return result;
}

function describeViolation(v) {
  const targets = v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ');
  const more = v.nodes.length > 4 ? ` (+${v.nodes.length - 4} more)` : '';
  return `  - ${v.id} [${v.impact}] ${v.help}: ${targets}${more}`;
}

/** Audits the page as it is now, saves the findings as `axe-<name>.json`, and fails on any
 * serious or critical one. */
export async function assertAccessible(browser, name) {
  // axe runs on big screens (a long table, 174 devices in the sidebar): more than WebDriver's
  // default script time.
  await browser.setTimeout({ script: 60000 });
  const violations = await axeViolations(browser);
  fs.mkdirSync(SHOTS, { recursive: true });
  fs.writeFileSync(path.join(SHOTS, `axe-${name}.json`), JSON.stringify(violations, null, 2));
  const blocking = violations.filter((v) => BLOCKING.has(v.impact));
  assert.equal(
    blocking.length,
    0,
    `${name}: ${blocking.length} serious/critical axe violation(s):\n${blocking.map(describeViolation).join('\n')}`,
  );
}
