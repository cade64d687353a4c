// The Demo tab end to end against a real Mosquitto: the device comes alive (connected,
// telemetry counted and drawn), answers a request the test publishes, and stops; then a
// fleet of its model ramps up with live counts and stops.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertAccessible } from './axe.mjs';
import { answerSaveDialog, appWithPeer, paste, projectWithDevice, screenshot } from './driver.mjs';
import { mosquitto } from './peers.mjs';

const e2e = appWithPeer('loopstudio-e2e-demo-', mosquitto);
const byLabel = (label) => e2e.browser.$(`[aria-label="${label}"]`);

test('a device comes alive in the Demo tab and answers a request', async () => {
  const values = { MQTT_HOST: '127.0.0.1', MQTT_TCP_PORT: String(e2e.peer.port), MQTT_REQ_TOPIC: 'show/req', MQTT_RESP_TOPIC: 'show/resp', MQTT_DATA_TOPIC: 'show/data', REMOTE_NETWORK: '7f' };
  await projectWithDevice(e2e.browser, { project: 'Show', values, template: 'button*=MQTT · TCP', device: 'demo-1' });
  await e2e.browser.$('button[role="tab"]=Variables').waitForDisplayed({ timeout: 8000 });
  await paste(e2e.browser, byLabel('MQTT_CLIENT_ID'), 'demo-1');
  await paste(e2e.browser, byLabel('MQTT_USERNAME'), 'demo-1');
  await e2e.browser.$('button=Save variables').click();
  await e2e.browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
  await e2e.browser.$('button[role="tab"]=Demo').click();
  await paste(e2e.browser, byLabel('Messages per second'), '5');
  await e2e.browser.$('button*=Start').click();
  const state = byLabel('MQTT state');
  await e2e.browser
    .waitUntil(async () => (await state.getText()).includes('connected'), { timeout: 10000, timeoutMsg: 'never connected' })
    .catch(async (e) => {
      await screenshot(e2e.browser, 'demo-failed.png');
      throw e;
    });
  const counters = byLabel('Demo counters');
  await e2e.browser.waitUntil(async () => Number.parseInt(await counters.getText(), 10) >= 5, { timeout: 10000, timeoutMsg: 'no telemetry' });
  const published = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(e2e.peer.port), '-t', 'show/req', '-m', '{"id":7,"method":"ping"}', '-q', '1']);
  assert.equal(published.status, 0);
  await e2e.browser.waitUntil(async () => (await counters.getText()).includes('1 answered'), { timeout: 10000, timeoutMsg: 'the request was not answered' });
  assert.match(await byLabel('Message log').getText(), /"result":"pong"/);
  // The card says where the device talks to and for how long it has been up.
  const card = await e2e.browser.execute(() => document.querySelector('[aria-label="MQTT card"]')?.textContent ?? '');
  assert.match(card, new RegExp(`127\\.0\\.0\\.1:${e2e.peer.port} · up \\d+:\\d\\d`));
  // The running device, as the mock shows it: light, then dark.
  await screenshot(e2e.browser, 'demo.png');
  await assertAccessible(e2e.browser, 'demo');
  await e2e.browser.$('aside button[aria-label="Dark theme"]').click();
  await screenshot(e2e.browser, 'demo-dark.png');
  await assertAccessible(e2e.browser, 'demo-dark');
  await e2e.browser.$('button*=Stop').click();
  await e2e.browser.waitUntil(async () => (await state.getText()).includes('stopped'), { timeout: 10000, timeoutMsg: 'did not stop' });

  // Save log writes what the log holds, one line per message, the answer among them.
  const file = join(e2e.dataDir, 'demo-1.log');
  await e2e.browser.$('button*=Save log').click();
  await answerSaveDialog('Save the demo log', file);
  await e2e.browser.waitUntil(async () => existsSync(file), { timeout: 10000, timeoutMsg: 'the log was not saved' });
  const saved = readFileSync(file, 'utf8');
  assert.match(saved, /^# Loop Studio demo log: device demo-1, \d+ lines/);
  assert.match(saved, /mqtt {2}out {3}show\/resp +\{"id":7,"result":"pong"\}/);
});

test('a fleet of the model comes alive with live counts and stops', async () => {
  await e2e.browser.$('button[role="tab"]*=Fleet of').click();
  await paste(e2e.browser, byLabel('Fleet size'), '5');
  await paste(e2e.browser, byLabel('Devices started per second'), '50');
  await e2e.browser.$('button*=Start fleet').click();
  const connected = byLabel('Connected devices');
  await e2e.browser
    .waitUntil(async () => (await connected.getText()) === '5', { timeout: 15000, timeoutMsg: 'the fleet never connected' })
    .catch(async (e) => {
      await screenshot(e2e.browser, 'fleet-failed.png');
      throw e;
    });
  await e2e.browser.waitUntil(async () => (await byLabel('Rate chart').getHTML()).includes('M0.0'), { timeout: 10000, timeoutMsg: 'no rate chart' });
  await screenshot(e2e.browser, 'fleet-dark.png');
  await e2e.browser.$('button*=Stop fleet').click();
  await e2e.browser.$('button*=Start fleet').waitForDisplayed({ timeout: 10000 });
});
