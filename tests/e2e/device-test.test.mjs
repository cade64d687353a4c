// A device's Test tab end to end against a real Mosquitto: Run all, the MQTT · TCP check
// passes with its ladder, and a device pointed at a closed port fails with its reason.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { answerSaveDialog, appWithPeer, paste, projectWithDevice, screenshot } from './driver.mjs';
import { freePort, mosquitto } from './peers.mjs';

const e2e = appWithPeer('loopstudio-e2e-test-', mosquitto);
const byLabel = (label) => e2e.browser.$(`[aria-label="${label}"]`);

test('set up a project, an MQTT · TCP model and a device', async () => {
  const values = {
    MQTT_HOST: '127.0.0.1',
    MQTT_TCP_PORT: String(e2e.peer.port),
    MQTT_REQ_TOPIC: 'lab/req',
    MQTT_RESP_TOPIC: 'lab/resp',
    MQTT_DATA_TOPIC: 'lab/data',
    REMOTE_NETWORK: '7f',
    MQTT_CLIENT_ID: 'lab-{device}',
    MQTT_USERNAME: '{device}',
  };
  await projectWithDevice(e2e.browser, { project: 'Lab', values, template: 'button*=MQTT · TCP', device: 'sensor-1' });
});

test('Run all passes the MQTT check against the real broker and shows its ladder', async () => {
  await e2e.browser.$('button[role="tab"]=Test').click();
  await e2e.browser.$('button*=Run all').click();
  const summary = byLabel('Test summary');
  await summary.waitForDisplayed({ timeout: 15000 });
  assert.equal(await summary.getText(), '1 passed · 0 warning · 0 failed · 0 skipped');
  await byLabel('mqtt-tcp details').click();
  const ladder = byLabel('mqtt-tcp ladder');
  await ladder.waitForDisplayed();
  const text = await ladder.getText();
  for (const rung of ['dns', 'tcp', 'mqtt-connect', 'subscribe', 'publish', 'echo']) assert.match(text, new RegExp(`✓ ${rung}`));
  await screenshot(e2e.browser, 'device-test-pass.png');
});

let closed;
test('a closed broker port fails with TCP_REFUSED and a reproduce command', async () => {
  closed = await freePort();
  await e2e.browser.$('button[aria-label="Project variables"]').click();
  await paste(e2e.browser, byLabel('MQTT_TCP_PORT'), String(closed));
  await e2e.browser.$('button=Save variables').click();
  await e2e.browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
  await e2e.browser.$('button=sensor-1').click();
  await e2e.browser.$('button[role="tab"]=Test').waitForDisplayed({ timeout: 8000 });
  await e2e.browser.$('button[role="tab"]=Test').click();
  await e2e.browser.keys(['Control', 'Enter']);
  const summary = byLabel('Test summary');
  await summary.waitForDisplayed({ timeout: 15000 });
  assert.equal(await summary.getText(), '0 passed · 0 warning · 1 failed · 0 skipped');
  const ladder = byLabel('mqtt-tcp ladder');
  await ladder.waitForDisplayed();
  const text = await ladder.getText();
  assert.match(text, /TCP_REFUSED/);
  assert.match(text, new RegExp(`nc -vz -w 3 127\\.0\\.0\\.1 ${closed}`));
  await e2e.browser.$('aside button[aria-label="Dark theme"]').click();
  await screenshot(e2e.browser, 'device-test-fail-dark.png');
});

test('after the broker comes up on that port, running the one check again passes it', async () => {
  const late = await mosquitto(e2e.dataDir, closed);
  try {
    await byLabel('Run mqtt-tcp again').click();
    const summary = byLabel('Test summary');
    await e2e.browser.waitUntil(async () => (await summary.getText()).startsWith('1 passed'), {
      timeout: 15000,
      timeoutMsg: 'the re-run did not pass',
    });
    assert.equal(await summary.getText(), '1 passed · 0 warning · 0 failed · 0 skipped');
    // Export report is a menu: the JSON choice writes the run as the report shape.
    await e2e.browser.$('button*=Export report').click();
    await e2e.browser.$('[role="menuitem"]*=HTML page').waitForDisplayed({ timeout: 5000 });
    await e2e.browser.$('[role="menuitem"]*=JSON').click();
    const file = join(e2e.dataDir, 'rerun.json');
    await answerSaveDialog('Export report as JSON', file);
    await e2e.browser.waitUntil(async () => existsSync(file) && readFileSync(file, 'utf8').trim().endsWith('}'), {
      timeout: 10000,
      timeoutMsg: 'the report was not exported',
    });
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(
      exported.checks.map((c) => [c.kind, c.code]),
      [['mqtt-tcp', 'OK']],
    );
    await screenshot(e2e.browser, 'device-test-rerun-dark.png');
  } finally {
    await late.stop();
  }
});

test('both runs are in the history, and comparing them names the change', async () => {
  await e2e.browser.$('button*=Runs').click();
  const table = byLabel('Runs');
  await table.waitForDisplayed({ timeout: 8000 });
  const boxes = await e2e.browser.$$('input[aria-label^="Pick run"]');
  assert.equal(boxes.length, 3, 'Run all twice and the one re-run');
  // The two full runs: the newest (the re-run) is first.
  await boxes[1].click();
  await boxes[2].click();
  await e2e.browser.$('button*=Compare the two ticked runs').click();
  const changed = e2e.browser.$('[aria-label="Comparison"] tr.changed');
  await changed.waitForDisplayed({ timeout: 8000 });
  const text = await changed.getText();
  assert.match(text, /mqtt-tcp\s*pass\s*→\s*TCP_REFUSED/);
  await screenshot(e2e.browser, 'runs-compare-dark.png');
});
