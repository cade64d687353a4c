// A site survey in the app against a real Mosquitto: the Site survey view runs every check
// of the project's device, shows the endpoint reachable and the request for IT (one rule for
// the broker's port); both exports write real files through the native Save dialog. Then the
// broker stops, a second survey finds the port blocked, and Runs compares the two.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { answerSaveDialog, appWithPeer, fileWritten, projectWithDevice, screenshot } from './driver.mjs';
import { mosquitto } from './peers.mjs';

const e2e = appWithPeer('loopstudio-e2e-survey-', mosquitto);
const byLabel = (label) => e2e.browser.$(`[aria-label="${label}"]`);

test('a project with an MQTT · TCP model and a device', async () => {
  const values = {
    MQTT_HOST: '127.0.0.1',
    MQTT_TCP_PORT: String(e2e.peer.port),
    MQTT_REQ_TOPIC: 'plant/req',
    MQTT_RESP_TOPIC: 'plant/resp',
    MQTT_DATA_TOPIC: 'plant/data',
    REMOTE_NETWORK: '7f',
    MQTT_CLIENT_ID: 'plant-{device}',
    MQTT_USERNAME: '{device}',
  };
  await projectWithDevice(e2e.browser, { project: 'Plant', values, template: 'button*=MQTT · TCP', device: 'press-1' });
});

test('the survey names the broker reachable and writes its rule for IT', async () => {
  await e2e.browser.$('button*=Site survey').click();
  await e2e.browser.$('button*=Run survey').click();
  const summary = byLabel('Survey summary');
  await summary.waitForDisplayed({ timeout: 30000 });
  assert.equal(await summary.getText(), '1 endpoint · 1 reachable · 0 blocked · 0 failed');
  const rules = await byLabel('Request for IT').getText();
  assert.match(rules, new RegExp(`127\\.0\\.0\\.1[\\s\\S]*${e2e.peer.port}/TCP[\\s\\S]*MQTT over TCP[\\s\\S]*reachable`));
  const endpoints = await byLabel('Survey endpoints').getText();
  assert.match(endpoints, /press-1/);
  assert.ok(await e2e.browser.$('button*=Export request for IT').isDisplayed());
  assert.ok(await e2e.browser.$('button*=Export survey').isDisplayed());
  await screenshot(e2e.browser, 'survey.png');
});

test('the request for IT and the survey export to files a customer can open', async () => {
  const csv = path.join(e2e.dataDir, 'request-for-it.csv');
  await e2e.browser.$('button*=Export request for IT').click();
  await answerSaveDialog('Export the request for IT', csv);
  const rows = (await fileWritten(csv)).trim().split('\n');
  assert.equal(rows[0], 'direction,host,addresses,port,transport,protocol,purpose,note,state');
  assert.equal(rows.length, 2, rows.join('\n'));
  assert.match(rows[1], new RegExp(`^outbound,127\\.0\\.0\\.1,.*,${e2e.peer.port},TCP,MQTT over TCP,.*,reachable$`));

  const page = path.join(e2e.dataDir, 'survey.html');
  await e2e.browser.$('button*=Export survey').click();
  await answerSaveDialog('Export the survey', page);
  const html = await fileWritten(page);
  assert.match(html, /<h2>Request for your IT team<\/h2>/);
  assert.match(html, /press-1/);
});

test('after the broker goes away a second survey finds it blocked, and Runs says what changed', async () => {
  await e2e.peer.stop();
  await e2e.browser.$('button*=Run survey').click();
  const summary = byLabel('Survey summary');
  await e2e.browser.waitUntil(async () => (await summary.getText()).includes('1 blocked'), {
    timeout: 30000,
    timeoutMsg: 'the second survey did not find the port blocked',
  });
  await e2e.browser.$('button*=Runs').click();
  const picks = await e2e.browser.$$('input[aria-label^="Pick survey"]');
  assert.equal(picks.length, 2, 'both surveys are kept');
  for (const pick of picks) await pick.click();
  await e2e.browser.$('button*=Compare the two ticked surveys').click();
  const comparison = byLabel('Survey comparison');
  await comparison.waitForDisplayed({ timeout: 8000 });
  const changed = await comparison.$('tr.changed').getText();
  assert.match(changed, new RegExp(`mqtt ${e2e.peer.port}\\s*reachable\\s*→\\s*blocked \\(TCP_REFUSED\\)`));
  await screenshot(e2e.browser, 'runs-survey-compare.png');
});
