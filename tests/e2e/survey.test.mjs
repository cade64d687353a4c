// A site survey in the app against a real Mosquitto: the Site survey view runs every check
// of the project's device, shows the endpoint reachable and the request for IT (one rule for
// the broker's port), and offers both exports.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appWithPeer, projectWithDevice, screenshot } from './driver.mjs';
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
