// A LwM2M device end to end against lwm2m-node-lib: the check registers, answers the
// server's read of /3/0, updates and de-registers, and its row opens on the message sequence;
// then the same device runs in the Demo tab (its LwM2M pill, the server's read in the log)
// and de-registers when stopped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertAccessible } from './axe.mjs';
import { appWithPeer, projectWithDevice, screenshot } from './driver.mjs';
import { lwm2mServer } from './peers.mjs';

const e2e = appWithPeer('loopstudio-e2e-lwm2m-', lwm2mServer);
const byLabel = (label) => e2e.browser.$(`[aria-label="${label}"]`);

test('a LWM2M device registers, answers the server read and shows the conversation', async () => {
  const values = {
    LWM2M_HOST: '127.0.0.1',
    LWM2M_NOSEC_PORT: String(e2e.peer.port),
    LWM2M_ENDPOINT: 'field-{device}',
    REMOTE_NETWORK: '7f',
  };
  await projectWithDevice(e2e.browser, { project: 'Field', values, template: 'strong=LWM2M', device: 'valve-7' });
  await e2e.browser.$('button[role="tab"]=Test').click();
  await e2e.browser.$('button*=Run all').click();
  const summary = byLabel('Test summary');
  await summary.waitForDisplayed({ timeout: 20000 });
  assert.equal(await summary.getText(), '1 passed · 0 warning · 0 failed · 0 skipped');
  await byLabel('lwm2m-nosec details').click();
  const sequence = byLabel('Message sequence');
  await sequence.waitForDisplayed();
  const text = await sequence.getText();
  assert.match(text, /0\.02 POST/);
  assert.match(text, /2\.01 Created/);
  assert.match(text, /\/rd\/\d+/);
  assert.match(text, /0\.01 GET\s*\/3\/0/);
  assert.match(await byLabel('Server requests').getText(), /GET \/3\/0 → 2\.05 Content/);
  assert.match(e2e.peer.log(), /READ ep=field-valve-7 ok code=2\.05/);
  await screenshot(e2e.browser, 'lwm2m-sequence.png');
  await assertAccessible(e2e.browser, 'lwm2m-sequence');
  await e2e.browser.$('aside button[aria-label="Dark theme"]').click();
  await screenshot(e2e.browser, 'lwm2m-sequence-dark.png');
  await assertAccessible(e2e.browser, 'lwm2m-sequence-dark');
});

test('the LwM2M device comes alive in the Demo tab and de-registers on stop', async () => {
  await e2e.browser.$('button[role="tab"]=Demo').click();
  await e2e.browser.$('button*=Start').click();
  const state = byLabel('LwM2M state');
  await e2e.browser
    .waitUntil(async () => (await state.getText()).includes('registered'), { timeout: 10000, timeoutMsg: 'never registered' })
    .catch(async (e) => {
      await screenshot(e2e.browser, 'demo-lwm2m-failed.png');
      throw e;
    });
  const log = byLabel('Message log');
  await e2e.browser.waitUntil(async () => (await log.getText()).includes('GET /3/0'), { timeout: 10000, timeoutMsg: 'the server read nothing' });
  await screenshot(e2e.browser, 'demo-lwm2m-dark.png');
  await e2e.browser.$('button*=Stop').click();
  await e2e.browser.waitUntil(async () => (await state.getText()).includes('stopped'), { timeout: 10000, timeoutMsg: 'did not stop' });
  assert.match(e2e.peer.log(), /UNREGISTERED ep=field-valve-7 reason=deregister/);
});
