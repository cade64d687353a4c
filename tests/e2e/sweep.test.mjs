// The Port sweep view end to end, against a real Mosquitto: tiles fill in with each port's
// state, a closed port opens its hint and reproduce command. Screenshot in target/e2e/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchApp, paste, screenshot } from './driver.mjs';
import { freePort, mosquitto } from './peers.mjs';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopstudio-e2e-sweep-'));
let app;
let broker;

before(async () => {
  broker = await mosquitto(dataDir);
  app = await launchApp({ LOOPSTUDIO_DB: path.join(dataDir, 'sweep.db'), LOOPSTUDIO_KEYRING: 'off' });
});

after(async () => {
  await app?.stop();
  await broker?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a sweep shows an open broker and a closed port, with the reason', async () => {
  const { browser } = app;
  const closed = await freePort();
  await browser.$('button*=Port sweep').click();
  await paste(browser, browser.$('[aria-label="Host"]'), '127.0.0.1');
  await paste(browser, browser.$('[aria-label="Ports"]'), `mqtt=${broker.port},mqtts=${closed}`);
  await browser.$('button*=Sweep').click();
  const summary = browser.$('[aria-label="Sweep summary"]');
  await summary.waitForDisplayed({ timeout: 10000 });
  assert.equal(await summary.getText(), '1 open · 0 warn · 1 closed / filtered');
  const tile = (port) => browser.$(`button[data-port="${port}"]`);
  const open = await tile(`mqtt ${broker.port}/tcp`).getText();
  assert.match(open, new RegExp(`^open[\\s\\S]*${broker.port}/tcp[\\s\\S]*MQTT[\\s\\S]*MQTT CONNECT →`));
  assert.match(await tile(`mqtts ${closed}/tcp`).getText(), /^closed[\s\S]*MQTTS/);
  await tile(`mqtts ${closed}/tcp`).click();
  const detail = browser.$('[aria-label="Port detail"]');
  await detail.waitForDisplayed();
  const text = await detail.getText();
  assert.match(text, /TCP_REFUSED/);
  assert.match(text, /nothing listens on this port/);
  assert.match(text, new RegExp(`openssl s_client -connect 127\\.0\\.0\\.1:${closed}`));
  await screenshot(browser, 'port-sweep-lab.png');
});
