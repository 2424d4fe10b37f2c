// A valid objection completed with the keyboard alone, through a failed first attempt (the
// retry must reuse the Idempotency-Key) to the receipt; and the submit-time behaviour:
// summary, focus on the first invalid field, the server's 422 messages shown.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {openPage, referenceValidator, shownMessages, serverAndBrowser} from './harness.mjs';

const env = serverAndBrowser({});

const focusedId = (page) => page.evaluate(() => document.activeElement?.id);

test('keyboard only: fill in, send, network failure, retry with the same key, receipt', async () => {
  const page = await openPage(env.context, env.server.url, 'en');
  const sent = [];
  let failNext = true;
  await page.route('**/api/objections*', async (route) => {
    sent.push({key: route.request().headers()['idempotency-key'], body: route.request().postData()});
    if (failNext) {
      failNext = false;
      return route.abort('connectionrefused');
    }
    return route.continue();
  });

  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), 'locale');
  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), 'email');
  await page.keyboard.type('anna@exämple.de');
  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), 'country');
  await page.keyboard.type('Austria');  // the native select's type-ahead
  assert.equal(await page.inputValue('#country'), 'AT');
  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), 'phone');
  await page.keyboard.type('0664 1234567');
  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), 'justification');
  await page.keyboard.type('I do not want my posts and photos used to train AI models.');
  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), 'details');
  await page.keyboard.press('Tab');
  assert.equal(await focusedId(page), 'submit');
  for (const field of ['email', 'country', 'phone', 'justification']) {
    assert.deepEqual(await shownMessages(page, field), [], field);
  }

  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('send-error').textContent !== '');
  const en = (await import('../../web/i18n/en.json', {with: {type: 'json'}})).default;
  assert.equal(await page.textContent('#send-error'), en['error.network']);
  assert.equal(await page.getAttribute('#send-error', 'role'), 'alert');

  assert.equal(await focusedId(page), 'submit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#receipt:not([hidden])');
  assert.equal(await focusedId(page), 'receipt');
  assert.match(await page.textContent('#receipt-number'), /\S/);

  assert.equal(sent.length, 2);
  assert.match(sent[0].key, /^[\x21-\x7e]{1,200}$/);
  assert.equal(sent[1].key, sent[0].key, 'a retry reuses the Idempotency-Key');
  assert.equal(sent[1].body, sent[0].body);
  assert.deepEqual(JSON.parse(sent[0].body), {
    email: 'anna@exämple.de', country: 'AT', phone: '0664 1234567',
    justification: 'I do not want my posts and photos used to train AI models.', details: '',
  });
  assert.deepEqual(page.pageErrors, []);
});

test('submitting an invalid form: summary with links, focus on the first invalid field', async () => {
  const page = await openPage(env.context, env.server.url, 'de');
  await page.fill('#justification', 'zu kurz');
  await page.click('#submit');
  assert.equal(await focusedId(page), 'email');
  const validator = await referenceValidator('de');
  const result = validator.validate({email: '', country: '', phone: '', justification: 'zu kurz', details: ''});
  const links = await page.$$eval('#summary a', (as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
  assert.deepEqual(links.map(([href]) => href), ['#email', '#country', '#justification']);
  assert.ok(links[2][1].endsWith(result.fields.justification.errors[0].message));
  await page.click('#summary a[href="#country"]');
  assert.equal(await focusedId(page), 'country');
  assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
  // Corrections show at once, in the field and in the summary.
  await page.keyboard.type('Polen');
  assert.equal(await page.inputValue('#country'), 'PL');
  await page.keyboard.press('Tab');
  assert.deepEqual(await shownMessages(page, 'country'), []);
  assert.equal(await page.getAttribute('#country', 'aria-invalid'), 'false');
  assert.deepEqual(await page.$$eval('#summary a', (as) => as.map((a) => a.getAttribute('href'))),
                   ['#email', '#justification']);
});

test('a 422 from the server is shown as the server says', async () => {
  const page = await openPage(env.context, env.server.url, 'en');
  // The page thinks the form is valid; the server (authoritative) does not.
  const verdict = {valid: false, ruleset: {id: 'x', version: 1}, locale: 'en', fields: {
    email: {valid: false, value: null, errors: [{code: 'email.special_use', params: {}, message: 'Server says no.'}],
            warnings: [], info: {}},
  }, form: {errors: [], warnings: []}};
  await page.route('**/api/objections*', (route) =>
    route.fulfill({status: 422, contentType: 'application/json', body: JSON.stringify({result: verdict})}));
  await page.fill('#email', 'anna@example.com');
  await page.selectOption('#country', 'FR');
  await page.fill('#justification', 'Je ne veux pas que mes données servent à entraîner une IA.');
  await page.click('#submit');
  await page.waitForSelector('#email-messages .msg');
  assert.deepEqual(await shownMessages(page, 'email'),
                   [{code: 'email.special_use', kind: 'error', message: 'Server says no.'}]);
  assert.equal(await focusedId(page), 'email');
  assert.equal(await page.isVisible('#summary'), true);
});

test('a server error is reported in the page\'s language', async () => {
  const page = await openPage(env.context, env.server.url, 'de');
  await page.route('**/api/objections*', (route) =>
    route.fulfill({status: 503, contentType: 'application/json', body: '{"error":{"code":"http.internal","message":"x"}}'}));
  await page.fill('#email', 'anna@example.com');
  await page.selectOption('#country', 'DE');
  await page.fill('#justification', 'Ich widerspreche der Nutzung meiner Daten für KI-Training.');
  await page.click('#submit');
  await page.waitForFunction(() => document.getElementById('send-error').textContent !== '');
  const de = await page.evaluate(() => fetch('i18n/de.json').then((r) => (r.ok ? r.json() : null)));
  const en = (await import('../../web/i18n/en.json', {with: {type: 'json'}})).default;
  assert.equal(await page.textContent('#send-error'), (de ?? en)['error.server']);
});
