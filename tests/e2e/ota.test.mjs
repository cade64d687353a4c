// An OTA device end to end against goosebit behind nginx with client-certificate TLS: the
// PEM values pasted into the variables, the check polls the DDI root, and its row shows the
// client certificate, the resource polled, the polling interval and the pending action.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appWithPeer, paste, screenshot } from './driver.mjs';
import { ddiBehindClientCertTls } from './peers.mjs';

const e2e = appWithPeer('loopstudio-e2e-ota-', ddiBehindClientCertTls);
const byLabel = (label) => e2e.browser.$(`[aria-label="${label}"]`);

test('an OTA device polls the DDI root over client-certificate TLS, warned of its expiring certificate', async () => {
  await byLabel('New project').click();
  await paste(e2e.browser, byLabel('Project name'), 'Updates');
  await e2e.browser.$('button=Create project').click();
  await byLabel('OTA_DDI_URL').waitForDisplayed({ timeout: 8000 });
  // The project's values here; the device's certificate and key on the device.
  await paste(e2e.browser, byLabel('OTA_DDI_URL'), e2e.peer.url);
  await paste(e2e.browser, byLabel('OTA_CA_CERT'), e2e.peer.serverCa);
  await e2e.browser.$('button=Save variables').click();
  await e2e.browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
  await byLabel('New model').click();
  await e2e.browser.$('button*=Add template').waitForDisplayed({ timeout: 8000 });
  await e2e.browser.$('button*=Add template').click();
  await e2e.browser.$('strong=OTA').click();
  await e2e.browser.$('button*=Save').click();
  await e2e.browser.waitUntil(async () => !(await e2e.browser.$('.unsaved').isExisting()), { timeout: 8000, timeoutMsg: 'model not saved' });
  await byLabel('Add device').click();
  await paste(e2e.browser, byLabel('Device name'), 'valve-9');
  await e2e.browser.$('button[type="submit"]=Add device').click();
  await e2e.browser.$('button[role="tab"]=Variables').waitForDisplayed({ timeout: 8000 });
  await e2e.browser.$('button[role="tab"]=Variables').click();
  const device = { OTA_CERT: e2e.peer.clientCert, OTA_PRIVATE_KEY: e2e.peer.clientKey, OTA_CONTROLLER_ID: 'valve-9' };
  for (const [name, value] of Object.entries(device)) await paste(e2e.browser, byLabel(name), value);
  await e2e.browser.$('button=Save variables').click();
  await e2e.browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
  await e2e.browser.$('button[role="tab"]=Test').click();
  await e2e.browser.$('button*=Run all').click();
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
  await e2e.browser.$('aside button[aria-label="Dark theme"]').click();
  await screenshot(e2e.browser, 'ota-summary-dark.png');
});
