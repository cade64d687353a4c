// The model editor end to end: create a project and its variables, add an MQTT · TLS
// template through the form, see the lint flag a misspelled placeholder, fix it in the JSON
// view, save, add a device and read its rendered templates. Screenshots in target/e2e/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchApp, paste, screenshot } from './driver.mjs';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopstudio-e2e-models-'));
let app;
let browser;

const CA = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----';

before(async () => {
  app = await launchApp({ LOOPSTUDIO_DB: path.join(dataDir, 'models.db'), LOOPSTUDIO_KEYRING: 'off' });
  browser = app.browser;
});

after(async () => {
  await app?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const byLabel = (label) => browser.$(`[aria-label="${label}"]`);

async function waitForText(selector, expected, timeout = 8000) {
  await browser.waitUntil(async () => (await browser.$(selector).getText()).includes(expected), { timeout }).catch(async () => {
    await screenshot(browser, 'models-failed.png');
    assert.fail(`${selector} never showed "${expected}": it shows "${await browser.$(selector).getText()}"`);
  });
}

test('create a project and set its variables', async () => {
  await byLabel('New project').click();
  await paste(browser, byLabel('Project name'), 'Acme Meters');
  await browser.$('button=Create project').click();
  await byLabel('MQTT_HOST').waitForDisplayed({ timeout: 8000 });
  const values = {
    MQTT_HOST: 'mqtt.acme.example',
    MQTT_REQ_TOPIC: 'acme/req',
    MQTT_RESP_TOPIC: 'acme/resp',
    MQTT_DATA_TOPIC: 'acme/meters/data',
    REMOTE_NETWORK: '7f3a09c2',
    MQTT_CLIENT_ID: 'acme-{device}',
    MQTT_USERNAME: '{device}',
  };
  for (const [name, value] of Object.entries(values)) await paste(browser, byLabel(name), value);
  await paste(browser, byLabel('MQTT_CA_CERT'), CA);
  await browser.$('button=Save variables').click();
  await browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
});

test('add an MQTT · TLS template in the form and see the lint', async () => {
  await byLabel('New model').click();
  await byLabel('Model name').waitForDisplayed({ timeout: 8000 });
  await browser.$('button*=Add template').click();
  await browser.$('button*=MQTT · TLS').click();
  const host = byLabel('mqttHostName');
  await host.waitForDisplayed();
  await paste(browser, host, '%MQTT_HOTS%');
  await waitForText('[aria-label="Lint summary"]', '1 error');
  await waitForText('[aria-label="MQTT · TLS template"]', 'did you mean %MQTT_HOST%?');
  // The input draws the unknown placeholder as a red pill, a known one in its scope's colour.
  assert.match(await browser.$('[aria-label="MQTT · TLS template"] mark.unknown').getHTML(), />%MQTT_HOTS%</);
  assert.match(await browser.$('[aria-label="MQTT · TLS template"] mark.device').getHTML(), />%MQTT_USERNAME%</);
  await screenshot(browser, 'model-lint-error.png');
});

test('fix the placeholder in the JSON view and save', async () => {
  const card = browser.$('[aria-label="MQTT · TLS template"]');
  await card.$('button[role="tab"]=JSON').click();
  const pill = card.$('.cm-content [data-placeholder="MQTT_HOTS"]');
  await pill.waitForDisplayed({ timeout: 8000 });
  // Hovering the flagged placeholder shows the lint tooltip with its quick fix.
  await pill.moveTo();
  const fix = browser.$('.cm-tooltip-lint .cm-diagnosticAction');
  await fix.waitForDisplayed({ timeout: 8000 });
  assert.equal(await fix.getText(), 'Rename to %MQTT_HOST%');
  await fix.click();
  await waitForText('[aria-label="Lint summary"]', 'no problems');
  assert.match(await card.$('.cm-content').getText(), /"mqttHostName": "%MQTT_HOST%"/);
  await screenshot(browser, 'model-json-fixed.png');
  await browser.$('button*=Save').click();
  await browser.waitUntil(async () => !(await browser.$('.unsaved').isExisting()), { timeout: 8000, timeoutMsg: 'still unsaved' });
});

test('add a device and read its rendered templates, secrets masked', async () => {
  await byLabel('Add device').click();
  await paste(browser, byLabel('Device name'), 'meter-0042');
  await browser.$('button[type="submit"]=Add device').click();
  await browser.$('button[role="tab"]=Rendered').waitForDisplayed({ timeout: 8000 });
  await browser.$('button[role="tab"]=Rendered').click();
  await waitForText('.rendered .cm-content', 'mqtt.acme.example');
  const text = await browser.$('.rendered .cm-content').getText();
  assert.match(text, /"mqttClientId": "acme-meter-0042"/);
  assert.match(text, /"mqttUserName": "meter-0042"/);
  assert.match(text, /"mqttSslPort": "8883"/);
  assert.match(text, /"mqttPassword": "••••••••"/);
  await browser.$('aside button[aria-label="Dark theme"]').click();
  await screenshot(browser, 'device-rendered-dark.png');
});

test('the model previews its device, and Collapse all folds every card to a line of keys', async () => {
  await browser.$('ul[aria-label="Models"]').$('button').click();
  const card = browser.$('section[aria-label="MQTT · TLS template"]');
  await card.waitForDisplayed({ timeout: 8000 });
  // Preview as the model's one device: its values beside the model's.
  await browser.waitUntil(async () => (await card.$('thead').getText()).includes('For meter-0042'), {
    timeout: 8000,
    timeoutMsg: 'no "For meter-0042" column',
  });
  // Each value for that device and where it comes from (textContent: the cells are cut
  // with an ellipsis, which WebKit's getText leaves out).
  const previewCells = () =>
    browser.execute(() => [...document.querySelectorAll('section[aria-label="MQTT · TLS template"] td.preview')].map((td) => td.textContent ?? ''));
  await browser
    .waitUntil(async () => (await previewCells()).some((t) => /acme-meter-0042\s+device/.test(t)), { timeout: 5000 })
    .catch(async () => assert.fail(`no "acme-meter-0042 device" among: ${(await previewCells()).join(' | ')}`));
  const previews = await previewCells();
  assert.ok(previews.some((t) => /^8883\s+(default|literal)/.test(t)), previews.join(' | '));
  // The Placeholders tab: every placeholder of the model, its scope and its value there.
  await browser.$('button[role="tab"]*=Placeholders').click();
  const table = browser.$('table[aria-label="Placeholders"]');
  await table.waitForDisplayed({ timeout: 5000 });
  await browser
    .waitUntil(async () => /%MQTT_CLIENT_ID%\s*device\s*MQTT client id of the device\s*acme-meter-0042/.test(await table.getText()), { timeout: 5000 })
    .catch(async () => assert.fail(`no MQTT_CLIENT_ID row with its value in: ${await table.getText()}`));
  // (WebKit's getText runs a table's cells together: the patterns allow no space between.)
  assert.match(await table.getText(), /%MQTT_PASSWORD%\s*device · secret\s*MQTT password of the device\s*••••••••/);
  assert.match(await table.getText(), /%MQTT_CA_CERT%\s*project\s*[^%]*PEM: 1 × certificate/);
  await browser.$('button[role="tab"]*=Templates').click();
  await card.waitForDisplayed({ timeout: 5000 });
  await browser.$('button*=Collapse all').click();
  await card.$('button[aria-label="Expand"]').waitForDisplayed({ timeout: 5000 });
  assert.equal(await card.$('table').isExisting(), false, 'a collapsed card shows no form');
  // (getHTML: WebKit's WebDriver leaves text cut with an ellipsis out of getText.)
  assert.match(await card.$('header .summary').getHTML(), /mqttHostName · mqttSslPort/);
  await browser.$('button*=Expand all').click();
  await card.$('table').waitForDisplayed({ timeout: 5000 });
});
