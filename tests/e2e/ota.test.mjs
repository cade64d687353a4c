// An OTA device end to end against goosebit behind nginx with client-certificate TLS: the
// PEM values pasted into the variables, the check polls the DDI root, and its row shows the
// client certificate, the resource polled, the polling interval and the pending action.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchApp, paste, screenshot } from './driver.mjs';
import { ddiBehindClientCertTls } from './peers.mjs';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopstudio-e2e-ota-'));
let app;
let ddi;
let browser;

before(async () => {
  ddi = await ddiBehindClientCertTls(dataDir);
  app = await launchApp({ LOOPSTUDIO_DB: path.join(dataDir, 'test.db'), LOOPSTUDIO_KEYRING: 'off' });
  browser = app.browser;
});

after(async () => {
  await app?.stop();
  await ddi?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const byLabel = (label) => browser.$(`[aria-label="${label}"]`);

test('an OTA device polls the DDI root over client-certificate TLS, warned of its expiring certificate', async () => {
  await byLabel('New project').click();
  await paste(browser, byLabel('Project name'), 'Updates');
  await browser.$('button=Create project').click();
  await byLabel('OTA_DDI_URL').waitForDisplayed({ timeout: 8000 });
  // The project's values here; the device's certificate and key on the device.
  await paste(browser, byLabel('OTA_DDI_URL'), ddi.url);
  await paste(browser, byLabel('OTA_CA_CERT'), ddi.serverCa);
  await browser.$('button=Save variables').click();
  await browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
  await byLabel('New model').click();
  await browser.$('button*=Add template').waitForDisplayed({ timeout: 8000 });
  await browser.$('button*=Add template').click();
  await browser.$('strong=OTA').click();
  await browser.$('button*=Save').click();
  await browser.waitUntil(async () => !(await browser.$('.unsaved').isExisting()), { timeout: 8000, timeoutMsg: 'model not saved' });
  await byLabel('Add device').click();
  await paste(browser, byLabel('Device name'), 'valve-9');
  await browser.$('button[type="submit"]=Add device').click();
  await browser.$('button[role="tab"]=Variables').waitForDisplayed({ timeout: 8000 });
  await browser.$('button[role="tab"]=Variables').click();
  const device = { OTA_CERT: ddi.clientCert, OTA_PRIVATE_KEY: ddi.clientKey, OTA_CONTROLLER_ID: 'valve-9' };
  for (const [name, value] of Object.entries(device)) await paste(browser, byLabel(name), value);
  await browser.$('button=Save variables').click();
  await browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
  await browser.$('button[role="tab"]=Test').click();
  await browser.$('button*=Run all').click();
  const summary = byLabel('Test summary');
  await summary.waitForDisplayed({ timeout: 20000 });
  // The test's client certificate is valid for two days: a pass, with the expiry warning.
  assert.equal(await summary.getText(), '0 passed · 1 warning · 0 failed · 0 skipped');
  await byLabel('ota details').click();
  const ota = byLabel('OTA summary');
  await ota.waitForDisplayed();
  const text = await ota.getText();
  assert.match(text, /CN=valve-9/);
  assert.match(text, /\/DEFAULT\/controller\/v1\/valve-9/);
  assert.match(text, /00:00:10/);
  assert.match(text, /configData/);
  assert.match(text, /expires in \d days?/);
  await browser.$('aside button[aria-label="Dark theme"]').click();
  await screenshot(browser, 'ota-summary-dark.png');
});
