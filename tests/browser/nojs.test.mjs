// Without JavaScript the page is a plain HTML form: the server renders its messages on an
// invalid post (422, values kept) and answers a valid one with the receipt page; in every
// engine, each launched with scripts off (the driver's own scripts still read the page).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {attribute, inEachEngine, referenceValidator, shownMessages, summaryLinks, text, value, visible, webDir}
  from './harness.mjs';
import {summaryLine} from '../server/server.mjs';

// Sets values without events (no script of the page would hear them anyway).
const setValues = (page, values) => page.evaluate((values) => {
  for (const [id, v] of Object.entries(values)) document.getElementById(id).value = v;
}, values);

// Opens the page and checks that its script did not run: app.js marks #status at once.
async function openWithoutScripts(env, query) {
  const page = await env.browser.newPage();
  await page.goto(`${env.server.url}${query}`);
  assert.equal(await attribute(page, '#status', 'data-i18n'), null, 'the page script ran');
  return page;
}

// Sends the form with a real click and waits for the answer's page at `pathname`.
async function submitTo(page, pathname) {
  await page.click('#submit');
  await page.waitFor((p) => location.pathname === p && document.readyState === 'complete', pathname);
}

// The HTTP status of the page on show, where the engine tells it (Navigation Timing's
// responseStatus: Chromium and Firefox do; WebKitGTK 2.50 says nothing).
const status = (page) => page.evaluate(() => performance.getEntriesByType('navigation')[0]?.responseStatus ?? null);

inEachEngine({javaScript: false}, (env) => {
  test('no JS: an invalid post shows the server\'s messages in the chosen language', async () => {
    const page = await openWithoutScripts(env, '?lang=de');
    assert.equal(await attribute(page, 'html', 'lang'), 'de');
    // Values the browser's own checks let through but veto does not.
    const form = {email: 'anna@example', country: 'AT', phone: '0900 123456',
                  justification: 'aaaaaaaaaaaaaaaaaaaaaaaa aaa aaa', details: ''};
    await setValues(page, form);
    await submitTo(page, '/objections');
    const shownStatus = await status(page);
    if (shownStatus !== null || env.engine !== 'webkit') assert.equal(shownStatus, 422);

    const result = (await referenceValidator('de')).validate(form);
    for (const field of ['email', 'phone', 'justification']) {
      const expected = [...result.fields[field].errors.map((i) => ({code: i.code, kind: 'error', message: i.message})),
                        ...result.fields[field].warnings.map((i) => ({code: i.code, kind: 'warning', message: i.message}))];
      assert.deepEqual(await shownMessages(page, field), expected, field);
      assert.equal(await attribute(page, `#${field}`, 'aria-invalid'), 'true');
    }
    assert.equal(await attribute(page, '#country', 'aria-invalid'), 'false');
    // The values come back as sent, the summary links to the fields.
    assert.equal(await value(page, '#email'), form.email);
    assert.equal(await value(page, '#country'), form.country);
    assert.equal(await value(page, '#justification'), form.justification);
    assert.equal(await visible(page, '#summary'), true);
    const links = await summaryLinks(page);
    assert.deepEqual(links.map(([href]) => href), ['#email', '#phone', '#justification']);
    // Each line joins the field's (short) label and its first message as de.json says.
    const de = JSON.parse(readFileSync(path.join(webDir, 'i18n/de.json'), 'utf8'));
    assert.deepEqual(links.map(([, line]) => line), ['email', 'phone', 'justification'].map((field) =>
      summaryLine(de, field, result.fields[field].errors[0].message)));
    assert.ok((await text(page, '#summary a[href="#justification"]')).startsWith('Auswirkungen auf Sie: '));
    await page.close();
  });

  test('no JS: a valid post gives the receipt page', async () => {
    const page = await openWithoutScripts(env, '?lang=fr');
    await setValues(page, {email: 'jörg@bücher.de', country: 'FR',
                           justification: 'Je refuse que mes publications servent à entraîner des modèles d’IA.'});
    await submitTo(page, '/received');
    const shownStatus = await status(page);
    if (shownStatus !== null || env.engine !== 'webkit') assert.equal(shownStatus, 200);
    assert.equal(await attribute(page, 'html', 'lang'), 'fr');
    const receipt = await text(page, '#receipt-number');
    assert.match(receipt, /\S/);
    assert.equal(receipt, await page.evaluate(() => new URL(location.href).searchParams.get('receipt')));
    await page.close();
  });

  test('no JS: the browser\'s own checks stop an empty form before it is sent', async () => {
    const page = await openWithoutScripts(env, '');
    await page.click('#submit');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Nothing was posted: the page is still the form, the first required field says why.
    assert.equal(await page.evaluate(() => location.pathname), '/');
    assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), 1);
    assert.equal(await page.evaluate(() => document.getElementById('email').validity.valueMissing), true);
    await page.close();
  });
});
