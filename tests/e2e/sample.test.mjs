// A first start: on an empty database the first screen offers the sample project; one click
// makes "Acme Meters" (four models, 174 devices, three sample runs) and opens it, so every
// screen has something to show.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchApp, screenshot } from './driver.mjs';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopstudio-e2e-sample-'));
let app;

before(async () => {
  app = await launchApp({ LOOPSTUDIO_DB: path.join(dataDir, 'sample.db'), LOOPSTUDIO_KEYRING: 'off' });
});

after(async () => {
  await app?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('one click on the first screen opens the sample project', async () => {
  const { browser } = app;
  const button = browser.$('button*=Open the sample project');
  await button.waitForDisplayed({ timeout: 10000 });
  await screenshot(browser, 'first-start.png');
  await button.click();
  const models = browser.$('table[aria-label="Models"]');
  await models.waitForDisplayed({ timeout: 30000 });
  const table = await models.getText();
  for (const name of ['Smart meter v2', 'Smart meter v1', 'Gateway LE-200', 'Water sensor']) {
    assert.match(table, new RegExp(name), `${name} is listed`);
  }
  assert.match(await browser.$('[aria-label="Sidebar"]').getText(), /Acme Meters[\s\S]*174/);
  await screenshot(browser, 'sample-project.png');

  await browser.$('button*=Runs').click();
  const runs = browser.$('table[aria-label="Runs"]');
  await runs.waitForDisplayed({ timeout: 8000 });
  const rows = await runs.$$('tbody tr');
  assert.equal(rows.length, 3, 'the three sample runs');
  assert.match(await runs.getText(), /meter-0042[\s\S]*1 fail/);
});
