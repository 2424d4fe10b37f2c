// What the browser tests share: the real veto-server on a free port with a throwaway
// database, Debian's Chromium, the Wasm validator as the reference for messages, and the
// page's own readiness signals. scripts/test.sh sets VETO_SERVER and VETO_DIST.
import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {createInterface} from 'node:readline';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {after, before} from 'node:test';
import {chromium} from 'playwright-core';

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

export function launchBrowser() {
  return chromium.launch({executablePath: process.env.VETO_CHROMIUM ?? '/usr/bin/chromium', headless: true,
                          args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage']});
}

/** Resolves once the page's validator is in (the page marks it). */
export function validatorReady(page) {
  return page.waitForFunction(() => performance.getEntriesByName('veto:ready').length > 0);
}

/** Opens the page in `locale` (as a chosen language) and waits for its validator. */
export async function openPage(context, url, locale = 'en') {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  page.pageErrors = errors;
  await page.goto(`${url}?lang=${locale}`);
  await validatorReady(page);
  return page;
}

const validators = new Map();
/** The Wasm validator in Node, for the messages the page must show. */
export async function referenceValidator(locale) {
  if (!validators.has(locale)) {
    const {createValidator} = await import(pathToFileURL(path.join(distDir, 'veto.mjs')));
    validators.set(locale, await createValidator({locale}));
  }
  return validators.get(locale);
}

/** The messages shown beside a field: [{code, kind, message}]. */
export function shownMessages(page, field) {
  return page.$$eval(`#${field}-messages .msg`, (spans) => spans.map((span) => ({
    code: span.dataset.code,
    kind: span.classList.contains('error') ? 'error' : 'warning',
    message: span.textContent,
  })));
}

/** The messages a field result asks for, in the shape of shownMessages. */
export function expectedMessages(fieldResult) {
  return [...fieldResult.errors.map((issue) => ({code: issue.code, kind: 'error', message: issue.message})),
          ...fieldResult.warnings.map((issue) => ({code: issue.code, kind: 'warning', message: issue.message}))];
}

/** Runs axe-core in the page; resolves to its violations. */
export async function axeViolations(page) {
  await page.addScriptTag({path: path.join(root, 'node_modules/axe-core/axe.min.js')});
  const results = await page.evaluate(() => window.axe.run(document));
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

// A test file's veto-server and Chromium: started before its tests, stopped after them.
// With `contextOptions`, also one browser context the file's tests share.
export function serverAndBrowser(contextOptions) {
  const env = {server: null, browser: null, context: null};
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
    if (contextOptions) env.context = await env.browser.newContext(contextOptions);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
