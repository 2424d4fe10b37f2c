// The admin page in Chromium: signed in through the browser's Basic prompt (the token's
// secret as the password), overdue first with the days left, the filters, answer and
// reject with a reason, the extension, erasure, the export link and the chart; no
// Content-Security-Policy violation, and axe finds nothing.
import assert from 'node:assert/strict';
import {readFileSync, rmSync} from 'node:fs';
import path from 'node:path';
import {after, before, test} from 'node:test';

import {daysAgo, mainDatabase, makeTokens, startAdmin, submit} from '../server/admin.mjs';
import {tempDir} from '../server/server.mjs';
import {axeViolations, launchBrowser} from './harness.mjs';

const tokens = makeTokens({alice: 'handler', bob: 'reader'});
const env = {};

before(async () => {
  env.dir = tempDir();
  const db = path.join(env.dir, 'objections.db');
  mainDatabase(db, [
    {receipt: 'AAAA-0000-0000-0001', received_at: daysAgo(45), country: 'AT', email: 'late@example.de'},
    {receipt: 'AAAA-0000-0000-0002', received_at: daysAgo(3), country: 'DE', email: 'recent@example.de'},
  ]);
  env.server = await startAdmin(tokens, {db});
  [env.fresh] = await submit(env.server, [{country: 'PL', email: 'fresh@example.de'}]);
  env.browser = await launchBrowser();
  const as = (name) => ({httpCredentials: {username: name, password: tokens.secret[name]}, acceptDownloads: true});
  env.alice = await env.browser.newContext(as('alice'));
  env.bob = await env.browser.newContext(as('bob'));
  env.axe = await env.browser.newContext({...as('alice'), bypassCSP: true});  // only to inject axe
});
after(async () => {
  await env.browser?.close();
  await env.server?.stop();
  rmSync(env.dir, {recursive: true, force: true});
});

// A page that records Content-Security-Policy violations and script errors.
async function open(context, target) {
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) page.problems.push(m.text()); });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  const res = await page.goto(new URL(target, env.server.adminUrl).href);
  page.status = res.status();
  return page;
}

test('admin page: with a wrong secret the browser gets 401 and nothing else', async () => {
  const context = await env.browser.newContext({httpCredentials: {username: 'alice', password: 'vetoadm_guess'}});
  const page = await open(context, '/');
  assert.equal(page.status, 401);
  assert.doesNotMatch(await page.content(), /AAAA-0000/);
  await context.close();
});

test('admin page: overdue first with the days left, the chart, the filters', async () => {
  const page = await open(env.alice, '/');
  assert.equal(page.status, 200);
  const rows = await page.$$eval('tbody tr', (trs) => trs.map((tr) => ({
    overdue: tr.classList.contains('overdue'), cells: [...tr.cells].map((td) => td.textContent)})));
  assert.deepEqual(rows.map((r) => r.cells[0]), ['AAAA-0000-0000-0001', 'AAAA-0000-0000-0002', env.fresh]);
  assert.equal(rows[0].overdue, true);
  assert.match(rows[0].cells[5], /^overdue by \d+ days$/);
  assert.equal(rows[2].cells[5], '31');
  assert.equal(await page.locator('svg.chart').first().locator('rect').count(), 30);
  assert.match(await page.locator('#open-title').textContent(), /^Open: 3, of which overdue: 1$/);
  await page.selectOption('#status', 'received');
  await page.fill('#country', 'DE');
  await Promise.all([page.waitForNavigation(), page.click('.filters button[type="submit"]')]);
  assert.match(page.url(), /status=received&country=DE/);
  assert.deepEqual(await page.$$eval('tbody tr td:first-child', (tds) => tds.map((td) => td.textContent)),
                   ['AAAA-0000-0000-0002']);
  await page.check('#overdue');
  await page.fill('#country', '');
  await Promise.all([page.waitForNavigation(), page.click('.filters button[type="submit"]')]);
  assert.deepEqual(await page.$$eval('tbody tr td:first-child', (tds) => tds.map((td) => td.textContent)),
                   ['AAAA-0000-0000-0001']);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('admin page: answer with a reason, extend, erase; a reader sees no forms', async () => {
  const reader = await open(env.bob, `/objection?receipt=${env.fresh}`);
  assert.equal(await reader.locator('form.action').count(), 0);
  assert.match(await reader.locator('main').textContent(), /fresh@example\.de/);
  await reader.close();

  const page = await open(env.alice, '/');
  await Promise.all([page.waitForNavigation(), page.click(`a:text("${env.fresh}")`)]);
  assert.match(await page.locator('main').textContent(), /fresh@example\.de/);
  // A reason is required before the browser sends anything.
  await page.click('button[value="answered"]');
  assert.equal(await page.locator('#reason').evaluate((t) => t.validity.valueMissing), true);
  await page.fill('#reason', 'We have excluded your data.');
  await Promise.all([page.waitForNavigation(), page.click('button[value="answered"]')]);
  assert.match(await page.locator('#status-now').textContent(), /^answered$/);
  assert.match(await page.locator('.history').textContent(), /answered by alice: We have excluded your data\./);
  assert.equal(await page.locator('form[action="/objection/status"]').count(), 0, 'closed: no second answer');

  await page.goto(new URL('/objection?receipt=AAAA-0000-0000-0002', env.server.adminUrl).href);
  await page.selectOption('#months', '2');
  await page.fill('#extension-reason', 'Many objections at once.');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/objection/extension"] button')]);
  assert.match(await page.locator('.facts').first().textContent(), /extended by 2 months/);
  await page.fill('#reason', 'Not an objection to us.');
  await Promise.all([page.waitForNavigation(), page.click('button[value="rejected"]')]);
  assert.match(await page.locator('#status-now').textContent(), /^rejected$/);
  await Promise.all([page.waitForNavigation(), page.click('button.danger')]);
  assert.match(await page.locator('#status-now').textContent(), /personal data erased/);
  assert.doesNotMatch(await page.locator('main').textContent(), /recent@example\.de/);
  assert.deepEqual(page.problems, []);
  await page.close();
});

test('admin page: a stale form gets 409 and changes nothing', async () => {
  const one = await open(env.alice, '/objection?receipt=AAAA-0000-0000-0001');
  const two = await open(env.alice, '/objection?receipt=AAAA-0000-0000-0001');
  await one.fill('#reason', 'first');
  await Promise.all([one.waitForNavigation(), one.click('button[value="answered"]')]);
  await two.fill('#extension-reason', 'second, from an old page');
  const [response] = await Promise.all([two.waitForNavigation(), two.click('form[action="/objection/extension"] button')]);
  assert.equal(response.status(), 409);
  assert.match(await two.content(), /Someone changed this objection in the meantime/);
  await one.close();
  await two.close();
});

test('admin page: the export link downloads the selection as CSV', async () => {
  const page = await open(env.alice, '/?status=answered');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:text("CSV")')]);
  assert.equal(download.suggestedFilename(), 'objections.csv');
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.trimEnd().split('\r\n');
  assert.equal(lines.length, 3, text);  // the header, the two answered
  assert.match(text, /fresh@example\.de/);
  await page.close();
});

test('axe: the list and one objection', async () => {
  for (const target of ['/', `/objection?receipt=${env.fresh}`, '/objection?receipt=AAAA-0000-0000-0002',
                        '/?overdue=1']) {
    const page = await open(env.axe, target);
    assert.deepEqual(await axeViolations(page), [], target);
    await page.close();
  }
});
