// Checks through a proxy, end to end: a real tinyproxy and a real Mosquitto. The project's
// PROXY_URL names the proxy and the Test tab's header says so; with Settings → "MQTT through
// the proxy too" the MQTT check climbs a proxy rung (a CONNECT tunnel) and passes; with the
// broker's port closed, the run goes looking for a way round and the "Ways round" section
// says that no way gets through and what to ask IT for.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appWithPeer, paste, projectWithDevice, screenshot } from './driver.mjs';
import { freePort, mosquitto, tinyproxy } from './peers.mjs';

let proxy;
const e2e = appWithPeer('loopstudio-e2e-proxy-', async (dir) => {
  proxy = await tinyproxy(dir);
  const broker = await mosquitto(dir);
  return {
    port: broker.port,
    stop: async () => {
      await broker.stop();
      await proxy.stop();
    },
  };
});
const byLabel = (label) => e2e.browser.$(`[aria-label="${label}"]`);

async function saveProjectVariables(values) {
  for (const [name, value] of Object.entries(values)) await paste(e2e.browser, byLabel(name), value);
  await e2e.browser.$('button=Save variables').click();
  await e2e.browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
}

async function openTestTab() {
  await e2e.browser.$('button=site-1').click();
  await e2e.browser.$('button[role="tab"]=Test').waitForDisplayed({ timeout: 8000 });
  await e2e.browser.$('button[role="tab"]=Test').click();
}

async function setSwitch(label, on) {
  await e2e.browser.$('button*=Settings').click();
  const box = byLabel(label);
  await box.waitForDisplayed({ timeout: 8000 });
  if ((await box.isSelected()) !== on) await box.click();
  assert.equal(await box.isSelected(), on);
}

test('a project with a proxy, an MQTT · TCP model and a device', async () => {
  const values = {
    MQTT_HOST: '127.0.0.1',
    MQTT_TCP_PORT: String(e2e.peer.port),
    MQTT_REQ_TOPIC: 'site/req',
    MQTT_RESP_TOPIC: 'site/resp',
    MQTT_DATA_TOPIC: 'site/data',
    REMOTE_NETWORK: '7f',
    MQTT_CLIENT_ID: 'site-{device}',
    MQTT_USERNAME: '{device}',
    PROXY_URL: `http://127.0.0.1:${proxy.port}`,
  };
  await projectWithDevice(e2e.browser, { project: 'Site', values, template: 'button*=MQTT · TCP', device: 'site-1' });
});

test('with MQTT through the proxy, the check climbs a proxy rung and passes', async () => {
  await setSwitch('MQTT through the proxy too', true);
  await openTestTab();
  const header = byLabel('Proxy');
  await e2e.browser
    .waitUntil(async () => (await header.getText()).startsWith('Through'), { timeout: 8000 })
    .catch(async () => assert.fail(`no proxy in the header: "${await header.getText()}"`));
  assert.equal(await header.getText(), `Through http://127.0.0.1:${proxy.port} (from the project's PROXY_URL; MQTT too)`);
  await e2e.browser.$('button*=Run all').click();
  const summary = byLabel('Test summary');
  await summary.waitForDisplayed({ timeout: 15000 });
  assert.equal(await summary.getText(), '1 passed · 0 warning · 0 failed · 0 skipped');
  await byLabel('mqtt-tcp details').click();
  const ladder = byLabel('mqtt-tcp ladder');
  await ladder.waitForDisplayed();
  const text = await ladder.getText();
  assert.match(text, /✓ proxy/);
  assert.match(text, new RegExp(`through http://127\\.0\\.0\\.1:${proxy.port} \\(from the project's PROXY_URL\\) to 127\\.0\\.0\\.1:${e2e.peer.port} 200`));
  assert.doesNotMatch(text, /✓ dns/, 'the proxy resolves and connects');
  await screenshot(e2e.browser, 'device-test-proxy.png');
});

test('a closed port sends the run looking for a way round, and none gets through', async () => {
  const closed = await freePort();
  await e2e.browser.$('button[aria-label="Project variables"]').click();
  await saveProjectVariables({ MQTT_TCP_PORT: String(closed) });
  await setSwitch('MQTT through the proxy too', false);
  await openTestTab();
  await e2e.browser.waitUntil(async () => (await byLabel('Proxy').getText()).endsWith('MQTT direct)'), { timeout: 8000, timeoutMsg: 'the header did not follow Settings' });
  await e2e.browser.$('button*=Run all').click();
  const ways = byLabel('Ways round');
  await ways.waitForDisplayed({ timeout: 20000 });
  const advice = await byLabel('MQTT advice').getText();
  assert.equal(
    advice,
    `No way to MQTT gets through from this network (TCP ${closed} and TCP ${closed} through the proxy): ask IT to allow outbound TCP ${closed} to 127.0.0.1.`,
  );
  const rows = await ways.getText();
  // WebKit's text of a table may run its cells together.
  assert.match(rows, new RegExp(`blocked\\s*mqtt-tcp\\s*127\\.0\\.0\\.1:${closed}/tcp\\s*direct\\s*TCP_REFUSED\\s*this run`));
  assert.match(rows, new RegExp(`blocked\\s*mqtt-tcp\\s*127\\.0\\.0\\.1:${closed}/tcp\\s*through the proxy\\s*PROXY_ERROR\\s*tried to go round`));
  await screenshot(e2e.browser, 'device-test-ways-round.png');
});
