// What the browser tests share: the real veto-server on a free port with a throwaway
// database, the browser engines (engines.mjs), the Wasm validator as the reference for
// messages, the page's own readiness signals, and what a test does in a page (fill, select,
// read) written once with evaluate, so that it is the same in every engine.
// scripts/test.sh sets VETO_SERVER and VETO_DIST.
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {after, before, describe} from 'node:test';
import {chromium} from 'playwright-core';
import {launch, selectedEngines} from './engines.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const serverPath = path.resolve(process.env.VETO_SERVER ?? path.join(root, 'build/native/server/veto-server'));
export const distDir = path.resolve(process.env.VETO_DIST ?? path.join(root, 'build/wasm/dist'));
export const webDir = path.join(root, 'web');
export const FIELDS = ['email', 'country', 'phone', 'justification', 'details'];

/** Starts veto-server (with `args` added); resolves to {url, stop} once it has printed its address. */
export async function startServer({args = []} = {}) {
  if (!existsSync(serverPath)) throw new Error(`veto-server not found at ${serverPath} (set VETO_SERVER)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'veto-browser-'));
  const child = spawn(serverPath, ['--listen', '127.0.0.1:0', '--db', path.join(dir, 'objections.db'),
                                   '--web', webDir, '--dist', distDir, '--rate-limit', '1000000', ...args],
                      {stdio: ['ignore', 'pipe', 'inherit']});
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.once('exit', () => child.kill('SIGKILL'));  // never outlive a test file that died
  const firstLine = await new Promise((resolve, reject) => {
    createInterface({input: child.stdout}).once('line', resolve);
    exited.then((code) => reject(new Error(`veto-server exited with ${code} before listening`)));
  });
  const match = /listening on (http:\/\/\S+\/)/.exec(firstLine);
  if (!match) throw new Error(`unexpected first line from veto-server: ${firstLine}`);
  child.stdout.resume();  // keep draining its output
  return {
    url: match[1],
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, {recursive: true, force: true});
    },
  };
}

/** Playwright's Chromium, for what stays Chromium-only (the admin page, screenshots). */
export function launchBrowser() {
  return chromium.launch({executablePath: process.env.VETO_CHROMIUM ?? '/usr/bin/chromium', headless: true,
                          args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
}

/**
 * One describe() per selected engine (VETO_ENGINES), each with its own veto-server and
 * browser, started before its tests and stopped after them: `body(env)` declares the tests
 * and reads env.server, env.browser and env.engine inside them. Options go to launch().
 */
export function inEachEngine(options, body) {
  for (const engine of selectedEngines()) {
    describe(engine, () => {
      const env = {engine, server: null, browser: null};
      before(async () => {
        env.server = await startServer();
        env.browser = await launch(engine, options);
      });
      after(async () => {
        await env.browser?.close();
        await env.server?.stop();
      });
      body(env);
    });
  }
}

/** Resolves once the page's validator is in (the page marks it). */
export function validatorReady(page) {
  return page.waitFor(() => performance.getEntriesByName('veto:ready').length > 0);
}

// Script errors and unhandled rejections from the moment openPage() has the page loaded
// (drivers other than Chromium's report none of their own).
function recordErrors() {
  window.vetoTestErrors = [];
  addEventListener('error', (event) => window.vetoTestErrors.push(String(event.message)));
  addEventListener('unhandledrejection', (event) => window.vetoTestErrors.push(String(event.reason)));
}
/** The page's script errors since openPage(). */
export const pageErrors = (page) => page.evaluate(() => window.vetoTestErrors);

/** Opens the page in `locale` (as a chosen language) and waits for its validator. */
export async function openPage(browser, url, locale = 'en') {
  const page = await browser.newPage();
  await page.goto(`${url}?lang=${locale}`);
  await page.evaluate(recordErrors);
  await validatorReady(page);
  return page;
}

// Reading and changing the page, the same way in every engine.
/** Sets a control's value as input would (focus, value, an input event); no key events. */
export const fill = (page, selector, value) => page.evaluate((selector, value) => {
  const control = document.querySelector(selector);
  control.focus();
  control.value = value;
  control.dispatchEvent(new Event('input', {bubbles: true}));
}, selector, value);
/** Chooses an option of a select as a person would (input and change events). */
export const select = (page, selector, value) => page.evaluate((selector, value) => {
  const control = document.querySelector(selector);
  control.value = value;
  if (control.value !== value) throw new Error(`${selector} has no option ${value}`);
  control.dispatchEvent(new Event('input', {bubbles: true}));
  control.dispatchEvent(new Event('change', {bubbles: true}));
}, selector, value);
/** Focuses the element and presses a real key (e.g. 'Tab') there. */
export async function press(page, selector, key) {
  await page.evaluate((selector) => document.querySelector(selector).focus(), selector);
  await page.keyboard.press(key);
}
export const text = (page, selector) => page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
export const attribute = (page, selector, name) =>
  page.evaluate((s, name) => document.querySelector(s).getAttribute(name), selector, name);
export const value = (page, selector) => page.evaluate((s) => document.querySelector(s).value, selector);
export const focusedId = (page) => page.evaluate(() => document.activeElement?.id);
/** Whether the element takes up room on the page (not hidden, not display: none). */
export const visible = (page, selector) => page.evaluate((s) => {
  const element = document.querySelector(s);
  return Boolean(element && element.getClientRects().length > 0);
}, selector);
/** The summary's links: [[href, text]]. */
export const summaryLinks = (page) => page.evaluate(() =>
  Array.from(document.querySelectorAll('#summary a'), (a) => [a.getAttribute('href'), a.textContent]));

/** The messages shown beside a field: [{code, kind, message}]. */
export function shownMessages(page, field) {
  return page.evaluate((field) => Array.from(document.querySelectorAll(`#${field}-messages .msg`), (span) => ({
    code: span.dataset.code,
    kind: span.classList.contains('error') ? 'error' : 'warning',
    message: span.textContent,
  })), field);
}

/**
 * Answers the page's POSTs to api/objections from inside the page: its fetch() is wrapped,
 * the same in every engine (WebDriver has no network interception). Each send takes the
 * next of `actions` ('abort': a network failure; 'continue': to the server; {status, body}:
 * that answer), then `then` for the rest. sentObjections() lists what was sent.
 */
export function interceptObjections(page, actions, then = 'continue') {
  return page.evaluate((actions, then) => {
    const send = window.fetch;
    window.vetoTestSent = [];
    window.fetch = async (resource, init = {}) => {
      if (!/\/api\/objections(\?|$)/.test(new URL(String(resource), document.baseURI).href)) return send(resource, init);
      window.vetoTestSent.push({key: new Headers(init.headers).get('idempotency-key'), body: init.body});
      const action = actions.length ? actions.shift() : then;
      if (action === 'abort') throw new TypeError('Failed to fetch');
      if (action === 'continue') return send(resource, init);
      return new Response(action.body, {status: action.status, headers: {'content-type': 'application/json'}});
    };
  }, actions, then);
}
/** What the page sent to api/objections since interceptObjections(): [{key, body}]. */
export const sentObjections = (page) => page.evaluate(() => window.vetoTestSent);

const validators = new Map();
/** The Wasm validator in Node, for the messages the page must show. */
export async function referenceValidator(locale) {
  if (!validators.has(locale)) {
    const {createValidator} = await import(pathToFileURL(path.join(distDir, 'veto.mjs')));
    validators.set(locale, await createValidator({locale}));
  }
  return validators.get(locale);
}

/** The messages a field result asks for, in the shape of shownMessages. */
export function expectedMessages(fieldResult) {
  return [...fieldResult.errors.map((issue) => ({code: issue.code, kind: 'error', message: issue.message})),
          ...fieldResult.warnings.map((issue) => ({code: issue.code, kind: 'warning', message: issue.message}))];
}

/**
 * Runs axe-core in the page (an engines.mjs page, or a Playwright page of the Chromium-only
 * admin test); resolves to its violations. axe's source goes in with the driver's script,
 * which the page's Content-Security-Policy does not govern.
 */
export async function axeViolations(page) {
  const run = `async () => {
    ${readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8')}
    const {violations} = await window.axe.run(document);
    return violations.map((v) => v.id + ': ' + v.help + ' (' + v.nodes.map((n) => n.target.join(' ')).join(', ') + ')');
  }`;
  return page.engine ? page.evaluate(run) : page.evaluate(`(${run})()`);
}
