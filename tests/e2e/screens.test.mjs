// Every screen of the sample project "Acme Meters", in the light and the dark theme, at the
// app's own 1440×900 window: the model editor (Smart meter v2), meter-0042's Test and Demo
// tabs, the Port sweep (of 127.0.0.1 only), the Runs history and a comparison of two of
// meter-0042's runs. Each is saved under the name of its mock in /work/shared/ui-mocks/
// (target/e2e/<mock>.png and <mock>-dark.png) and passes an axe-core audit with no
// 'serious' or 'critical' violation; every audit's violations are also written to
// target/e2e/axe-<mock>[-dark].json. Nothing here talks to a host other than 127.0.0.1: no
// check is run, no demo started.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { assertAccessible } from './axe.mjs';
import { launchApp, openSampleProject, paste, screenshot } from './driver.mjs';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopstudio-e2e-screens-'));
let app;

before(async () => {
  app = await launchApp({
    LOOPSTUDIO_DB: path.join(dataDir, 'screens.db'),
    LOOPSTUDIO_KEYRING: 'off',
    // The sweep of 127.0.0.1 goes direct whatever proxy the environment names.
    NO_PROXY: '*',
    no_proxy: '*',
  });
  await openSampleProject(app.browser);
});

after(async () => {
  await app?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const $ = (selector) => app.browser.$(selector);
const byLabel = (label) => $(`[aria-label="${label}"]`);
// (WebdriverIO's text selectors, `button*=Runs`, take no CSS before them: chain `$` instead.)

/** Switches the theme with the sidebar footer's toggle and waits until <html> has it. */
async function useTheme(theme) {
  await $(`aside button[aria-label="${theme === 'dark' ? 'Dark' : 'Light'} theme"]`).click();
  await app.browser.waitUntil(
    async () => (await app.browser.execute(() => document.documentElement.dataset.theme)) === theme,
    { timeout: 5000, timeoutMsg: `the ${theme} theme was not applied` },
  );
}

/** The screen on show, in `theme`: saved as `<mock>.png` (`<mock>-dark.png`), then audited. */
async function showIn(theme, mock) {
  await useTheme(theme);
  const name = theme === 'dark' ? `${mock}-dark` : mock;
  await screenshot(app.browser, `${name}.png`);
  await assertAccessible(app.browser, name);
}

/**
 * A screen, as two tests (light, then dark): `open` brings it up once, before the light one;
 * the dark one shows the same screen, so a failed audit in one theme still lets the other run.
 */
function screen(title, mock, open) {
  let opened;
  for (const theme of ['light', 'dark']) {
    test(`${title} · ${theme}`, async () => {
      opened ??= open();
      await opened;
      await showIn(theme, mock);
    });
  }
}

async function openDevice(name) {
  await paste(app.browser, byLabel('Filter devices'), name);
  const row = $(`button[role="option"]=${name}`);
  await row.waitForDisplayed({ timeout: 8000 });
  await row.click();
  await $('button[role="tab"]=Test').waitForDisplayed({ timeout: 8000 });
}

screen('model editor: Smart meter v2', 'model-editor', async () => {
  await $('ul[aria-label="Models"]').$('button*=Smart meter v2').click();
  await app.browser.waitUntil(async () => (await byLabel('Model name').getValue()) === 'Smart meter v2', {
    timeout: 8000,
    timeoutMsg: 'the model editor did not open Smart meter v2',
  });
});

screen('meter-0042 · Test tab', 'device-test', async () => {
  await openDevice('meter-0042');
  await $('button[role="tab"]=Test').click();
  await $('table[aria-label="Checks"]').waitForDisplayed({ timeout: 8000 });
  // The tab opens with the device's last full run from the history (the sample's, with
  // mqtt-tls failing on an expired certificate) and that check open, as in the mock. No check
  // is run here: the sample's endpoints are acme.example hosts.
  const failed = $('table[aria-label="Checks"] tr.row.fail button[aria-label="mqtt-tls details"]');
  await failed.waitForDisplayed({ timeout: 8000, timeoutMsg: 'the stored run with mqtt-tls failing is not shown' });
  if ((await failed.getAttribute('aria-expanded')) !== 'true') await failed.click();
  await byLabel('Certificate chain').waitForDisplayed({ timeout: 5000 });
  assert.match(await byLabel('mqtt-tls diagnosis').getText(), /TLS_EXPIRED/);
  assert.match(await byLabel('Certificate 1').getText(), /LEAF[\s\S]*expired \d+ h ago/i);
  assert.match(await byLabel('Certificate 3').getText(), /ROOT[\s\S]*self-signed/i);
  assert.match(await byLabel('Shown run').getText(), /last full run[\s\S]*sample run/);
  // The line "Copy as loopcheck" copies, quoted by the core.
  const copy = $('button*=Copy as loopcheck');
  await app.browser.waitUntil(async () => (await copy.getAttribute('title')) !== '', { timeout: 5000, timeoutMsg: 'no loopcheck line' });
  assert.equal(await copy.getAttribute('title'), "loopcheck check --project 'Acme Meters' --device meter-0042");
});

// demo.png itself is the running device against a real broker (demo.test.mjs).
screen('meter-0042 · Demo tab', 'demo-idle', async () => {
  await openDevice('meter-0042');
  await $('button[role="tab"]=Demo').click();
  await $('button*=Start').waitForDisplayed({ timeout: 8000 }); // as it opens: not started
});

screen('Port sweep of 127.0.0.1', 'port-sweep', async () => {
  await $('aside').$('button*=Port sweep').click();
  await paste(app.browser, byLabel('Host'), '127.0.0.1');
  await $('form[aria-label="Port sweep"] button[type="submit"]').click();
  await byLabel('Sweep summary').waitForDisplayed({ timeout: 60000, timeoutMsg: 'the sweep of 127.0.0.1 did not finish' });
  // Open one tile's detail, as the mock does.
  await $('[role="group"][aria-label="Ports"] button').click();
  await byLabel('Port detail').waitForDisplayed({ timeout: 5000 });
});

screen('Runs', 'runs', async () => {
  await $('aside').$('button*=Runs').click();
  await $('table[aria-label="Runs"]').waitForDisplayed({ timeout: 8000 });
});

screen('Runs · two runs of meter-0042 compared', 'runs-compare', async () => {
  await $('aside').$('button*=Runs').click();
  await $('table[aria-label="Runs"]').waitForDisplayed({ timeout: 8000 });
  const ids = await app.browser.execute(() =>
    [...document.querySelectorAll('table[aria-label="Runs"] tbody tr')]
      .filter((tr) => tr.cells[2]?.textContent.trim() === 'meter-0042')
      .map((tr) => tr.querySelector('input[type="checkbox"]').getAttribute('aria-label')),
  );
  assert.ok(ids.length >= 2, `two runs of meter-0042 to compare (the Runs table has ${ids.length})`);
  for (const label of ids.slice(0, 2)) {
    const box = byLabel(label);
    if (!(await box.isSelected())) await box.click();
  }
  await $('button=Compare the two ticked runs').click();
  await $('section[aria-label="Comparison"]').waitForDisplayed({ timeout: 8000 });
});
