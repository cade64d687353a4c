// The keyboard paths of UI.md on the sample project: Ctrl+K jumps to a model by name, Esc
// closes the open menu, Ctrl+Z and Ctrl+Shift+Z undo and redo an edit, Ctrl+S saves it (and
// the saved name is what the models table and the sidebar show). Ctrl+Enter running a
// device's checks is covered by device-test.test.mjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchApp, openSampleProject } from './driver.mjs';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopstudio-e2e-keys-'));
let app;

before(async () => {
  app = await launchApp({ LOOPSTUDIO_DB: path.join(dataDir, 'keys.db'), LOOPSTUDIO_KEYRING: 'off' });
  await openSampleProject(app.browser);
});

after(async () => {
  await app?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const nameInput = () => app.browser.$('input[aria-label="Model name"]');

async function nameBecomes(value, why) {
  await app.browser.waitUntil(async () => (await nameInput().getValue()) === value, {
    timeout: 5000,
    timeoutMsg: `${why}: the model name is ${JSON.stringify(await nameInput().getValue())}`,
  });
}

test('Ctrl+K opens a model by name', async () => {
  const { browser } = app;
  await browser.keys(['Control', 'k']);
  const jump = browser.$('input[aria-label="Jump to"]');
  assert.equal(await jump.isFocused(), true, 'Ctrl+K puts the focus in Jump to');
  await jump.setValue('Gateway LE');
  await browser.keys('Enter');
  await nameInput().waitForDisplayed({ timeout: 5000 });
  await nameBecomes('Gateway LE-200', 'Jump to opened another model');
});

test('Esc closes the template kinds menu', async () => {
  const { browser } = app;
  await browser.$('button*=Add template').click();
  const menu = browser.$('ul[aria-label="Template kinds"]');
  await menu.waitForDisplayed({ timeout: 3000 });
  await browser.keys('Escape');
  await menu.waitForDisplayed({ reverse: true, timeout: 3000, timeoutMsg: 'Esc left the menu open' });
});

test('Ctrl+Z and Ctrl+Shift+Z undo and redo an edit, Ctrl+S saves it', async () => {
  const { browser } = app;
  const input = nameInput();
  await input.click();
  await browser.keys(['End']);
  await browser.keys([' ', 'X', '2']);
  await nameBecomes('Gateway LE-200 X2', 'typing');
  await browser.keys(['Control', 'z']);
  await nameBecomes('Gateway LE-200', 'Ctrl+Z');
  await browser.keys(['Control', 'Shift', 'z']);
  await nameBecomes('Gateway LE-200 X2', 'Ctrl+Shift+Z');
  await browser.keys(['Control', 's']);
  // Saved: the sidebar's model list and the project's models table show the new name, and
  // the old one is gone. (textContent: WebKit's WebDriver leaves button text out of getText.)
  const sidebarModels = () =>
    browser.execute(() =>
      [...document.querySelectorAll('ul[aria-label="Models"] .name')].map((n) => n.textContent),
    );
  await browser.waitUntil(async () => (await sidebarModels()).includes('Gateway LE-200 X2'), {
    timeout: 5000,
    timeoutMsg: 'Ctrl+S did not save the renamed model',
  });
  assert.equal((await sidebarModels()).includes('Gateway LE-200'), false, 'the old name left the sidebar');
  await browser.$('button*=Models').click();
  const table = browser.$('table[aria-label="Models"]');
  await table.waitForDisplayed({ timeout: 5000 });
  const text = await table.getText();
  assert.match(text, /Gateway LE-200 X2/);
  assert.doesNotMatch(text, /Gateway LE-200\s*\n/, 'the old name is gone');
});
