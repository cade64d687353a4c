// The Demo tab end to end against a real Mosquitto: the device comes alive (connected,
// telemetry counted and drawn), answers a request the test publishes, and stops; then a
// fleet of its model ramps up with live counts and stops.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchApp, paste, screenshot } from './driver.mjs';
import { mosquitto } from './peers.mjs';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopstudio-e2e-demo-'));
let app;
let broker;
let browser;

before(async () => {
  broker = await mosquitto(dataDir);
  app = await launchApp({ LOOPSTUDIO_DB: path.join(dataDir, 'test.db'), LOOPSTUDIO_KEYRING: 'off' });
  browser = app.browser;
});

after(async () => {
  await app?.stop();
  await broker?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const byLabel = (label) => browser.$(`[aria-label="${label}"]`);

test('a device comes alive in the Demo tab and answers a request', async () => {
  await byLabel('New project').click();
  await paste(browser, byLabel('Project name'), 'Show');
  await browser.$('button=Create project').click();
  await byLabel('MQTT_HOST').waitForDisplayed({ timeout: 8000 });
  const values = { MQTT_HOST: '127.0.0.1', MQTT_TCP_PORT: String(broker.port), MQTT_REQ_TOPIC: 'show/req', MQTT_RESP_TOPIC: 'show/resp', MQTT_DATA_TOPIC: 'show/data', REMOTE_NETWORK: '7f' };
  for (const [name, value] of Object.entries(values)) await paste(browser, byLabel(name), value);
  await browser.$('button=Save variables').click();
  await browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
  await byLabel('New model').click();
  await browser.$('button*=Add template').waitForDisplayed({ timeout: 8000 });
  await browser.$('button*=Add template').click();
  await browser.$('button*=MQTT · TCP').click();
  await browser.$('button*=Save').click();
  await browser.waitUntil(async () => !(await browser.$('.unsaved').isExisting()), { timeout: 8000, timeoutMsg: 'model not saved' });
  await byLabel('Add device').click();
  await paste(browser, byLabel('Device name'), 'demo-1');
  await browser.$('button[type="submit"]=Add device').click();
  await browser.$('button[role="tab"]=Variables').waitForDisplayed({ timeout: 8000 });
  await paste(browser, byLabel('MQTT_CLIENT_ID'), 'demo-1');
  await paste(browser, byLabel('MQTT_USERNAME'), 'demo-1');
  await browser.$('button=Save variables').click();
  await browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
  await browser.$('button[role="tab"]=Demo').click();
  await paste(browser, byLabel('Messages per second'), '5');
  await browser.$('button*=Start').click();
  const state = byLabel('MQTT state');
  await browser
    .waitUntil(async () => (await state.getText()).includes('connected'), { timeout: 10000, timeoutMsg: 'never connected' })
    .catch(async (e) => {
      await screenshot(browser, 'demo-failed.png');
      throw e;
    });
  const counters = byLabel('Demo counters');
  await browser.waitUntil(async () => Number.parseInt(await counters.getText(), 10) >= 5, { timeout: 10000, timeoutMsg: 'no telemetry' });
  const published = spawnSync('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-t', 'show/req', '-m', '{"id":7,"method":"ping"}', '-q', '1']);
  assert.equal(published.status, 0);
  await browser.waitUntil(async () => (await counters.getText()).includes('1 answered'), { timeout: 10000, timeoutMsg: 'the request was not answered' });
  assert.match(await byLabel('Message log').getText(), /"result":"pong"/);
  await browser.$('aside button[aria-label="Dark theme"]').click();
  await screenshot(browser, 'demo-dark.png');
  await browser.$('button*=Stop').click();
  await browser.waitUntil(async () => (await state.getText()).includes('stopped'), { timeout: 10000, timeoutMsg: 'did not stop' });
});

test('a fleet of the model comes alive with live counts and stops', async () => {
  await browser.$('button[role="tab"]*=Fleet of').click();
  await paste(browser, byLabel('Fleet size'), '5');
  await paste(browser, byLabel('Devices started per second'), '50');
  await browser.$('button*=Start fleet').click();
  const connected = byLabel('Connected devices');
  await browser
    .waitUntil(async () => (await connected.getText()) === '5', { timeout: 15000, timeoutMsg: 'the fleet never connected' })
    .catch(async (e) => {
      await screenshot(browser, 'fleet-failed.png');
      throw e;
    });
  await browser.waitUntil(async () => (await byLabel('Rate chart').getHTML()).includes('M0.0'), { timeout: 10000, timeoutMsg: 'no rate chart' });
  await screenshot(browser, 'fleet-dark.png');
  await browser.$('button*=Stop fleet').click();
  await browser.$('button*=Start fleet').waitForDisplayed({ timeout: 10000 });
});
