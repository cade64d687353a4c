// A site survey in the app against a real Mosquitto: the Site survey view runs every check
// of the project's device, shows the endpoint reachable and the request for IT (one rule for
// the broker's port), and offers both exports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appWithPeer, paste, screenshot } from './driver.mjs';
import { mosquitto } from './peers.mjs';

const e2e = appWithPeer('loopstudio-e2e-survey-', mosquitto);
const byLabel = (label) => e2e.browser.$(`[aria-label="${label}"]`);

test('a project with an MQTT · TCP model and a device', async () => {
  await byLabel('New project').click();
  await paste(e2e.browser, byLabel('Project name'), 'Plant');
  await e2e.browser.$('button=Create project').click();
  await byLabel('MQTT_HOST').waitForDisplayed({ timeout: 8000 });
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
  for (const [name, value] of Object.entries(values)) await paste(e2e.browser, byLabel(name), value);
  await e2e.browser.$('button=Save variables').click();
  await e2e.browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
  await byLabel('New model').click();
  await e2e.browser.$('button*=Add template').waitForDisplayed({ timeout: 8000 });
  await e2e.browser.$('button*=Add template').click();
  await e2e.browser.$('button*=MQTT · TCP').click();
  await e2e.browser.$('button*=Save').click();
  await e2e.browser.waitUntil(async () => !(await e2e.browser.$('.unsaved').isExisting()), { timeout: 8000, timeoutMsg: 'model not saved' });
  await byLabel('Add device').click();
  await paste(e2e.browser, byLabel('Device name'), 'press-1');
  await e2e.browser.$('button[type="submit"]=Add device').click();
  await e2e.browser.$('button[role="tab"]=Test').waitForDisplayed({ timeout: 8000 });
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
