// Without JavaScript the page is a plain HTML form: the server renders its messages on an
// invalid post (422, values kept) and answers a valid one with the receipt page.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {referenceValidator, shownMessages, serverAndBrowser, webDir} from './harness.mjs';
import {summaryLine} from '../server/server.mjs';

const env = serverAndBrowser({javaScriptEnabled: false});

test('no JS: an invalid post shows the server\'s messages in the chosen language', async () => {
  const page = await env.context.newPage();
  await page.goto(`${env.server.url}?lang=de`);
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  // Values the browser's own checks let through but veto does not.
  const form = {email: 'anna@example', country: 'AT', phone: '0900 123456',
                justification: 'aaaaaaaaaaaaaaaaaaaaaaaa aaa aaa', details: ''};
  await page.fill('#email', form.email);
  await page.selectOption('#country', form.country);
  await page.fill('#phone', form.phone);
  await page.fill('#justification', form.justification);
  const [response] = await Promise.all([page.waitForNavigation(), page.click('#submit')]);
  assert.equal(response.status(), 422);
  assert.equal(new URL(page.url()).pathname, '/objections');

  const result = (await referenceValidator('de')).validate(form);
  for (const field of ['email', 'phone', 'justification']) {
    const expected = [...result.fields[field].errors.map((i) => ({code: i.code, kind: 'error', message: i.message})),
                      ...result.fields[field].warnings.map((i) => ({code: i.code, kind: 'warning', message: i.message}))];
    assert.deepEqual(await shownMessages(page, field), expected, field);
    assert.equal(await page.getAttribute(`#${field}`, 'aria-invalid'), 'true');
  }
  assert.equal(await page.getAttribute('#country', 'aria-invalid'), 'false');
  // The values come back as sent, the summary links to the fields.
  assert.equal(await page.inputValue('#email'), form.email);
  assert.equal(await page.inputValue('#country'), form.country);
  assert.equal(await page.inputValue('#justification'), form.justification);
  assert.equal(await page.isVisible('#summary'), true);
  assert.deepEqual(await page.$$eval('#summary a', (as) => as.map((a) => a.getAttribute('href'))),
                   ['#email', '#phone', '#justification']);
  // Each line joins the field's (short) label and its first message as de.json says.
  const de = JSON.parse(readFileSync(path.join(webDir, 'i18n/de.json'), 'utf8'));
  assert.deepEqual(await page.$$eval('#summary a', (as) => as.map((a) => a.textContent)),
                   ['email', 'phone', 'justification'].map((field) =>
                     summaryLine(de, field, result.fields[field].errors[0].message)));
  assert.ok((await page.textContent('#summary a[href="#justification"]')).startsWith('Auswirkungen auf Sie: '));
});

test('no JS: a valid post gives the receipt page', async () => {
  const page = await env.context.newPage();
  await page.goto(`${env.server.url}?lang=fr`);
  await page.fill('#email', 'jörg@bücher.de');
  await page.selectOption('#country', 'FR');
  await page.fill('#justification', 'Je refuse que mes publications servent à entraîner des modèles d’IA.');
  const [response] = await Promise.all([page.waitForNavigation(), page.click('#submit')]);
  assert.equal(response.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/received');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  const receipt = await page.textContent('#receipt-number');
  assert.match(receipt, /\S/);
  assert.equal(receipt, new URL(page.url()).searchParams.get('receipt'));
});

test('no JS: the browser\'s own checks stop an empty form before it is sent', async () => {
  const page = await env.context.newPage();
  await page.goto(env.server.url);
  let posted = false;
  page.on('request', (request) => { if (request.method() === 'POST') posted = true; });
  await page.click('#submit');
  await page.waitForTimeout(300);
  assert.equal(posted, false);
  assert.equal(await page.$eval('#email', (input) => input.validity.valueMissing), true);
});
