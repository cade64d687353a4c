// The app shell end to end: the real built app, its window, one IPC round trip (app_info)
// shown in the About panel, and both themes, with screenshots kept under target/e2e/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchApp, screenshot, workspaceVersion } from './driver.mjs';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopstudio-e2e-'));
const dbPath = path.join(dataDir, 'e2e.db');
let app;

before(async () => {
  app = await launchApp({ LOOPSTUDIO_DB: dbPath, LOOPSTUDIO_KEYRING: 'off' });
});

after(async () => {
  await app?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('the window is titled Loop Studio and shows the frame', async () => {
  const { browser } = app;
  assert.equal(await browser.getTitle(), 'Loop Studio');
  for (const name of ['Sidebar', 'Status bar', 'Sections']) {
    assert.ok(await browser.$(`[aria-label="${name}"]`).isDisplayed(), `${name} is shown`);
  }
});

test('the About panel shows the version and database path from Rust', async () => {
  const { browser } = app;
  await browser.$('aside').$('button*=About Loop Studio').click();
  const version = browser.$('[aria-label="Version"]');
  await version.waitForDisplayed({ timeout: 10000 });
  assert.equal(await version.getText(), workspaceVersion());
  assert.equal(await browser.$('[aria-label="Database path"]').getText(), dbPath);
  assert.match(await browser.$('[aria-label="Secrets location"]').getText(), /key file .*e2e\.db\.key/);
  // The status bar shows the same database path.
  assert.match(await browser.$('[aria-label="Status bar"]').getText(), new RegExp(dbPath.replaceAll('.', '\\.')));
});

test('light and dark themes can be chosen and are drawn', async () => {
  const { browser } = app;
  const themeOf = () => browser.execute(() => document.documentElement.dataset.theme);
  const background = () =>
    browser.execute(() => getComputedStyle(document.querySelector('main')).backgroundColor);

  await browser.$('aside button[aria-label="Light theme"]').click();
  assert.equal(await themeOf(), 'light');
  const light = await background();
  await screenshot(browser, 'about-light.png');

  await browser.$('aside button[aria-label="Dark theme"]').click();
  assert.equal(await themeOf(), 'dark');
  assert.notEqual(await background(), light);
  assert.equal(await browser.$('aside button[aria-label="Dark theme"]').getAttribute('aria-pressed'), 'true');
  const file = await screenshot(browser, 'about-dark.png');
  assert.ok(fs.statSync(file).size > 10_000, 'the screenshot holds a real picture');
});

test('Ctrl+K jumps to a section by name', async () => {
  const { browser } = app;
  await browser.keys(['Control', 'k']);
  const jump = browser.$('input[aria-label="Jump to"]');
  assert.equal(await jump.isFocused(), true);
  await jump.setValue('port');
  await browser.keys('Enter');
  await browser.waitUntil(async () => (await browser.$('#main-title').getText()) === 'Port sweep', {
    timeout: 5000,
    timeoutMsg: 'Jump to did not open Port sweep',
  });
});
