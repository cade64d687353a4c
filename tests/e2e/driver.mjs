// Starts tauri-driver (which starts WebKitWebDriver, which starts the app) and opens a
// WebdriverIO session on it. The app binary comes from LOOPSTUDIO_APP; the display must
// already exist (the test command runs everything under xvfb-run).
//
// tauri-driver is stopped with SIGTERM to its whole process group: SIGKILL would leave
// WebKitWebDriver and the app running (DESIGN.md §1 build facts).
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { remote } from 'webdriverio';
import { freePort, waitForTcp } from './peers.mjs';

export const REPO = path.resolve(import.meta.dirname, '../..');
export const SHOTS = path.join(REPO, 'target', 'e2e');

function tauriDriverPath() {
  const home = process.env.CARGO_HOME ?? path.join(process.env.HOME ?? '/root', '.cargo');
  const candidate = path.join(home, 'bin', 'tauri-driver');
  return fs.existsSync(candidate) ? candidate : 'tauri-driver';
}

/**
 * Registers a test file's before/after hooks: a fresh data folder, a peer from
 * `startPeer(dir)` (stopped after), and the app on its own database there. The returned
 * object fills in when the hooks have run: `{ dataDir, peer, browser }`.
 */
export function appWithPeer(prefix, startPeer) {
  const session = { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), prefix)), peer: null, app: null, browser: null };
  before(async () => {
    session.peer = await startPeer(session.dataDir);
    session.app = await launchApp({ LOOPSTUDIO_DB: path.join(session.dataDir, 'test.db'), LOOPSTUDIO_KEYRING: 'off' });
    session.browser = session.app.browser;
  });
  after(async () => {
    await session.app?.stop();
    await session.peer?.stop();
    fs.rmSync(session.dataDir, { recursive: true, force: true });
  });
  return session;
}

/**
 * Launches the app under WebDriver. `env` is added to the app's environment (tauri-driver's
 * children inherit it). Returns `{ browser, stop }`.
 *
 * One failed start is tried again on fresh ports: tauri-driver can take the session request
 * before WebKitWebDriver listens, or a port picked as free can be taken before it is bound
 * (both seen once in CI, each failing a whole test file).
 */
export async function launchApp(env = {}) {
  try {
    return await launchOnce(env);
  } catch (err) {
    console.error(`launching the app failed (${err.message}); trying once more on fresh ports`);
    return launchOnce(env);
  }
}

async function launchOnce(env) {
  const application = process.env.LOOPSTUDIO_APP;
  if (!application || !fs.existsSync(application)) {
    throw new Error(`LOOPSTUDIO_APP must name the built app binary (got ${application})`);
  }
  const port = await freePort();
  const nativePort = await freePort();
  // The webview keeps local storage (theme, drafts) under XDG_DATA_HOME: give every launch
  // its own, so tests never see each other's state or the user's.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'loopstudio-e2e-home-'));
  env = {
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    // GTK's file chooser saves its settings; in memory, not in the user's dconf.
    GSETTINGS_BACKEND: 'memory',
    // The app paints without WebKit's compositing (lib.rs), but WebKitWebDriver's screenshot
    // can hang for good on such a page (seen under Xvfb: two minutes, then a timeout), so the
    // e2e suite runs it with compositing on. The shipped mode's paint is what
    // scripts/bench.sh app reads off the screen.
    LOOPSTUDIO_WEBKIT_COMPOSITING: '1',
    ...env,
  };
  const driver = spawn(
    tauriDriverPath(),
    ['--port', String(port), '--native-port', String(nativePort)],
    {
      env: { ...process.env, ...env },
      detached: true, // its own process group, so one signal reaches WebKitWebDriver and the app
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const stopDriver = async () => {
    if (driver.exitCode !== null || driver.signalCode !== null) return;
    try {
      process.kill(-driver.pid, 'SIGTERM');
    } catch {
      return;
    }
    await Promise.race([once(driver, 'exit'), sleep(5000)]);
  };
  try {
    await waitForTcp(port, driver, 'tauri-driver', 15000);
    await waitForTcp(nativePort, driver, 'WebKitWebDriver (through tauri-driver)', 15000);
    const browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'warn',
      connectionRetryCount: 0,
      capabilities: { 'tauri:options': { application } },
    });
    const stop = async () => {
      await browser.deleteSession().catch(() => {});
      await stopDriver();
      fs.rmSync(home, { recursive: true, force: true });
    };
    return { browser, stop };
  } catch (err) {
    await stopDriver();
    throw err;
  }
}

/** On a first start (an empty database): one click on "Open the sample project", then its
 * models table. */
export async function openSampleProject(browser) {
  const button = browser.$('button*=Open the sample project');
  await button.waitForDisplayed({ timeout: 10000 });
  await button.click();
  await browser.$('table[aria-label="Models"]').waitForDisplayed({ timeout: 30000 });
}

export async function screenshot(browser, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  // WebKit's screenshot can show the last painted frame: let two frames pass first.
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const file = path.join(SHOTS, name);
  await browser.saveScreenshot(file);
  return file;
}

/** The version the build should show: the workspace version in Cargo.toml. */
export function workspaceVersion() {
  const manifest = fs.readFileSync(path.join(REPO, 'Cargo.toml'), 'utf8');
  const match = manifest.match(/\[workspace\.package\][^[]*?\nversion\s*=\s*"([^"]+)"/);
  if (!match) throw new Error('no [workspace.package] version in Cargo.toml');
  return match[1];
}

/**
 * Puts `value` into an input or textarea the way a paste does: sets it and fires `input`.
 * WebKitWebDriver's typing drops repeated characters ("-----" arrives as "-", "0042" as
 * "042"), so tests that need exact text use this instead of setValue.
 */
export async function paste(browser, element, value) {
  const el = await element;
  await el.waitForDisplayed({ timeout: 8000 });
  await browser.execute(
    (el, text) => {
      el.focus();
      el.value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    el,
    value,
  );
}

/**
 * Makes what most end-to-end tests start from, through the UI: project `project` with
 * `values` saved as its variables, a model of one template (`template` is the selector of its
 * entry in "Add template", e.g. 'button*=MQTT · TCP'), and device `device`. Returns once the
 * device's tabs show.
 */
export async function projectWithDevice(browser, { project, values, template, device }) {
  const byLabel = (label) => browser.$(`[aria-label="${label}"]`);
  await byLabel('New project').click();
  await paste(browser, byLabel('Project name'), project);
  await browser.$('button=Create project').click();
  await byLabel(Object.keys(values)[0]).waitForDisplayed({ timeout: 8000 });
  for (const [name, value] of Object.entries(values)) await paste(browser, byLabel(name), value);
  await browser.$('button=Save variables').click();
  await browser.$('span=Saved').waitForDisplayed({ timeout: 8000 });
  await byLabel('New model').click();
  await browser.$('button*=Add template').waitForDisplayed({ timeout: 8000 });
  await browser.$('button*=Add template').click();
  await browser.$(template).click();
  await browser.$('button*=Save').click();
  await browser.waitUntil(async () => !(await browser.$('.unsaved').isExisting()), { timeout: 8000, timeoutMsg: 'model not saved' });
  await byLabel('Add device').click();
  await paste(browser, byLabel('Device name'), device);
  await browser.$('button[type="submit"]=Add device').click();
  await browser.$('button[role="tab"]=Test').waitForDisplayed({ timeout: 8000 });
}

/**
 * Answers the app's native Save dialog (GTK, opened by the dialog plugin) the way a person
 * does: waits for the window titled `title`, focuses it, types `file` (a whole path) into
 * its name field and presses Enter. xdotool drives it through the X server of the test
 * display; the dialog is a real GTK window outside the webview, so WebDriver cannot.
 */
export async function answerSaveDialog(title, file, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let window = '';
  while (!window) {
    try {
      window = execFileSync('xdotool', ['search', '--onlyvisible', '--name', `^${title}$`], { encoding: 'utf8' }).trim().split('\n')[0];
    } catch {
      // xdotool exits 1 while no window matches yet
    }
    if (window) break;
    if (Date.now() > deadline) throw new Error(`no "${title}" dialog appeared`);
    await sleep(200);
  }
  execFileSync('xdotool', ['windowfocus', '--sync', window]);
  execFileSync('xdotool', ['key', '--clearmodifiers', 'ctrl+a']);
  execFileSync('xdotool', ['type', '--delay', '15', file]);
  execFileSync('xdotool', ['key', 'Return']);
}

/** Waits until `file` exists and is not empty; returns its text. */
export async function fileWritten(file, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!(fs.existsSync(file) && fs.statSync(file).size > 0)) {
    if (Date.now() > deadline) throw new Error(`${file} was not written`);
    await sleep(100);
  }
  return fs.readFileSync(file, 'utf8');
}
