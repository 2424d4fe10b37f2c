// Mode code in Chromium (issue 23): the code step with JavaScript (web/index.html's
// #code-step over the API) and without it (web/code.html), by keyboard, with axe. The code
// is read from the email the SMTP sink on loopback received. Chromium-only, through
// Playwright like admin.test.mjs: it needs per-context CSP bypass for axe, a context with
// scripts off, and navigation responses' statuses.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {axeViolations, launchBrowser, startServer, webDir} from './harness.mjs';
import {startSink, waitFor} from '../server/smtp-sink.mjs';

const env = {};
before(async () => {
  env.sink = await startSink();
  env.server = await startServer({args: [
    '--mail-mode', 'code', '--smtp-relay', `smtp://127.0.0.1:${env.sink.port}`, '--smtp-tls', 'off',
    '--smtp-from', 'objections@example.org']});
  env.browser = await launchBrowser();
});
after(async () => {
  await env.browser?.close();
  await env.server?.stop();
  await env.sink?.close();
});

// The page in a Playwright context, once its validator is in, with its script errors
// collected (harness.mjs's openPage takes an engines.mjs browser instead).
async function openPage(context, url, locale) {
  const page = await context.newPage();
  page.pageErrors = [];
  page.on('pageerror', (error) => page.pageErrors.push(String(error)));
  await page.goto(`${url}?lang=${locale}`);
  await page.waitForFunction(() => performance.getEntriesByName('veto:ready').length > 0);
  return page;
}

const catalog = (locale) => JSON.parse(readFileSync(path.join(webDir, 'i18n', `${locale}.json`), 'utf8'));
const codeMails = (to) => env.sink.messages.filter((m) => m.envelope.to[0] === to && /^<code\./.test(m.parsed.messageId));
async function codeFor(to, count = 1) {
  await waitFor(() => codeMails(to).length >= count, 10000, `code email ${count} to ${to}`);
  return /^\s+(\d{6})$/m.exec(codeMails(to)[count - 1].parsed.text)[1];
}
const otherThan = (code) => String((Number(code) + 1) % 1000000).padStart(6, '0');
const focused = (page) => page.evaluate(() => document.activeElement?.id);
const receiptMailed = (receipt) => waitFor(
    () => env.sink.messages.some((m) => m.parsed.messageId === `<receipt.${receipt}@example.org>`), 10000, 'the receipt');

async function fillForm(page, email) {
  await page.fill('#email', email);
  await page.selectOption('#country', 'AT');
  await page.fill('#justification', 'I share family photos and private posts. I do not want them used to train AI models.');
}

test('with JS, by keyboard: code step, wrong code, resend, change the address, confirm; axe', async () => {
  const context = await env.browser.newContext({bypassCSP: true});  // bypassCSP: for axe only
  try {
    const page = await openPage(context, env.server.url, 'fi');
    const t = catalog('fi');
    const to = 'keyboard@example.de';
    assert.equal(await page.textContent('#email-hint'), t['email.hint_code']);
    await fillForm(page, to);
    await page.focus('#submit');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code-step:not([hidden])');
    assert.equal(await page.isVisible('#objection'), false);
    assert.equal(await focused(page), 'code');
    assert.equal(await page.textContent('#code-intro'), t['code.intro'].replace('{email}', to));
    assert.deepEqual(await axeViolations(page), []);
    const code = await codeFor(to);
    assert.equal(codeMails(to)[0].parsed.headers.get('content-language'), 'fi');

    // A wrong code: the error beside the input, spoken, the focus kept there.
    await page.keyboard.type(otherThan(code));
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code-messages .msg.error');
    assert.equal(await page.textContent('#code-messages'), t['code.wrong']);
    assert.equal(await page.getAttribute('#code', 'aria-invalid'), 'true');
    assert.equal(await focused(page), 'code');
    await page.waitForFunction((text) => document.getElementById('live').textContent === text, t['code.wrong']);
    assert.deepEqual(await axeViolations(page), []);

    // Tab to "Send a new code": a second email, the notice, the focus back in the input.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'code-resend');
    await page.keyboard.press('Enter');
    await page.waitForFunction((text) => document.getElementById('code-notice').textContent === text, t['code.resent']);
    assert.equal(await focused(page), 'code');
    assert.equal(await page.getAttribute('#code', 'aria-invalid'), 'false');
    const fresh = await codeFor(to, 2);

    // "Change the email address": back to the form, in the email field.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'code-change');
    await page.keyboard.press('Enter');
    assert.equal(await page.isVisible('#code-step'), false);
    assert.equal(await focused(page), 'email');
    // Sent again unchanged: a third code; the second is dead now.
    await page.focus('#submit');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#code-step:not([hidden])');
    const third = await codeFor(to, 3);
    if (third !== fresh) {
      await page.keyboard.type(fresh);
      await page.keyboard.press('Enter');
      await page.waitForFunction((text) => document.getElementById('code-messages').textContent === text, t['code.wrong']);
      await page.fill('#code', '');
    }
    await page.keyboard.type(third);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#receipt:not([hidden])');
    assert.equal(await page.isVisible('#code-step'), false);
    await receiptMailed(await page.textContent('#receipt-number'));
    assert.deepEqual(page.pageErrors, []);
  } finally {
    await context.close();
  }
});

test('without JS: the server\'s code step, the focus on the code, wrong then right', async () => {
  const context = await env.browser.newContext({javaScriptEnabled: false});
  try {
    const page = await context.newPage();
    await page.goto(`${env.server.url}?lang=sv`);
    const t = catalog('sv');
    const to = 'nojs.browser@example.de';
    await fillForm(page, to);
    await Promise.all([page.waitForNavigation(), page.click('#submit')]);
    assert.equal(await page.title(), t['code.title']);
    assert.equal(await focused(page), 'code');  // autofocus
    const code = await codeFor(to);
    await page.keyboard.type(otherThan(code));
    const [wrong] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(wrong.status(), 403);
    assert.equal(await page.textContent('#code-messages'), t['code.wrong']);
    assert.equal(await focused(page), 'code');
    await page.keyboard.type(code);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.equal(new URL(page.url()).pathname, '/received');
    await receiptMailed(await page.textContent('#receipt-number'));
  } finally {
    await context.close();
  }
});

test('axe: the server\'s code step page, with an error', async () => {
  const context = await env.browser.newContext({bypassCSP: true});
  try {
    const page = await openPage(context, env.server.url, 'en');
    await fillForm(page, 'axe.nojs@example.de');
    // The form's native submit() skips the page script: the server answers with code.html.
    await Promise.all([page.waitForNavigation(), page.evaluate(() => HTMLFormElement.prototype.submit.call(document.getElementById('objection')))]);
    assert.deepEqual(await axeViolations(page), []);
    await page.fill('#code', otherThan(await codeFor('axe.nojs@example.de')));
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.waitForSelector('#code-messages .msg.error');
    assert.deepEqual(await axeViolations(page), []);
  } finally {
    await context.close();
  }
});
